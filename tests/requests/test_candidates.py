"""The assortment candidates report on a constructed history, including the edge of the six-month window."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine

from catalog_service.assortment.models import AssortmentVersion
from catalog_service.extensions import db
from catalog_service.requests.candidates import months_before
from catalog_service.requests.service import submit_request
from tests.helpers import assert_error
from tests.requests.conftest import IN_ASSORTMENT, payload

TODAY = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # window from 2026-05-20 with the default 6 months
# Swedish summer time is UTC+2: 22:10 UTC on 19 May is 00:10 on 20 May in Sweden, inside the window;
# 21:50 UTC is 23:50 on 19 May, outside it.
EDGE_INSIDE = datetime(2026, 5, 19, 22, 10, tzinfo=UTC)
EDGE_OUTSIDE = datetime(2026, 5, 19, 21, 50, tzinfo=UTC)

HISTORY = [
    # (when, fields)
    (EDGE_INSIDE, {"article_number": "MED-9001", "model": None}),
    (datetime(2026, 8, 1, 9, 0, tzinfo=UTC), {"article_number": "MED-9001", "model": None, "reason": "other"}),
    (TODAY, {"article_number": "MED-9001", "model": None}),
    (EDGE_OUTSIDE, {"article_number": "MED-9002", "model": None}),
    (datetime(2026, 7, 1, 9, 0, tzinfo=UTC), {"article_number": "MED-9002", "model": None}),
    (datetime(2026, 10, 1, 9, 0, tzinfo=UTC), {"article_number": "MED-9002", "model": None}),
    # the same article number at another supplier is another article
    (datetime(2026, 10, 2, 9, 0, tzinfo=UTC), {"supplier": "juzo", "article_number": "MED-9001", "model": None}),
    # a model asked for three times, spelled three ways, no supplier named
    (datetime(2026, 6, 1, 9, 0, tzinfo=UTC), {"supplier": None, "article_number": None, "model": "Sonder X"}),
    (datetime(2026, 9, 1, 9, 0, tzinfo=UTC), {"supplier": None, "article_number": None, "model": " sonder  x "}),
    (datetime(2026, 11, 2, 9, 0, tzinfo=UTC), {"supplier": None, "article_number": None, "model": "SONDER X"}),
] + [
    # answered from the assortment: not out of assortment, never a candidate
    (datetime(2026, 9, day, 9, 0, tzinfo=UTC), {"article_number": IN_ASSORTMENT, "model": None})
    for day in (1, 2, 3)
]


@pytest.fixture
def history(app, published):
    with app.app_context():
        # The assortment took effect before the first request (a version answers only from its effective time).
        db.session.execute(db.update(AssortmentVersion).values(effective_from=datetime(2026, 4, 1, tzinfo=UTC)))
        for moment, fields in HISTORY:
            with time_machine.travel(moment, tick=False):
                submit_request(db.session, payload(**fields), actor="lisa", roles={"forskrivare"})
        db.session.commit()


def candidates(client, **query):
    with time_machine.travel(TODAY, tick=False):
        response = client.get("/api/v1/requests/candidates", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_articles_and_models_asked_for_three_times_in_six_months(app, api_people, history):
    report = candidates(api_people.ulla)

    assert report["window"] == {"from": "2026-05-20", "to": "2026-11-20"}
    assert (report["min_count"], report["months"]) == (3, 6)
    (article,) = report["articles"]
    assert (article["supplier"], article["article_number"], article["count"]) == ("medi", "MED-9001", 3)
    assert (article["first_requested"], article["last_requested"]) == ("2026-05-20", "2026-11-20")
    assert article["reasons"] == {"measurements_outside_sizes": 2, "other": 1}
    assert len(article["requests"]) == 3
    (model,) = report["models"]
    assert (model["supplier"], model["model"], model["count"]) == (None, "Sonder X", 3)


def test_the_day_before_the_window_does_not_count(app, api_people, history):
    twice = {row["article_number"]: row["count"] for row in candidates(api_people.hanna, min_count=2)["articles"]}
    assert twice == {"MED-9001": 3, "MED-9002": 2}
    seven_months = candidates(api_people.hanna, months=7)
    assert {row["article_number"]: row["count"] for row in seven_months["articles"]} == {"MED-9001": 3, "MED-9002": 3}
    assert seven_months["window"]["from"] == "2026-04-20"


def test_the_cli_prints_the_same_report(app, runner, history):
    with time_machine.travel(TODAY, tick=False):
        result = runner.invoke(args=["requests", "candidates", "--json", "--min-count", "2"])
        text = runner.invoke(args=["requests", "candidates"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(row["article_number"], row["count"]) for row in report["articles"]] == [("MED-9001", 3), ("MED-9002", 2)]
    assert text.exit_code == 0
    assert "MED-9001" in text.stdout and "MED-9002" not in text.stdout


def test_prescribers_may_not_read_the_report(app, api_people):
    assert_error(api_people.lisa.get("/api/v1/requests/candidates"), 403)


def test_bad_report_options_are_refused(app, api_people, runner):
    assert_error(api_people.hanna.get("/api/v1/requests/candidates?min_count=0"), 422)
    assert runner.invoke(args=["requests", "candidates", "--months", "0"]).exit_code != 0


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 20), 6, date(2026, 5, 20)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2028, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 3, 15), 6, date(2025, 9, 15)),
        (date(2026, 1, 31), 13, date(2024, 12, 31)),
    ],
)
def test_months_before_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert months_before(day, months) == expected
