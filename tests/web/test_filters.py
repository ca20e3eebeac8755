"""The template filters every page may use."""

from __future__ import annotations

import pytest

from catalog_service.web.filters import plural


@pytest.mark.parametrize(
    ("count", "word"), [(0, "ärenden"), (1, "ärende"), (2, "ärenden"), (-1, "ärende"), (1234, "ärenden")]
)
def test_plural_takes_the_singular_for_exactly_one(count, word):
    assert plural(count, "ärende", "ärenden") == word


def test_plural_is_a_template_filter(app):
    with app.app_context():
        template = app.jinja_env.from_string('{{ n }} {{ n|plural("rad", "rader") }}')
        assert [template.render(n=n) for n in (1, 3)] == ["1 rad", "3 rader"]


# --- Swedish formats through Babel (issue 13, item 4) --------------------------------------------------

NBSP = "\u00a0"


def test_amounts_are_swedish_kronor():
    from catalog_service.web.filters import kronor, sek

    assert sek(123450) == f"1{NBSP}234,50{NBSP}kr"
    assert sek(0) == f"0,00{NBSP}kr"
    assert kronor("370.00") == f"370,00{NBSP}kr"
    assert kronor(1250.5) == f"1{NBSP}250,50{NBSP}kr"
    assert [sek(None), kronor(None), kronor(""), kronor("inte ett tal")] == ["–"] * 4


def test_counts_decimals_and_shares_are_grouped_the_swedish_way():
    from catalog_service.web.filters import decimal, number, percent

    assert number(13883) == f"13{NBSP}883"
    assert number(7) == "7"
    assert decimal(1234.5) == f"1{NBSP}234,50"
    assert decimal(2.25, 1) in ("2,2", "2,3")
    assert percent(0.125) == f"12,5{NBSP}%"
    assert percent(0.8, 0) == f"80{NBSP}%"


def test_times_are_swedish_local_time_summer_and_winter():
    from datetime import UTC, date, datetime

    from catalog_service.web.filters import local_date, local_time

    assert local_time(datetime(2026, 1, 15, 12, 5, tzinfo=UTC)) == "2026-01-15 13:05"
    assert local_time(datetime(2026, 7, 15, 22, 30, tzinfo=UTC)) == "2026-07-16 00:30"
    assert local_date(datetime(2026, 7, 15, 22, 30, tzinfo=UTC)) == "2026-07-16"
    assert local_date(date(2026, 3, 1)) == "2026-03-01"
    assert local_time(None) == local_date(None) == ""


def test_swedish_formats_are_template_filters(app):
    with app.app_context():
        template = app.jinja_env.from_string("{{ a|sek }} · {{ b|kronor }} · {{ n|number }} · {{ s|percent }}")
        assert template.render(a=123450, b="427.50", n=13883, s=0.5) == (
            f"1{NBSP}234,50{NBSP}kr · 427,50{NBSP}kr · 13{NBSP}883 · 50,0{NBSP}%"
        )
