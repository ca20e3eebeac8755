"""The audit log page and the e-shop token page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog_service.audit.models import AuditEntry
from catalog_service.audit.service import record
from catalog_service.auth.models import ApiToken
from catalog_service.extensions import db
from tests.conftest import bearer_client, csrf_from, page_client
from tests.factories import assortments as factory


@pytest.fixture
def published_rama(app, tmp_path):
    """Rama's version 1 (small contract), so an e-shop token has a feed to fetch."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    return factory.import_and_publish(app, tmp_path, "rama", factory.articles("rama", 3))


def audit_rows(html: str) -> list[str]:
    """The action code of each audit row on the page (an attribute: people read sentences)."""
    return re.findall(r'<tr data-entry="\d+" data-action="([^"]+)">', html)


def audit_sentences(html: str) -> list[str]:
    """The visible sentence of each audit row."""
    return re.findall(r'<tr data-entry="\d+" data-action="[^"]+">\s*<td>[^<]*</td>\s*<td>([^<]+)</td>', html)


def tokens_in_db(app) -> list[ApiToken]:
    with app.app_context():
        return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


# --- who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "allowed", "refused"),
    [
        ("/audit", ("admin",), ("upphandlare", "hmc", "forskrivare")),
        ("/tokens", ("admin", "upphandlare"), ("hmc", "forskrivare")),
    ],
)
def test_admin_pages_open_for_their_roles_only(app, path, allowed, refused):
    for role in allowed:
        assert page_client(app, role, name=f"{role}-ok").get(path).status_code == 200, (path, role)
    for role in refused:
        response = page_client(app, role, name=f"{role}-no").get(path)
        assert response.status_code == 403 and "Åtkomst nekad" in response.text, (path, role)
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login?next=")


def test_token_forms_need_the_token_role(app, published_rama):
    # the procurement officer runs the e-shop relationship and manages its tokens (tests/home); HMC does not
    hmc = page_client(app, "hmc", name="hmc1")
    token = csrf_from(hmc.get("/").text)
    assert hmc.post("/tokens", data={"csrf_token": token, "supplier": "rama"}).status_code == 403
    assert tokens_in_db(app) == []


# --- audit log -----------------------------------------------------------------------------------


def test_audit_filters_narrow_the_entries(app, published_rama):
    client = page_client(app, "admin", name="admin9")
    everything = client.get("/audit").text
    assert {"contract.load", "pricelist.import", "assortment.publish", "user.create", "user.login"} <= set(
        audit_rows(everything)
    )
    assert audit_rows(everything)[0] == "user.login"  # newest first

    by_actor = client.get("/audit?actor=upphandlare2").text
    assert audit_rows(by_actor) == ["assortment.publish"]
    by_action = client.get("/audit?action=contract.load").text
    assert audit_rows(by_action) == ["contract.load"] and "1 händelse." in by_action
    by_type = client.get("/audit?object_type=user").text
    assert set(audit_rows(by_type)) == {"user.create", "user.login"}
    future = client.get("/audit?date_from=2999-01-01").text
    assert audit_rows(future) == [] and "0 händelser." in future
    today_only = client.get("/audit?actor=upphandlare2&date_to=2999-12-31&date_from=2000-01-01").text
    assert audit_rows(today_only) == ["assortment.publish"]


def test_audit_page_shows_each_entry_as_a_swedish_sentence_without_codes(app, published_rama):
    page = page_client(app, "admin", name="admin1").get("/audit").text
    sentences = audit_sentences(page)
    assert "upphandlare2 publicerade version 1 av sortimentet för Rama (3 artiklar)." in sentences
    assert "admin1 loggade in." in sentences
    assert any(
        s.startswith("admin lade till användaren") and s.endswith("med rollen administratör.") for s in sentences
    )
    visible = re.sub(r"<[^>]+>", " ", page)
    codes = {"assortment.publish", "contract.load", "pricelist.import", "user.create", "user.login"}
    assert codes <= set(audit_rows(page)) and not [code for code in codes if code in visible]
    assert "roles:" not in visible and "['admin']" not in visible
    assert ">Publicering av sortiment</option>" in page and ">Sortimentsversion</option>" in page


def test_audit_filter_values_not_in_the_log_are_not_echoed(app, published_rama):
    client = page_client(app, "admin", name="admin9")
    response = client.get("/audit?actor=<script>x</script>&action=nosuch")
    assert response.status_code == 200
    assert "<script>x" not in response.text and "&lt;script&gt;" not in response.text
    bad_date = client.get("/audit?date_from=igår")
    assert bad_date.status_code == 422
    assert "Från-datumet är inget datum." in bad_date.text and "igår" not in bad_date.text
    backwards = client.get("/audit?date_from=2026-05-02&date_to=2026-05-01")
    assert backwards.status_code == 422 and "Från-datumet ligger efter till-datumet." in backwards.text


def test_audit_pages_fifty_at_a_time(app):
    with app.app_context():
        for number in range(120):
            record(db.session, actor="script", action="test.step", object_type="test", object_id=number)
        db.session.commit()
    client = page_client(app, "admin", name="admin1")
    first = client.get("/audit?actor=script").text
    assert "120 händelser. Sida 1 av 3." in first and len(audit_rows(first)) == 50
    assert '<tr data-entry="120"' in first and "script gjorde en ändring" in first
    assert 'href="/audit?actor=script&amp;page=2"' in first
    last = client.get("/audit?actor=script&page=3").text
    assert len(audit_rows(last)) == 20 and '<tr data-entry="1"' in last and "Äldre" not in last


# --- tokens --------------------------------------------------------------------------------------


def test_a_created_token_is_shown_once_works_and_stops_when_revoked(app, published_rama):
    admin = page_client(app, "admin", name="admin1")
    page = admin.get("/tokens")
    assert "Inga token ännu." in page.text
    created = admin.post("/tokens", data={"csrf_token": csrf_from(page.text), "supplier": "rama"})
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    raw = re.search(r"<p><code>([A-Za-z0-9_-]{40,})</code></p>", created.text).group(1)
    assert "Den visas inte igen." in created.text

    again = admin.get("/tokens").text
    assert raw not in again and f"{raw[:8]}…" in again and "E-butik" in again and "Rama" in again
    with app.app_context():
        stored = db.session.scalars(select(ApiToken)).one()
        assert raw not in (stored.token_hash, stored.prefix)

    eshop = bearer_client(app, raw)
    assert eshop.get("/api/v1/feeds/rama").status_code == 200
    assert eshop.get("/api/v1/feeds/juzo").status_code == 404  # its own supplier only

    revoked = admin.post(f"/tokens/{stored.id}/revoke", data={"csrf_token": csrf_from(again)})
    assert revoked.status_code == 302
    after = admin.get("/tokens").text
    assert f"Token {raw[:8]}… är återkallad." in after and "Återkalla</button>" not in after
    assert eshop.get("/api/v1/feeds/rama").status_code == 401

    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("token."))).all()
    assert [(e.action, e.actor, e.details["supplier"]) for e in entries] == [
        ("token.create", "admin1", "rama"),
        ("token.revoke", "admin1", "rama"),
    ]
    assert all(raw not in str(e.details) for e in entries)


def test_the_token_list_shows_person_tokens_too(app):
    from tests.conftest import make_token

    make_token(app, roles=("hmc",), name="hmc-api")
    page = page_client(app, "admin", name="admin1").get("/tokens").text
    assert "Person" in page and "hmc-api" in page


def test_revoking_twice_answers_plainly(app, published_rama):
    admin = page_client(app, "admin", name="admin1")
    page = admin.get("/tokens").text
    admin.post("/tokens", data={"csrf_token": csrf_from(page), "supplier": "rama"})
    token_id = tokens_in_db(app)[0].id
    assert admin.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(page)}).status_code == 302
    twice = admin.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(page)})
    assert twice.status_code == 409 and f"Token {token_id} är redan återkallad." in twice.text
    assert "Alla token" in twice.text  # the token page, not an error page


def test_creating_a_token_needs_a_supplier(app):
    admin = page_client(app, "admin", name="admin1")
    response = admin.post("/tokens", data={"csrf_token": csrf_from(admin.get("/tokens").text), "supplier": "x"})
    assert response.status_code == 422 and "Välj vilken leverantörs e-butik" in response.text
    assert tokens_in_db(app) == []


def test_token_posts_without_the_csrf_token_are_refused_and_change_nothing(app, published_rama):
    admin = page_client(app, "admin", name="admin1")
    assert admin.post("/tokens", data={"supplier": "rama"}).status_code == 400
    assert tokens_in_db(app) == []
    admin.post("/tokens", data={"csrf_token": csrf_from(admin.get("/tokens").text), "supplier": "rama"})
    token_id = tokens_in_db(app)[0].id
    refused = admin.post(f"/tokens/{token_id}/revoke", data={"csrf_token": "forged"})
    assert refused.status_code == 400 and "säkerhetstoken" in refused.text
    assert tokens_in_db(app)[0].revoked_at is None
