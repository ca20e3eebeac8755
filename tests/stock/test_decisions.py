"""HMC's decisions: versioned and audited, refused clearly without a trace, and flagged in the feeds at once."""

from __future__ import annotations

import csv
import io
import time

import openpyxl
import pytest
from sqlalchemy import select
from werkzeug.http import http_date

from catalog_service.audit.models import AuditEntry
from catalog_service.extensions import db
from catalog_service.stock.models import StockDecision
from tests.conftest import POSTGRES_URL, bearer_client, make_token
from tests.helpers import table_counts
from tests.stock.conftest import A, B, D

RATIONALE = "Beställs varje vecka; ska finnas på hyllan."


def post_decision(client, article=A, stock=True, rationale=RATIONALE, supplier="medi"):
    body = {"supplier": supplier, "article_number": article, "stock": stock, "rationale": rationale}
    return client.post("/api/v1/stock/decisions", json=body)


def feed_items(client, supplier="medi") -> dict:
    return {item["article_number"]: item for item in client.get(f"/api/v1/feeds/{supplier}").get_json()["items"]}


def test_decisions_are_versioned_current_is_the_latest_and_each_is_audited(app, example, hmc_client):
    first = post_decision(hmc_client)
    assert first.status_code == 201, first.get_json()
    assert (first.get_json()["number"], first.get_json()["stock"], first.get_json()["decided_by"]) == (1, True, "hmc1")
    second = post_decision(hmc_client, stock=False, rationale="Efterfrågan har sjunkit.")
    assert second.status_code == 201 and second.get_json()["number"] == 2

    history = hmc_client.get(f"/api/v1/stock/decisions?supplier=medi&article_number={A}").get_json()
    assert [(d["number"], d["stock"]) for d in history] == [(2, False), (1, True)]
    current = hmc_client.get("/api/v1/stock/decisions").get_json()
    assert [(d["article_number"], d["number"], d["stock"]) for d in current] == [(A, 2, False)]
    assert hmc_client.get("/api/v1/stock/decisions?stock_only=true").get_json() == []
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "stock.decide")).all()
        assert [(e.actor, e.details["stock"], e.details["number"], e.details["previous"]) for e in entries] == [
            ("hmc1", True, 1, None),
            ("hmc1", False, 2, True),
        ]
        assert all("rationale" not in e.details for e in entries)  # free text stays in the decision row only


def test_report_shows_the_current_decision(app, example, hmc_client):
    post_decision(hmc_client, article=B)
    report = hmc_client.get("/api/v1/stock/recommendations?from=2026-08-03&to=2026-08-30").get_json()
    flags = {a["article_number"]: a["hmc_stock_item"] for a in report["articles"]}
    assert flags[B] is True and flags[A] is None


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"article_number": "MED-9999"}, "unknown_article", "finns inte i Medis publicerade sortiment"),
        ({"supplier": "okänd"}, "unknown_supplier", "Okänd leverantör"),
        ({"article_number": "MED 0001;DROP"}, "invalid_article_number", "Artikelnumret har fel form"),
        ({"article_number": D}, "made_to_measure", "måttsydd"),
        ({"rationale": "   "}, "rationale_required", "Skriv en motivering"),
        ({"rationale": "x" * 501}, "rationale_too_long", "högst 500 tecken"),
        ({"rationale": "Brukaren 19550323-3859 behöver den"}, "personal_data", "personuppgifter"),
        ({"rationale": "Ring 070-123 45 67 först"}, "personal_data", "personuppgifter"),
        ({"article_number": "195503233859"}, "personal_data", "personuppgifter"),
    ],
)
def test_bad_decisions_are_refused_with_a_swedish_422_and_nothing_is_written(
    app, example, hmc_client, body, code, words
):
    eshop = bearer_client(app, make_token(app, eshop="medi"))
    etag = eshop.get("/api/v1/feeds/medi").headers["ETag"]
    before = table_counts(app)
    request = {"supplier": "medi", "article_number": A, "stock": True, "rationale": RATIONALE, **body}
    response = hmc_client.post("/api/v1/stock/decisions", json=request)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == code and words in error["message"]
    assert "3859" not in response.get_data(as_text=True) and "45 67" not in response.get_data(as_text=True)
    assert table_counts(app) == before
    assert eshop.get("/api/v1/feeds/medi").headers["ETag"] == etag


def test_taking_an_article_off_the_list_works_after_it_left_the_assortment(app, example, hmc_client, tmp_path):
    from tests.factories import assortments as factory
    from tests.stock.conftest import example_articles

    assert post_decision(hmc_client, article=B).status_code == 201
    kept = [a for a in example_articles() if a.article_number != B]
    factory.import_and_publish(app, tmp_path, "medi", kept, name="utan-b.xlsx")
    assert post_decision(hmc_client, article=B).get_json()["error"]["code"] == "unknown_article"
    off = post_decision(hmc_client, article=B, stock=False, rationale="Utgått ur sortimentet.")
    assert off.status_code == 201 and off.get_json()["number"] == 2


def test_decisions_need_the_hmc_role(app, example, officer_client, client):
    assert post_decision(officer_client).status_code == 403
    assert client.get("/api/v1/stock/recommendations").status_code == 401
    eshop = bearer_client(app, make_token(app, eshop="medi"))
    assert eshop.get("/api/v1/stock/decisions").status_code == 403


# --- the feeds' hmc_stock_item -----------------------------------------------------------------


def test_a_decision_flags_the_article_in_every_feed_format_and_changes_the_etag(app, example, hmc_client):
    eshop = bearer_client(app, make_token(app, eshop="medi"))
    before = eshop.get("/api/v1/feeds/medi")
    assert not any(item["hmc_stock_item"] for item in before.get_json()["items"])

    assert post_decision(hmc_client).status_code == 201
    after = eshop.get("/api/v1/feeds/medi", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.get_json()["version"] == before.get_json()["version"]  # HMC's flag is not a new assortment version
    assert {n for n, item in feed_items(eshop).items() if item["hmc_stock_item"]} == {A}

    rows = csv.DictReader(
        io.StringIO(eshop.get("/api/v1/feeds/medi?format=csv").get_data(as_text=True).lstrip("\ufeff"))
    )
    assert {row["article_number"]: row["hmc_stock_item"] for row in rows}[A] == "true"
    sheet = openpyxl.load_workbook(io.BytesIO(eshop.get("/api/v1/feeds/medi?format=xlsx").data))["Sortiment"]
    header, *values = list(sheet.iter_rows(values_only=True))
    flags = {row[0]: row[header.index("hmc_stock_item")] for row in values}
    assert flags[A] is True and flags[B] is False

    # The same decision again changes nothing; taking it back gives the old body (and ETag) back.
    same = eshop.get("/api/v1/feeds/medi").headers["ETag"]
    post_decision(hmc_client, rationale="Bekräftat.")
    assert eshop.get("/api/v1/feeds/medi").headers["ETag"] == same
    post_decision(hmc_client, stock=False, rationale="Tillbaka.")
    assert eshop.get("/api/v1/feeds/medi").headers["ETag"] == before.headers["ETag"]


def test_a_decision_moves_last_modified_so_if_modified_since_refetches(app, example, hmc_client):
    eshop = bearer_client(app, make_token(app, eshop="medi"))
    last_modified = eshop.get("/api/v1/feeds/medi").headers["Last-Modified"]
    assert eshop.get("/api/v1/feeds/medi", headers={"If-Modified-Since": last_modified}).status_code == 304
    post_decision(hmc_client)
    response = eshop.get("/api/v1/feeds/medi", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 200 and response.headers["Last-Modified"] != last_modified


def test_a_new_version_keeps_the_stock_flag_and_changes_do_not_report_it(app, example, hmc_client, tmp_path):
    from tests.factories import assortments as factory
    from tests.stock.conftest import example_articles

    post_decision(hmc_client)
    factory.import_and_publish(app, tmp_path, "medi", example_articles()[:4], name="v2.xlsx")
    eshop = bearer_client(app, make_token(app, eshop="medi"))
    assert feed_items(eshop)[A]["hmc_stock_item"] is True
    changes = eshop.get("/api/v1/feeds/medi/changes?since=1").get_json()
    assert changes["changed"] == [] and [i["article_number"] for i in changes["removed"]] == [D]


def test_a_decision_reaches_a_caching_server_at_once(app, example, long_cache_app):
    """The server that records the decision serves the new feed on its next request, despite a 300 s cache."""
    eshop = bearer_client(long_cache_app, make_token(app, eshop="medi"))
    first = eshop.get("/api/v1/feeds/medi")  # head and body now cached
    hmc = bearer_client(long_cache_app, make_token(app, roles=("hmc",), name="hmc2"))
    assert post_decision(hmc).status_code == 201

    second = eshop.get("/api/v1/feeds/medi", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    assert {n for n, i in feed_items(eshop).items() if i["hmc_stock_item"]} == {A}
    gzipped = eshop.get("/api/v1/feeds/medi", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["ETag"] == second.headers["ETag"][:-1] + '-gz"'


@pytest.mark.skipif(not POSTGRES_URL, reason="cross-process invalidation uses PostgreSQL LISTEN/NOTIFY")
def test_a_decision_on_another_server_reaches_a_caching_server(app, example, long_cache_app, hmc_client):
    eshop = bearer_client(long_cache_app, make_token(app, eshop="medi"))
    first = eshop.get("/api/v1/feeds/medi").headers["ETag"]  # cached in the other "server"
    time.sleep(0.5)  # its listener is connected
    assert post_decision(hmc_client).status_code == 201  # recorded by `app`, another process as far as caches go

    deadline = time.monotonic() + 3
    while eshop.get("/api/v1/feeds/medi").headers["ETag"] == first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert eshop.get("/api/v1/feeds/medi").headers["ETag"] != first
    assert feed_items(eshop)[A]["hmc_stock_item"] is True


def test_stock_decision_rows_are_never_updated(app, example, hmc_client):
    post_decision(hmc_client)
    post_decision(hmc_client, stock=False, rationale="Ändrat.")
    with app.app_context():
        rows = db.session.scalars(select(StockDecision).order_by(StockDecision.id)).all()
        assert [(r.number, r.stock, r.rationale) for r in rows] == [(1, True, RATIONALE), (2, False, "Ändrat.")]
        assert http_date(rows[0].decided_at)  # timezone-aware


def test_two_people_deciding_at_once_one_gets_a_conflict_and_the_other_decision_stands(app, example, monkeypatch):
    from catalog_service.errors import Conflict
    from catalog_service.stock import decisions

    with app.app_context():
        decisions.decide(db.session, "medi", A, stock=True, rationale="Först.", actor="hmc1")
        db.session.commit()
        # the second person read the article's state before the first decision was committed
        monkeypatch.setattr(decisions, "current_decision", lambda *_: None)
        with pytest.raises(Conflict) as refused:
            decisions.decide(db.session, "medi", A, stock=False, rationale="Samtidigt.", actor="hmc2")
        assert "samtidigt" in refused.value.message
        db.session.rollback()
        rows = db.session.scalars(select(StockDecision)).all()
        assert [(r.number, r.decided_by) for r in rows] == [(1, "hmc1")]
