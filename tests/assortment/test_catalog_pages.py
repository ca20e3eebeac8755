"""The contract, review, publish, versions and rollback pages, driven through the test client as a browser would."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from catalog_service.assortment.models import AssortmentVersion, VersionCounter
from catalog_service.extensions import db
from tests.conftest import csrf_from, page_client
from tests.factories import assortments as factory

RAMA_FILE = "rama-prislista-2026.xlsx"


@pytest.fixture
def rama_draft(app, samples, sample_contract):
    """The sample Rama price list imported by upphandlare1, waiting for review."""
    return factory.import_draft(app, samples / RAMA_FILE, "rama", actor="upphandlare1")


@pytest.fixture
def small_contract(app, tmp_path):
    return factory.load_contract(app, factory.small_contract(tmp_path))


@pytest.fixture
def files(tmp_path):
    counter = iter(range(1, 1000))

    def write(supplier, rows):
        return factory.write_price_list(tmp_path, supplier, rows, name=f"{supplier}-{next(counter)}.xlsx")

    return write


def versions_of(app, supplier: str) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(
            select(AssortmentVersion).where(AssortmentVersion.supplier == supplier).order_by(AssortmentVersion.number)
        )
        return [(v.number, v.kind.value, v.item_count, v.published_by, v.reason) for v in rows]


def post_form(client, page_path: str, action: str, data: dict):
    """Open a page, take its CSRF token and post a form, as a browser does."""
    token = csrf_from(client.get(page_path).text)
    return client.post(action, data={**data, "csrf_token": token})


# --- who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/contract", "/versions", "/review/rama"])
def test_catalog_pages_open_for_officers_and_hmc_only(app, sample_contract, path):
    for role in ("upphandlare", "hmc"):
        assert page_client(app, role, name=f"{role}-1").get(path).status_code == 200, (path, role)
    prescriber = page_client(app, "forskrivare", name="forskrivare1")
    refused = prescriber.get(path)
    assert refused.status_code == 403 and "Åtkomst nekad" in refused.text
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login?next=")


def test_publish_and_rollback_need_the_officer_role(app, rama_draft):
    hmc = page_client(app, "hmc", name="hmc1")
    review = hmc.get("/review/rama")
    assert review.status_code == 200 and "Bara en upphandlare kan publicera." in review.text
    assert 'action="/review/rama/publish"' not in review.text
    token = csrf_from(review.text)
    assert hmc.post("/review/rama/publish", data={"csrf_token": token}).status_code == 403
    assert hmc.post("/versions/rama/rollback", data={"csrf_token": token, "to_version": 1}).status_code == 403
    assert versions_of(app, "rama") == []


# --- contract ------------------------------------------------------------------------------------


def test_contract_page_shows_models_prices_colours_and_validity(app, sample_contract):
    page = page_client(app, "hmc", name="hmc1").get("/contract").text
    assert "avtal-kompression-2026.xlsx" in page
    assert "2026-05-01" in page and "2028-04-30" in page
    for name in ("Essity", "Juzo", "Medi", "Rama"):
        assert f"<h2>{name}</h2>" in page
    assert "R19-K2-AD" in page and "R10-K2-AG" in page  # Rama's models, also the one without rows
    assert "Karamell" in page  # a Medi base colour
    assert re.search(r"<td>Svart</td><td>[^<]+</td>", page), "a base colour with the supplier's names for it"
    assert re.search(r"\d+,\d\d\u00a0kr", page), "contract prices in kronor"


def test_contract_page_says_plainly_when_no_contract_is_loaded(app):
    response = page_client(app, "upphandlare", name="upphandlare1").get("/contract")
    assert response.status_code == 200
    assert "Inget avtal är inläst ännu." in response.text


# --- review --------------------------------------------------------------------------------------


def test_review_shows_the_diff_reconciliation_and_pages_long_lists(app, rama_draft):
    client = page_client(app, "upphandlare", name="upphandlare2")
    first = client.get("/review/rama").text
    assert RAMA_FILE in first and "inläst" in first and "upphandlare1" in first
    assert "Nya artiklar (534)" in first and "Sida 1 av 6 (rad 1–100 av 534)" in first
    assert first.count('<tr class="diff-added">') == 100
    assert "R19-K2-AD" in first and "Modellen finns inte i prislistan." in first  # reconciliation
    assert "Hudfarg" in first  # an unknown colour
    assert "Publicera som version 1" in first and 'name="confirm_removal"' not in first
    last = client.get("/review/rama?added_page=6").text
    assert "Sida 6 av 6 (rad 501–534 av 534)" in last and last.count('<tr class="diff-added">') == 34
    added = re.compile(r'<tr class="diff-added">\s*<td>([^<]+)</td>')
    assert len(set(added.findall(first)) | set(added.findall(last))) == 134  # different rows on each page


def test_review_shows_changed_items_with_old_and_new_values(app, small_contract, files):
    factory.import_draft(app, files("medi", factory.articles("medi", 3)), "medi")
    factory.publish(app, "medi")
    changed = [*factory.articles("medi", 1, price=420.0), *factory.articles("medi", 2, start=2, colour="Black")]
    factory.import_draft(app, files("medi", changed), "medi")
    review = page_client(app, "upphandlare", name="upphandlare2").get("/review/medi").text
    assert "Ändrade artiklar (3)" in review and "Nya artiklar (0)" in review
    assert re.search(
        r"MED-0001</td>\s*<td>Listpris \(kr\):\s*<span class=\"diff-removed\">400,00\u00a0kr</span> →\s*"
        r"<span class=\"diff-added\">420,00\u00a0kr</span>",
        review,
    )
    assert re.search(
        r"Basfärg:\s*<span class=\"diff-removed\">Beige</span> →\s*<span class=\"diff-added\">Svart", review
    )


def test_review_without_a_draft_says_so_plainly(app, sample_contract):
    response = page_client(app, "upphandlare", name="upphandlare2").get("/review/juzo")
    assert response.status_code == 200
    assert "Det finns inget utkast att publicera för juzo." in response.text


def test_review_of_an_unknown_supplier_is_404(app, sample_contract):
    response = page_client(app, "upphandlare", name="upphandlare2").get("/review/nosuch")
    assert response.status_code == 404 and "Okänd leverantör" in response.text


# --- publish -------------------------------------------------------------------------------------


def test_four_eyes_refuses_the_importer_plainly_and_a_second_person_publishes(app, rama_draft):
    importer = page_client(app, "upphandlare", name="upphandlare1")
    review = importer.get("/review/rama").text
    assert "Du läste in den här prislistan." in review
    refused = importer.post("/review/rama/publish", data={"csrf_token": csrf_from(review)})
    assert refused.status_code == 409
    assert "En annan person måste granska och publicera det." in refused.text
    assert "Nya artiklar (534)" in refused.text  # the review page again, not an error page
    assert versions_of(app, "rama") == []
    with app.app_context():  # the refused publish gave its number back
        assert db.session.scalar(select(func.coalesce(func.max(VersionCounter.last_number), 0))) == 0

    reviewer = page_client(app, "upphandlare", name="upphandlare2")
    published = post_form(reviewer, "/review/rama", "/review/rama/publish", {})
    assert published.status_code == 302 and published.headers["Location"] == "/versions?supplier=rama"
    versions = reviewer.get(published.headers["Location"]).text
    assert "Version 1 publicerad för Rama med 534 artiklar." in versions
    assert RAMA_FILE in versions and "upphandlare2" in versions
    assert versions_of(app, "rama") == [(1, "publish", 534, "upphandlare2", None)]

    overview = reviewer.get("/").text
    rama_row = overview.split("<td>Rama</td>", 1)[1].split("</tr>", 1)[0]
    assert "Version 1</a>" in rama_row and "534 artiklar" in rama_row and "upphandlare2" in rama_row
    assert "Inget utkast väntar." in rama_row
    assert "Ingen hämtning ännu." in rama_row


def test_overview_links_a_waiting_draft_to_its_review(app, rama_draft):
    overview = page_client(app, "hmc", name="hmc1").get("/").text
    rama_row = overview.split("<td>Rama</td>", 1)[1].split("</tr>", 1)[0]
    assert 'href="/review/rama"' in rama_row and "534 tillåtna artiklar" in rama_row
    assert "Inget publicerat ännu." in rama_row


def test_overview_shows_which_version_the_eshop_fetched(app, rama_draft):
    from tests.conftest import bearer_client, make_token

    factory.publish(app, "rama")
    assert bearer_client(app, make_token(app, eshop="rama")).get("/api/v1/feeds/rama").status_code == 200
    overview = page_client(app, "hmc", name="hmc1").get("/").text
    rama_row = overview.split("<td>Rama</td>", 1)[1].split("</tr>", 1)[0]
    assert "version 1" in rama_row and "(aktuell)" in rama_row


def test_publish_without_the_csrf_token_is_refused_and_nothing_changes(app, rama_draft):
    reviewer = page_client(app, "upphandlare", name="upphandlare2")
    response = reviewer.post("/review/rama/publish", data={})
    assert response.status_code == 400 and "säkerhetstoken" in response.text
    assert versions_of(app, "rama") == []


def test_removal_guard_asks_for_confirmation_and_reason(app, small_contract, files):
    factory.import_draft(app, files("medi", factory.articles("medi", 10)), "medi")
    factory.publish(app, "medi")
    factory.import_draft(app, files("medi", factory.articles("medi", 5)), "medi")
    reviewer = page_client(app, "upphandlare", name="upphandlare2")

    review = reviewer.get("/review/medi").text
    assert "Borttagna artiklar (5)" in review and review.count('<tr class="diff-removed">') == 5
    assert 'name="confirm_removal"' in review and 'name="reason"' in review  # offered at once

    unconfirmed = reviewer.post("/review/medi/publish", data={"csrf_token": csrf_from(review)})
    assert unconfirmed.status_code == 409
    assert "Publiceringen tar bort 5 av 10 artiklar (50%)." in unconfirmed.text
    assert 'name="confirm_removal"' in unconfirmed.text
    no_reason = reviewer.post(
        "/review/medi/publish", data={"csrf_token": csrf_from(review), "confirm_removal": "yes", "reason": " "}
    )
    assert no_reason.status_code == 409
    assert versions_of(app, "medi") == [(1, "publish", 10, "upphandlare2", None)]

    confirmed = reviewer.post(
        "/review/medi/publish",
        data={"csrf_token": csrf_from(review), "confirm_removal": "yes", "reason": "Fem artiklar utgår"},
    )
    assert confirmed.status_code == 302
    assert versions_of(app, "medi")[-1] == (2, "publish", 5, "upphandlare2", "Fem artiklar utgår")
    assert "Fem artiklar utgår" in reviewer.get("/versions?supplier=medi").text


def test_a_reason_with_personal_data_is_refused_without_echoing_it(app, small_contract, files):
    factory.import_draft(app, files("medi", factory.articles("medi", 10)), "medi")
    factory.publish(app, "medi")
    factory.import_draft(app, files("medi", factory.articles("medi", 2)), "medi")
    reviewer = page_client(app, "upphandlare", name="upphandlare2")
    token = csrf_from(reviewer.get("/review/medi").text)
    response = reviewer.post(
        "/review/medi/publish",
        data={"csrf_token": token, "confirm_removal": "yes", "reason": "Ring anna.svensson@example.com"},
    )
    assert response.status_code == 422
    assert "Skälet innehåller personuppgifter (e-postadress)." in response.text
    assert "anna.svensson" not in response.text
    assert len(versions_of(app, "medi")) == 1


# --- versions and rollback -----------------------------------------------------------------------


def test_versions_page_lists_history_and_rolls_back(app, small_contract, files):
    for count in (3, 4):
        factory.import_draft(app, files("juzo", factory.articles("juzo", count)), "juzo")
        factory.publish(app, "juzo")
    officer = page_client(app, "upphandlare", name="upphandlare3")
    page = officer.get("/versions?supplier=juzo").text
    assert "<h2>Juzo</h2>" in page and "<h2>Medi</h2>" not in page
    assert "juzo-1.xlsx" in page and "juzo-2.xlsx" in page
    assert page.count('name="to_version"') == 1  # only the earlier version can be restored

    missing_reason = officer.post(
        "/versions/juzo/rollback", data={"csrf_token": csrf_from(page), "to_version": 1, "reason": ""}
    )
    assert missing_reason.status_code == 422
    assert "Ange ett skäl för att återställa en tidigare version." in missing_reason.text
    assert len(versions_of(app, "juzo")) == 2

    restored = officer.post(
        "/versions/juzo/rollback",
        data={"csrf_token": csrf_from(page), "to_version": 1, "reason": "Fel prislista publicerades"},
    )
    assert restored.status_code == 302 and restored.headers["Location"] == "/versions?supplier=juzo"
    assert versions_of(app, "juzo")[-1] == (3, "rollback", 3, "upphandlare3", "Fel prislista publicerades")
    after = officer.get("/versions?supplier=juzo").text
    assert "Version 3 publicerad för Juzo: innehållet från version 1." in after
    assert "återställning" in after and "innehållet från version 1" in after


def test_rollback_to_a_version_that_does_not_exist_answers_on_the_page(app, small_contract, files):
    factory.import_draft(app, files("juzo", factory.articles("juzo", 3)), "juzo")
    factory.publish(app, "juzo")
    officer = page_client(app, "upphandlare", name="upphandlare3")
    response = post_form(officer, "/versions", "/versions/juzo/rollback", {"to_version": 7, "reason": "test"})
    assert response.status_code == 404 and "Version 7 av juzo finns inte." in response.text
    assert "Publicerade versioner" in response.text
    personal = post_form(officer, "/versions", "/versions/juzo/rollback", {"to_version": 1, "reason": "070-123 45 67"})
    assert personal.status_code == 422 and "Skälet innehåller personuppgifter (telefonnummer)." in personal.text
    assert "123 45 67" not in personal.text
    assert len(versions_of(app, "juzo")) == 1


def test_versions_page_for_hmc_has_no_rollback_forms(app, small_contract, files):
    for count in (3, 4):
        factory.import_draft(app, files("rama", factory.articles("rama", count)), "rama")
        factory.publish(app, "rama")
    page = page_client(app, "hmc", name="hmc1").get("/versions").text
    assert "rama-2.xlsx" in page and 'name="to_version"' not in page
    assert page_client(app, "hmc", name="hmc2").get("/versions?supplier=nosuch").status_code == 404
