"""Effective-dated versions: the feed switches by the clock at the effective time, on every app server.

The clock is frozen with time-machine. The contract-start case: published on 2026-04-28,
effective 2026-05-01 00:00 Stockholm time, which is 2026-04-30 22:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from catalog_service.extensions import db
from tests.conftest import bearer_client, make_token, page_client
from tests.factories import assortments as factory
from tests.feeds.conftest import feed_rows
from tests.helpers import assert_error, audit_entries, table_counts

FEED = "/api/v1/feeds/medi"
T = datetime(2026, 4, 30, 22, 0, tzinfo=UTC)  # 2026-05-01 00:00 in Stockholm (CEST, +02:00)
PUBLISHED_ON = datetime(2026, 4, 28, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def clock():
    """The clock, frozen on 2026-04-20 until a test moves it."""
    with time_machine.travel(datetime(2026, 4, 20, 8, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def v1(app, clock, tmp_path):
    """Version 1 of every supplier in effect since 2026-04-20; Medi's e-shop and an officer's tokens."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    for supplier in factory.SUPPLIERS:
        assert factory.import_and_publish(app, tmp_path, supplier, feed_rows(supplier)) == 1
    return {
        "eshop": make_token(app, eshop="medi"),
        "other_eshop": make_token(app, eshop="juzo"),
        "officer": make_token(app, roles=("upphandlare",), name="upphandlare2"),
    }


def draft_v2(app, tmp_path, name="v2.xlsx", extra=1):
    """A Medi draft with one article more than version 1 (imported by upphandlare1)."""
    rows = [*feed_rows("medi"), *factory.articles("medi", extra, start=50)]
    factory.import_draft(app, factory.write_price_list(tmp_path, "medi", rows, name=name), "medi")


def schedule(app, token, when: str, **body):
    return bearer_client(app, token).post("/api/v1/suppliers/medi/publish", json={"effective_from": when, **body})


@pytest.fixture
def scheduled(app, v1, clock, tmp_path):
    """Version 2 of Medi scheduled on 2026-04-28 for the contract start, 2026-05-01 00:00 Stockholm time."""
    draft_v2(app, tmp_path)
    clock.move_to(PUBLISHED_ON)
    response = schedule(app, v1["officer"], "2026-05-01T00:00+02:00")
    assert response.status_code == 201, response.data
    return response.get_json()


def test_a_schedule_is_stored_in_utc_and_answered_with_its_state(scheduled):
    assert scheduled["version"] == 2
    assert datetime.fromisoformat(scheduled["effective_from"]) == T
    assert datetime.fromisoformat(scheduled["published_at"]) == PUBLISHED_ON
    assert scheduled["state"] == "scheduled"
    assert scheduled["cancelled_at"] is None


def test_before_its_time_the_feed_is_version_1_and_at_it_version_2_on_two_app_servers(
    app, cached_app, v1, scheduled, clock
):
    servers = [bearer_client(app, v1["eshop"]), bearer_client(cached_app, v1["eshop"])]
    clock.move_to(T - SECOND)
    before = [server.get(FEED) for server in servers]
    for response in before:
        assert response.status_code == 200
        assert response.get_json()["version"] == 1
        assert len(response.get_json()["items"]) == 5
    etag_v1, modified_v1 = before[0].headers["ETag"], before[0].headers["Last-Modified"]
    assert before[1].headers["ETag"] == etag_v1 and before[1].headers["Last-Modified"] == modified_v1
    for server in servers:
        assert server.get(FEED, headers={"If-None-Match": etag_v1}).status_code == 304
        changes = server.get(FEED + "/changes?since=1").get_json()
        assert changes["version"] == 1
        assert changes["added"] == changes["removed"] == changes["changed"] == []

    clock.move_to(T + SECOND)  # no job runs: the choice is made from the clock at request time

    for server in servers:
        response = server.get(FEED, headers={"If-None-Match": etag_v1})
        assert response.status_code == 200
        assert response.get_json()["version"] == 2
        assert len(response.get_json()["items"]) == 6
        assert response.headers["ETag"] != etag_v1
        assert response.headers["Last-Modified"] == "Thu, 30 Apr 2026 22:00:00 GMT"  # when it took effect
        assert server.get(FEED, headers={"If-Modified-Since": modified_v1}).status_code == 200
        changes = server.get(FEED + "/changes?since=1").get_json()
        assert changes["version"] == 2
        assert [item["article_number"] for item in changes["added"]] == ["MED-0050"]


def test_the_switch_happens_at_the_instant(app, v1, scheduled, clock):
    eshop = bearer_client(app, v1["eshop"])
    clock.move_to(T - timedelta(microseconds=1))
    assert eshop.get(FEED).get_json()["version"] == 1
    clock.move_to(T)
    assert eshop.get(FEED).get_json()["version"] == 2


def test_a_cached_head_is_not_kept_past_the_switch(cached_app, v1, scheduled, clock):
    eshop = bearer_client(cached_app, v1["eshop"])  # caches heads for 60 s
    clock.move_to(T - SECOND)
    assert eshop.get(FEED + "?format=csv").status_code == 200
    clock.move_to(T)
    response = eshop.get(FEED + "?format=csv")
    assert response.headers["Content-Disposition"].endswith('-v2.csv"')


def test_cancelled_before_its_time_the_feed_stays_version_1(app, v1, scheduled, clock):
    officer = bearer_client(app, v1["officer"])
    clock.move_to(T - timedelta(hours=1))
    response = officer.post("/api/v1/suppliers/medi/schedule/cancel", json={"reason": "Fel prislista"})
    assert response.status_code == 200, response.data
    assert response.get_json()["state"] == "cancelled"
    assert response.get_json()["cancel_reason"] == "Fel prislista"

    clock.move_to(T + SECOND)
    eshop = bearer_client(app, v1["eshop"])
    assert eshop.get(FEED).get_json()["version"] == 1
    assert eshop.get(FEED + "/upcoming").get_json()["upcoming"] == []
    entries = audit_entries(app, "assortment.cancel_schedule")
    assert len(entries) == 1 and entries[0].actor == "upphandlare2"


def test_a_cancel_needs_a_reason_and_a_pending_schedule(app, v1, scheduled, clock):
    officer = bearer_client(app, v1["officer"])
    before = table_counts(app)
    assert_error(officer.post("/api/v1/suppliers/medi/schedule/cancel", json={"reason": "  "}), 422, "reason_required")
    assert table_counts(app) == before
    clock.move_to(T + SECOND)
    refused = officer.post("/api/v1/suppliers/medi/schedule/cancel", json={"reason": "för sent", "version": 2})
    assert_error(refused, 409, "already_in_effect")
    assert_error(officer.post("/api/v1/suppliers/medi/schedule/cancel", json={"reason": "x"}), 404, "no_schedule")
    assert bearer_client(app, v1["eshop"]).get(FEED).get_json()["version"] == 2


def test_a_second_schedule_at_an_earlier_or_equal_time_is_refused(app, v1, scheduled, clock, tmp_path):
    draft_v2(app, tmp_path, name="v3.xlsx", extra=2)
    before = table_counts(app)
    for when in ("2026-05-01T00:00+02:00", "2026-04-30T23:59+02:00"):
        error = assert_error(schedule(app, v1["officer"], when), 409, "schedule_not_later")
        assert "Version 2" in error["message"] and "2026-05-01 00:00" in error["message"]
    assert table_counts(app) == before  # no version, no document, no audit entry; the number is given back
    later = schedule(app, v1["officer"], "2026-06-01T00:00+02:00")
    assert later.status_code == 201 and later.get_json()["version"] == 3
    # two pending: a cancel must name the version
    assert_error(
        bearer_client(app, v1["officer"]).post("/api/v1/suppliers/medi/schedule/cancel", json={"reason": "x"}),
        409,
        "several_schedules",
    )


@pytest.mark.parametrize(
    ("when", "code"),
    [("2026-04-01T00:00+02:00", "effective_from_not_future"), ("1 maj", "invalid_effective_from")],
)
def test_a_time_in_the_past_or_unreadable_is_refused(app, v1, clock, tmp_path, when, code):
    draft_v2(app, tmp_path)
    before = table_counts(app)
    assert_error(schedule(app, v1["officer"], when), 422, code)
    assert table_counts(app) == before


def test_four_eyes_and_the_removal_guard_apply_to_a_schedule(app, v1, clock, tmp_path):
    draft_v2(app, tmp_path)
    own = make_token(app, roles=("upphandlare",), name="upphandlare1")  # imported the draft
    assert_error(schedule(app, own, "2026-05-01T00:00"), 409, "four_eyes")
    # a draft that drops 4 of 5 items
    factory.import_draft(
        app, factory.write_price_list(tmp_path, "medi", factory.articles("medi", 1), name="small.xlsx"), "medi"
    )
    assert_error(schedule(app, v1["officer"], "2026-05-01T00:00"), 409, "removal_guard")
    confirmed = schedule(app, v1["officer"], "2026-05-01T00:00", confirm_removal=True, reason="Nytt avtal")
    assert confirmed.status_code == 201


def test_publish_now_while_a_schedule_is_pending_takes_effect_at_once_and_the_schedule_still_takes_over(
    app, v1, scheduled, clock, tmp_path
):
    draft_v2(app, tmp_path, name="fix.xlsx", extra=3)
    clock.move_to(datetime(2026, 4, 29, 12, 0, tzinfo=UTC))
    response = bearer_client(app, v1["officer"]).post("/api/v1/suppliers/medi/publish", json={})
    assert response.status_code == 201
    body = response.get_json()
    assert body["version"] == 3 and body["state"] == "in_effect"
    assert body["superseded_by"]["version"] == 2
    assert datetime.fromisoformat(body["superseded_by"]["effective_from"]) == T
    eshop = bearer_client(app, v1["eshop"])
    assert eshop.get(FEED).get_json()["version"] == 3
    clock.move_to(T)
    assert eshop.get(FEED).get_json()["version"] == 2
    assert audit_entries(app, "assortment.publish")[-1].details["pending_schedules"] == [2]


def test_rollback_while_a_schedule_is_pending_says_the_schedule_still_takes_over(app, v1, scheduled, clock):
    officer = bearer_client(app, v1["officer"])
    response = officer.post("/api/v1/suppliers/medi/rollback", json={"to_version": 1, "reason": "Återställ"})
    assert response.status_code == 201
    assert response.get_json()["superseded_by"]["version"] == 2
    refused = officer.post("/api/v1/suppliers/medi/rollback", json={"to_version": 2, "reason": "x"})
    assert_error(refused, 409, "never_in_effect")


def test_an_eshop_sees_its_upcoming_version_and_its_document(app, v1, scheduled, clock):
    eshop = bearer_client(app, v1["eshop"])
    body = eshop.get(FEED + "/upcoming").get_json()
    assert body["in_effect"]["version"] == 1
    [upcoming] = body["upcoming"]
    assert upcoming["version"] == 2 and datetime.fromisoformat(upcoming["effective_from"]) == T
    document = eshop.get(upcoming["url"])
    assert document.status_code == 200 and document.get_json()["version"] == 2
    assert document.get_json()["effective_from"] == "2026-04-30T22:00:00Z"
    assert eshop.get(upcoming["url"] + "?format=csv").mimetype == "text/csv"
    # another supplier's e-shop learns nothing; no token answers 401
    other = bearer_client(app, v1["other_eshop"])
    assert_error(other.get(FEED + "/upcoming"), 404)
    assert_error(other.get(upcoming["url"]), 404)
    assert app.test_client().get(FEED + "/upcoming").status_code == 401
    clock.move_to(T)
    assert eshop.get(FEED + "/upcoming").get_json()["upcoming"] == []
    assert_error(eshop.get(upcoming["url"]), 404, "no_scheduled_version")


def test_the_contract_start_from_the_command_line_in_local_time(app, v1, clock, tmp_path):
    draft_v2(app, tmp_path)
    clock.move_to(PUBLISHED_ON)
    result = app.test_cli_runner().invoke(
        args=["assortment", "publish", "--supplier", "medi", "--effective-from", "2026-05-01T00:00", "--actor", "bengt"]
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert "gäller från 2026-05-01 00:00" in result.stderr
    with app.app_context():
        from catalog_service.assortment.versions import get_version, scheduled_versions

        version = get_version(db.session, "medi", 2)
        assert version.effective_from == T
        assert [v.number for v in scheduled_versions(db.session, PUBLISHED_ON)] == [2]
    pages = page_client(app, "upphandlare")
    for url in ("/versions?supplier=medi", "/"):
        page = pages.get(url).text
        assert "2026-05-01 00:00" in page, url
        assert "2026-04-30 22:00" not in page
    eshop = bearer_client(app, v1["eshop"])
    clock.move_to(T - timedelta(microseconds=1))
    assert eshop.get(FEED).get_json()["version"] == 1
    clock.move_to(T)
    assert eshop.get(FEED).get_json()["version"] == 2


def test_cancel_from_the_command_line(app, v1, scheduled, clock):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["assortment", "cancel", "--supplier", "medi", "--reason", " ", "--actor", "eva"])
    assert refused.exit_code == 1 and "skäl" in refused.stderr
    done = runner.invoke(
        args=[
            "assortment",
            "cancel",
            "--supplier",
            "medi",
            "--reason",
            "Avtalet skjuts upp",
            "--actor",
            "eva",
            "--json",
        ]
    )
    assert done.exit_code == 0, done.stderr
    assert "version 2 (skulle gälla från 2026-05-01 00:00) är avbruten" in done.stderr
    import json

    body = json.loads(done.stdout)
    assert (body["version"], body["state"], body["cancelled_by"]) == (2, "cancelled", "eva")


def test_the_functions_other_areas_call(app, v1, scheduled, clock):
    from catalog_service.assortment.versions import (
        next_switch,
        scheduled_versions,
        version_in_effect,
        version_state,
        versions_taking_effect,
    )

    with app.app_context():
        session = db.session
        assert version_in_effect(session, "medi", T - SECOND).number == 1
        assert version_in_effect(session, "medi", T).number == 2
        assert [v.number for v in scheduled_versions(session, T - SECOND)] == [2]
        assert scheduled_versions(session, T) == []
        assert next_switch(session, "medi", T - SECOND) == T and next_switch(session, "medi", T) is None
        # the switch is announced once: versions published to take effect at once are not listed
        assert [v.number for v in versions_taking_effect(session, T - SECOND, T)] == [2]
        assert versions_taking_effect(session, T, T + SECOND) == []
        assert versions_taking_effect(session, datetime(2026, 4, 1, tzinfo=UTC), T - SECOND) == []
        v1_row, v2_row = (version_in_effect(session, "medi", moment) for moment in (T - SECOND, T))
        assert version_state(session, v2_row, T - SECOND) == "scheduled"
        assert version_state(session, v2_row, T) == "in_effect"
        assert version_state(session, v1_row, T) == "superseded"
