"""Numbers without gaps per series and year: KONS-2026-000123, AO-2026-000123."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import NumberCounter

REQUEST_SERIES = "KONS"
WORK_ORDER_SERIES = "AO"
SWEDEN = ZoneInfo("Europe/Stockholm")


def swedish_date(moment: datetime) -> date:
    """The date in Sweden at ``moment`` (a request made at 00:30 on New Year's Day belongs to the new year)."""
    return moment.astimezone(SWEDEN).date()


def next_number(session: Session, series: str, moment: datetime) -> str:
    """Hand out the next number of ``series`` for the Swedish year of ``moment``: ``KONS-2026-000001``.

    Call it as late as possible in the transaction that stores the numbered object, after every
    check that can refuse the input: the counter row stays locked until commit, and a rollback
    gives the number back. Flushes.
    """
    year = swedish_date(moment).year
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(NumberCounter).values(series=series, year=year, last_number=0).on_conflict_do_nothing()
    )
    sequence = session.execute(
        update(NumberCounter)
        .where(NumberCounter.series == series, NumberCounter.year == year)
        .values(last_number=NumberCounter.last_number + 1)
        .returning(NumberCounter.last_number)
    ).scalar_one()
    return f"{series}-{year}-{sequence:06d}"
