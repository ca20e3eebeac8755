"""Scheduling on the pages: the review page's "Gäller från" (Swedish time), the versions page, cancelling."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from catalog_service.assortment.models import AssortmentVersion
from catalog_service.extensions import db
from tests.conftest import csrf_from, page_client
from tests.factories import assortments as factory
from tests.helpers import audit_entries


@pytest.fixture
def medi_draft(app, tmp_path):
    """2026-04-28: Medi version 1 in effect, and a draft with one article more imported by upphandlare1."""
    with time_machine.travel(datetime(2026, 4, 28, 9, 0, tzinfo=UTC), tick=False) as clock:
        factory.load_contract(app, factory.small_contract(tmp_path))
        factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 4))
        path = factory.write_price_list(tmp_path, "medi", factory.articles("medi", 5), name="medi-v2.xlsx")
        factory.import_draft(app, path, "medi")
        yield clock


def stored(app) -> list[tuple]:
    with app.app_context():
        return [
            (v.number, v.effective_from, v.cancelled_by, v.cancel_reason)
            for v in db.session.scalars(db.select(AssortmentVersion).order_by(AssortmentVersion.number))
        ]


def test_schedule_from_the_review_page_in_swedish_time_and_cancel_it(app, medi_draft):
    reviewer = page_client(app, "upphandlare", name="upphandlare2")
    review = reviewer.get("/review/medi").text
    assert 'type="datetime-local" name="effective_from"' in review
    assert "Publicera som version 2" in review

    published = reviewer.post(
        "/review/medi/publish", data={"csrf_token": csrf_from(review), "effective_from": "2026-05-01T00:00"}
    )
    assert published.status_code == 302
    assert stored(app)[-1] == (2, datetime(2026, 4, 30, 22, 0, tzinfo=UTC), None, None)
    versions = reviewer.get("/versions?supplier=medi").text
    assert "Version 2 schemalagd för Medi med 5 artiklar: gäller från 2026-05-01 00:00 (svensk tid)." in versions
    assert "schemalagd" in versions and "Avbryt version 2" in versions
    assert "gäller från\n    <strong><time" in versions or "2026-05-01 00:00</time>" in versions
    overview = reviewer.get("/").text
    assert "Schemalagd: version 2 gäller från" in overview and "2026-05-01 00:00" in overview

    cancelled = reviewer.post(
        "/versions/medi/cancel", data={"csrf_token": csrf_from(versions), "version": 2, "reason": "Fel fil"}
    )
    assert cancelled.status_code == 302
    assert stored(app)[-1][2:] == ("upphandlare2", "Fel fil")
    page = reviewer.get("/versions?supplier=medi").text
    assert "avbruten" in page and "Fel fil" in page and "Avbryt version 2" not in page
    [scheduled] = [e for e in audit_entries(app, "assortment.publish") if e.details["scheduled"]]
    assert scheduled.details["effective_from"] == "2026-04-30T22:00:00Z"
    assert len(audit_entries(app, "assortment.cancel_schedule")) == 1


def test_a_past_or_unreadable_time_is_refused_on_the_review_page(app, medi_draft):
    reviewer = page_client(app, "upphandlare", name="upphandlare2")
    token = csrf_from(reviewer.get("/review/medi").text)
    for value, text in (("2026-04-01T00:00", "har redan passerat"), ("imorgon", "Ogiltig tidpunkt")):
        response = reviewer.post("/review/medi/publish", data={"csrf_token": token, "effective_from": value})
        assert response.status_code == 422
        assert text in response.text
    assert len(stored(app)) == 1


def test_a_cancel_without_a_reason_or_by_hmc_is_refused(app, medi_draft):
    reviewer = page_client(app, "upphandlare", name="upphandlare2")
    token = csrf_from(reviewer.get("/review/medi").text)
    reviewer.post("/review/medi/publish", data={"csrf_token": token, "effective_from": "2026-05-01T00:00"})
    refused = reviewer.post("/versions/medi/cancel", data={"csrf_token": token, "version": 2, "reason": " "})
    assert refused.status_code == 422 and "Ange ett skäl" in refused.text
    hmc = page_client(app, "hmc")
    hmc_token = csrf_from(hmc.get("/versions").text)
    assert hmc.post("/versions/medi/cancel", data={"csrf_token": hmc_token, "reason": "x"}).status_code == 403
    assert stored(app)[-1][2] is None
