"""Finding audit entries for the audit page: filters, Swedish calendar days, paging, the filter choices."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from catalog_service.audit.service import audit_facets, find_entries, record
from catalog_service.extensions import db

# (actor, action, object type, when in UTC)
ENTRIES = [
    ("anna", "contract.load", "contract", datetime(2026, 4, 30, 12, 0, tzinfo=UTC)),
    ("bengt", "assortment.publish", "assortment_version", datetime(2026, 5, 1, 21, 59, tzinfo=UTC)),  # 23:59 CEST
    ("anna", "assortment.rollback", "assortment_version", datetime(2026, 5, 1, 22, 0, tzinfo=UTC)),  # 00:00 CEST
    ("eshop:juzo", "feed.denied", "feed", datetime(2026, 5, 3, 8, 0, tzinfo=UTC)),
]


@pytest.fixture
def entries(app):
    with app.app_context():
        for actor, action, object_type, at in ENTRIES:
            record(db.session, actor=actor, action=action, object_type=object_type).at = at
        db.session.commit()
        yield


def actions(found: dict) -> list[str]:
    return [entry.action for entry in found["entries"]]


def test_without_filters_everything_newest_first(app, entries):
    found = find_entries(db.session)
    assert found["total"] == 4
    assert actions(found) == ["feed.denied", "assortment.rollback", "assortment.publish", "contract.load"]


def test_actor_action_prefix_and_object_type_narrow(app, entries):
    assert actions(find_entries(db.session, actor="anna")) == ["assortment.rollback", "contract.load"]
    assert actions(find_entries(db.session, action="assortment")) == ["assortment.rollback", "assortment.publish"]
    assert find_entries(db.session, object_type="feed")["total"] == 1
    assert find_entries(db.session, actor="anna", object_type="assortment_version")["total"] == 1
    assert find_entries(db.session, action="assortment_")["total"] == 0  # a wildcard character is just a character


def test_dates_are_swedish_calendar_days_both_included(app, entries):
    may_first = find_entries(db.session, date_from=date(2026, 5, 1), date_to=date(2026, 5, 1))
    assert actions(may_first) == ["assortment.publish"]  # 23:59 Swedish time; 00:00 belongs to 2 May
    assert actions(find_entries(db.session, date_from=date(2026, 5, 2))) == ["feed.denied", "assortment.rollback"]
    assert actions(find_entries(db.session, date_to=date(2026, 4, 30))) == ["contract.load"]


def test_pages_split_the_matches(app, entries):
    first = find_entries(db.session, page=1, per_page=3)
    second = find_entries(db.session, page=2, per_page=3)
    assert (first["total"], second["total"]) == (4, 4)
    assert actions(first) + actions(second) == actions(find_entries(db.session))
    assert find_entries(db.session, page=3, per_page=3)["entries"] == []


def test_facets_are_the_values_in_the_log(app, entries):
    assert audit_facets(db.session) == {
        "actors": ["anna", "bengt", "eshop:juzo"],
        "actions": ["assortment.publish", "assortment.rollback", "contract.load", "feed.denied"],
        "object_types": ["assortment_version", "contract", "feed"],
    }
