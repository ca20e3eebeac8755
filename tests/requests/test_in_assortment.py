"""The in-assortment answer: against a small published assortment and against the shared Rama sample."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from sqlalchemy import select

from catalog_service.extensions import db
from catalog_service.pricelists.models import PriceListImport, PriceListRow
from catalog_service.pricelists.verdicts import Verdict
from tests.conftest import bearer_client, make_token
from tests.factories import assortments as factory
from tests.helpers import audit_entries
from tests.requests.conftest import IN_ASSORTMENT, NEVER, REMOVED, submit


def feed_item(app, supplier: str, article_number: str) -> dict:
    """The item as the supplier's e-shop sees it in its feed."""
    feed = bearer_client(app, make_token(app, eshop=supplier)).get(f"/api/v1/feeds/{supplier}").get_json()
    (item,) = [item for item in feed["items"] if item["article_number"] == article_number]
    return item


def test_an_article_in_the_current_assortment_is_answered_at_once(app, people, published):
    response = submit(people.lisa, article_number=IN_ASSORTMENT)

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "resolved_in_assortment"
    assert (body["supplier"], body["eshop"], body["version"]) == ("medi", "Medi", 2)
    assert body["item"] == feed_item(app, "medi", IN_ASSORTMENT)
    assert "Medis e-butik" in body["message"]
    recorded = people.hanna.get(f"/api/v1/requests/{body['number']}").get_json()
    assert recorded["status"] == "resolved_in_assortment" and recorded["found"]["item"] == body["item"]
    assert recorded["actions"] == ["close"]
    (entry,) = audit_entries(app, "requests.submit")
    assert (entry.object_id, entry.details["found_in"]) == (body["number"], ["medi", 2])


def test_without_a_supplier_every_suppliers_assortment_is_searched(app, people, published):
    body = submit(people.lisa, supplier=None, article_number=IN_ASSORTMENT).get_json()
    assert (body["status"], body["supplier"]) == ("resolved_in_assortment", "medi")


def test_another_suppliers_assortment_does_not_answer(app, people, published):
    response = submit(people.lisa, supplier="juzo", article_number=IN_ASSORTMENT)
    assert response.status_code == 201
    assert response.get_json()["status"] == "submitted"


def test_an_article_removed_in_version_2_opens_a_request_noting_version_1(app, people, published):
    response = submit(people.lisa, article_number=REMOVED, reason="no_longer_orderable")

    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "submitted"
    assert body["last_seen"] == {"supplier": "medi", "version": 1}
    assert "version 1" in body["note"]


def test_an_article_never_published_opens_a_request_without_a_note(app, people, published):
    body = submit(people.lisa, article_number=NEVER).get_json()
    assert (body["status"], body["note"], body["last_seen"]) == ("submitted", None, None)


def test_a_model_only_request_opens_a_request(app, people, published):
    body = submit(people.lisa, article_number=None, model=factory.model("medi", 1)).get_json()
    assert body["status"] == "submitted"


# --- the shared Rama sample ----------------------------------------------------------------------


@pytest.fixture
def rama_published(app, samples, sample_contract, tmp_path):
    """The Rama sample published as version 1, and as version 2 without one allowed article.

    Returns (an article in version 2, an article removed in version 2, a not-procured article).
    """
    original = samples / "rama-prislista-2026.xlsx"
    factory.import_draft(app, original, "rama")
    assert factory.publish(app, "rama") == 1
    with app.app_context():
        rows = db.session.execute(
            select(PriceListRow.article_number, PriceListRow.verdict)
            .join(PriceListImport, PriceListImport.id == PriceListRow.import_id)
            .where(PriceListImport.supplier == "rama")
            .order_by(PriceListRow.id)
        ).all()
    allowed = [number for number, verdict in rows if verdict is Verdict.allowed]
    not_procured = next(number for number, verdict in rows if verdict is Verdict.not_procured)
    kept, removed = allowed[0], allowed[1]

    changed = tmp_path / "rama-prislista-2026-v2.xlsx"
    shutil.copyfile(original, changed)
    book = openpyxl.load_workbook(changed)
    sheet = book["Blad1"]
    (row,) = [cells[0].row for cells in sheet.iter_rows(min_row=2) if cells[0].value == removed]
    sheet.delete_rows(row)
    book.save(changed)
    factory.import_draft(app, changed, "rama")
    assert factory.publish(app, "rama") == 2
    return kept, removed, not_procured


def test_sample_allowed_article_gets_the_in_assortment_answer(app, people, rama_published):
    kept, _removed, _not_procured = rama_published
    response = submit(people.lisa, supplier="rama", article_number=kept)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["version"]) == ("resolved_in_assortment", 2)
    assert body["item"] == feed_item(app, "rama", kept)


def test_sample_not_procured_article_opens_a_request(app, people, rama_published):
    _kept, _removed, not_procured = rama_published
    response = submit(people.lisa, supplier="rama", article_number=not_procured, reason="no_procured_model_fits")
    assert response.status_code == 201
    assert (response.get_json()["status"], response.get_json()["note"]) == ("submitted", None)


def test_sample_article_removed_in_version_2_opens_a_request_with_the_note(app, people, rama_published):
    _kept, removed, _not_procured = rama_published
    response = submit(people.lisa, supplier=None, article_number=removed, reason="no_longer_orderable")
    assert response.status_code == 201
    body = response.get_json()
    assert body["last_seen"] == {"supplier": "rama", "version": 1}
    assert body["note"].startswith("Artikeln fanns senast i Ramas sortiment version 1")
