"""Working days with Swedish holidays and the expected arrival dates built on them (catalog_service.orders.leadtime)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog_service.orders.leadtime import (
    add_working_days,
    expected_dates,
    is_working_day,
    working_days_between,
)

# The dates below were worked out from a calendar by hand, not from the code under test.


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 23), True),  # Wednesday before Christmas
        (date(2026, 12, 24), False),  # julafton (de facto)
        (date(2026, 12, 25), False),  # juldagen
        (date(2026, 12, 28), True),
        (date(2026, 12, 31), False),  # nyårsafton (de facto)
        (date(2027, 1, 1), False),  # nyårsdagen
        (date(2027, 1, 6), False),  # trettondedag jul, a Wednesday
        (date(2027, 3, 25), True),  # skärtorsdagen is a working day
        (date(2027, 3, 26), False),  # långfredagen
        (date(2027, 3, 29), False),  # annandag påsk
        (date(2026, 4, 30), True),  # valborgsmässoafton is a working day
        (date(2026, 5, 1), False),  # första maj, a Friday
        (date(2026, 5, 14), False),  # Kristi himmelsfärdsdag
        (date(2026, 5, 15), True),  # the klämdag after it is a working day
        (date(2025, 6, 6), False),  # nationaldagen on a Friday
        (date(2028, 6, 6), False),  # nationaldagen on a Tuesday
        (date(2025, 6, 9), True),  # annandag pingst has not been a holiday since 2005
        (date(2026, 6, 19), False),  # midsommarafton (de facto)
        (date(2027, 6, 25), False),  # midsommarafton (de facto)
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 3, 9), True),  # Monday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Christmas and New Year 2026: 24, 25 Dec, 31 Dec, 1 Jan and 6 Jan are all off.
        (date(2026, 12, 21), 5, date(2026, 12, 30)),
        (date(2026, 12, 21), 10, date(2027, 1, 11)),
        (date(2026, 12, 23), 1, date(2026, 12, 28)),
        (date(2026, 12, 30), 1, date(2027, 1, 4)),
        (date(2027, 1, 5), 1, date(2027, 1, 7)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (date(2027, 3, 24), 5, date(2027, 4, 2)),
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        # Midsummer 2026 (eve Friday 19 June) and 2027 (eve Friday 25 June).
        (date(2026, 6, 17), 2, date(2026, 6, 22)),
        (date(2026, 6, 15), 5, date(2026, 6, 23)),
        (date(2027, 6, 24), 1, date(2027, 6, 28)),
        (date(2027, 6, 21), 5, date(2027, 6, 29)),
        # Ascension Day 2026 (Thursday 14 May) and 2027 (Thursday 6 May).
        (date(2026, 5, 13), 1, date(2026, 5, 15)),
        (date(2026, 5, 13), 2, date(2026, 5, 18)),
        (date(2027, 5, 5), 2, date(2027, 5, 10)),
        # National Day on a weekday: Tuesday 6 June 2028, Friday 6 June 2025.
        (date(2028, 6, 5), 1, date(2028, 6, 7)),
        (date(2025, 6, 5), 1, date(2025, 6, 9)),
        # Weekends.
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
        (date(2026, 3, 2), 5, date(2026, 3, 9)),
        (date(2026, 3, 2), 10, date(2026, 3, 16)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days


@pytest.mark.parametrize("start", [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 6)])
def test_an_order_at_the_weekend_counts_from_monday(start):
    assert add_working_days(start, 1) == date(2026, 3, 9)
    assert add_working_days(start, 5) == date(2026, 3, 13)


@pytest.mark.parametrize(
    ("holiday", "days", "expected"),
    [
        (date(2026, 12, 25), 1, date(2026, 12, 28)),  # juldagen, a Friday
        (date(2026, 12, 24), 5, date(2027, 1, 5)),  # julafton: 28, 29, 30 Dec, 4, 5 Jan
        (date(2027, 3, 26), 5, date(2027, 4, 5)),  # långfredagen: 30, 31 Mar, 1, 2, 5 Apr
        (date(2026, 6, 19), 1, date(2026, 6, 22)),  # midsommarafton
        (date(2028, 6, 6), 1, date(2028, 6, 7)),  # nationaldagen
    ],
)
def test_an_order_on_a_holiday_counts_from_the_next_working_day(holiday, days, expected):
    assert add_working_days(holiday, days) == expected


@pytest.mark.parametrize("start", [date(2026, 3, 9), date(2026, 3, 7), date(2026, 12, 25)])
def test_zero_days_is_the_start_date_itself(start):
    assert add_working_days(start, 0) == start
    assert working_days_between(start, start) == 0
    assert expected_dates(start, False, standard_days=0, onward_days=0) == {
        "expected_at_hmc": start,
        "expected_at_home": start,
    }


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="days"):
        add_working_days(date(2026, 3, 9), -1)


def test_working_days_between_counts_after_start_through_end():
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 10)) == 1
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 8)) == 0  # Friday to Sunday
    assert working_days_between(date(2026, 12, 21), date(2027, 1, 11)) == 10
    assert working_days_between(date(2027, 1, 11), date(2026, 12, 21)) == -10
    assert working_days_between(date(2026, 1, 1), date(2027, 1, 1)) == 251  # 261 weekdays - 10 days off


def test_expected_dates_standard_and_made_to_measure_over_christmas():
    assert expected_dates(date(2026, 12, 21), made_to_measure=False) == {
        "expected_at_hmc": date(2026, 12, 30),
        "expected_at_home": date(2027, 1, 5),  # 4 and 5 January
    }
    assert expected_dates(date(2026, 12, 21), made_to_measure=True) == {
        "expected_at_hmc": date(2027, 1, 11),
        "expected_at_home": date(2027, 1, 13),
    }


def test_expected_dates_over_easter_and_midsummer():
    # Made-to-measure ordered Monday 22 March 2027: 23, 24, 25, 30, 31 Mar, 1, 2, 5, 6, 7 Apr.
    assert expected_dates(date(2027, 3, 22), made_to_measure=True) == {
        "expected_at_hmc": date(2027, 4, 7),
        "expected_at_home": date(2027, 4, 9),
    }
    # Standard ordered Monday 15 June 2026 reaches HMC on Tuesday 23 June; home 24, 25 June.
    assert expected_dates(date(2026, 6, 15), made_to_measure=False) == {
        "expected_at_hmc": date(2026, 6, 23),
        "expected_at_home": date(2026, 6, 25),
    }


def test_expected_dates_take_the_supplier_terms_and_onward_days():
    result = expected_dates(
        date(2026, 3, 2), made_to_measure=True, standard_days=3, made_to_measure_days=7, onward_days=1
    )
    assert result == {"expected_at_hmc": date(2026, 3, 11), "expected_at_home": date(2026, 3, 12)}
    result = expected_dates(date(2026, 3, 2), made_to_measure=False, standard_days=3, onward_days=0)
    assert result == {"expected_at_hmc": date(2026, 3, 5), "expected_at_home": date(2026, 3, 5)}


# Property tests over random dates and day counts.
DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
PROPERTY = settings(max_examples=300, deadline=None)


def _naive_count(start: date, end: date) -> int:
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset)))


@PROPERTY
@given(start=DATES, days=st.integers(min_value=0, max_value=600))
def test_working_days_between_inverts_add_working_days(start, days):
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert working_days_between(end, start) == -days
    if days:
        assert is_working_day(end)
        assert working_days_between(start, end - timedelta(days=1)) == days - 1


@PROPERTY
@given(start=DATES, length=st.integers(min_value=0, max_value=800))
def test_working_days_between_matches_a_day_by_day_count(start, length):
    end = start + timedelta(days=length)
    count = working_days_between(start, end)
    assert count == _naive_count(start, end)
    # Adding the count back lands on the last working day up to `end` (or on `start` if there is none).
    landed = add_working_days(start, count)
    assert start <= landed <= end
    assert all(not is_working_day(landed + timedelta(days=offset)) for offset in range(1, (end - landed).days + 1))
