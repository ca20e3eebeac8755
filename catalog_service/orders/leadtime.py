"""Lead times in Swedish working days: expected arrival at HMC and at the patient's home.

Plain Python, no Flask or database. The public holidays come from the maintained
`holidays` package (`holidays.Sweden`), never from a hand-made list.

What counts as a working day
----------------------------
Monday to Friday, except:

* the public holidays of the Act on public holidays (SFS 1989:253), the
  `PUBLIC` category of `holidays.Sweden`: nyårsdagen, trettondedag jul,
  långfredagen, annandag påsk, första maj, Kristi himmelsfärdsdag,
  nationaldagen, midsommardagen, alla helgons dag, juldagen, annandag jul
  (påskdagen and pingstdagen always fall on a Sunday);
* midsommarafton, julafton and nyårsafton. They are not public holidays in law,
  but Swedish businesses close on them and the Annual Leave Act (SFS 1977:480,
  section 7) treats them like Sundays. `holidays.Sweden` leaves them out of its
  default `PUBLIC` category and provides them as the `DE_FACTO` category, which
  is what this module adds.

The "from 2 pm" half days of the `BANK` category (e.g. skärtorsdagen,
valborgsmässoafton) and the `OPTIONAL` category (e.g. klämdagar, påskafton, which
is a Saturday anyway) are working days here: suppliers and HMC ship on them.

Counting rule: the order date itself never counts. `add_working_days(start, n)`
returns the n:th working day after `start`, so an order placed on a Saturday or
on a holiday is counted from the next working day, like one placed on a working day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = [
    "DEFAULT_MADE_TO_MEASURE_DAYS",
    "DEFAULT_ONWARD_DAYS",
    "DEFAULT_STANDARD_DAYS",
    "add_working_days",
    "expected_dates",
    "is_working_day",
    "working_days_between",
]

DEFAULT_STANDARD_DAYS = 5  # contract: standard garments reach HMC within 5 working days
DEFAULT_MADE_TO_MEASURE_DAYS = 10  # contract: made-to-measure garments within 10 working days
DEFAULT_ONWARD_DAYS = 2  # HMC's onward delivery to the patient's home (configurable)

_CATEGORIES = (holidays.PUBLIC, holidays.DE_FACTO)
_SATURDAY = 5  # date.weekday(): Monday is 0


@lru_cache(maxsize=256)
def _non_working_weekdays(year: int) -> frozenset[date]:
    """Holidays (public and de facto) of `year` that fall on Monday to Friday."""
    calendar = holidays.Sweden(years=year, categories=_CATEGORIES)
    return frozenset(day for day in calendar if day.weekday() < _SATURDAY)


def is_working_day(day: date) -> bool:
    """True for Monday to Friday unless a Swedish public holiday, midsommarafton, julafton or nyårsafton."""
    return day.weekday() < _SATURDAY and day not in _non_working_weekdays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`:th working day after `start` (`start` itself never counts); `start` itself when `days` is 0."""
    if days < 0:
        raise ValueError(f"days must be zero or more, not {days}")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def _weekdays_through(day: date) -> int:
    """Monday-to-Friday days from an arbitrary fixed Monday up to and including `day`."""
    ordinal = day.toordinal()  # date(1, 1, 1), ordinal 1, is a Monday
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`.

    The inverse of `add_working_days`: `working_days_between(d, add_working_days(d, n)) == n`.
    An order due on `expected` and arriving on `actual` is `working_days_between(expected, actual)`
    working days late (zero or less means on time).
    """
    if end < start:
        return -working_days_between(end, start)
    count = _weekdays_through(end) - _weekdays_through(start)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for day in _non_working_weekdays(year) if start < day <= end)
    return count


def expected_dates(
    order_date: date,
    made_to_measure: bool,
    *,
    standard_days: int = DEFAULT_STANDARD_DAYS,
    made_to_measure_days: int = DEFAULT_MADE_TO_MEASURE_DAYS,
    onward_days: int = DEFAULT_ONWARD_DAYS,
) -> dict[str, date]:
    """Expected arrival of an order line at HMC and at the patient's home.

    `expected_at_hmc` is the contract lead time (standard or made-to-measure) in working days
    after the order date; `expected_at_home` adds HMC's onward delivery in working days.
    """
    lead_days = made_to_measure_days if made_to_measure else standard_days
    at_hmc = add_working_days(order_date, lead_days)
    return {"expected_at_hmc": at_hmc, "expected_at_home": add_working_days(at_hmc, onward_days)}
