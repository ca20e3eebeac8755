"""The supplier delivery report: did the order lines reach HMC within the contract lead time?

Per supplier and month of the order date:

* ``lines``: order lines ordered that month;
* ``arrived``: lines with an arrival date at HMC;
* ``within_lead_time``: arrived lines that reached HMC on or before the expected date, the
  contract lead time (standard or made-to-measure) in working days after the order date;
* ``share_within``: ``within_lead_time / arrived``, 3 decimals; None when nothing arrived;
* ``median_working_days``: median working days from order date to arrival at HMC, over the
  arrived lines; None when nothing arrived;
* ``overdue_now``: lines not yet arrived whose expected date lies before ``today``.

A line with a delivery date but no arrival date has certainly passed HMC, only the date is
unknown: it is neither counted as arrived (no date to measure) nor as overdue.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from .leadtime import DEFAULT_MADE_TO_MEASURE_DAYS, DEFAULT_STANDARD_DAYS, add_working_days, working_days_between
from .models import OrderLine

__all__ = ["delivery_report", "swedish_today"]


def swedish_today() -> date:
    """Today's date in Sweden (the server clock may run in UTC)."""
    return datetime.now(ZoneInfo("Europe/Stockholm")).date()


def delivery_report(
    session: Session,
    *,
    supplier: str | None = None,
    today: date | None = None,
    standard_days: int = DEFAULT_STANDARD_DAYS,
    made_to_measure_days: int = DEFAULT_MADE_TO_MEASURE_DAYS,
) -> list[dict]:
    """Lead-time figures per supplier (code) and month (``YYYY-MM`` of the order date), sorted by both."""
    today = today or swedish_today()
    query = select(
        OrderLine.supplier,
        OrderLine.order_date,
        OrderLine.made_to_measure,
        OrderLine.arrived_at_hmc,
        OrderLine.delivered_at,
    )
    if supplier:
        query = query.where(OrderLine.supplier == supplier)
    expected_cache: dict[tuple[date, bool], date] = {}

    def expected(order_date: date, made_to_measure: bool) -> date:
        key = (order_date, bool(made_to_measure))
        if key not in expected_cache:
            days = made_to_measure_days if made_to_measure else standard_days
            expected_cache[key] = add_working_days(order_date, days)
        return expected_cache[key]

    groups: dict[tuple[str, str], dict] = defaultdict(lambda: {"lines": 0, "within": 0, "overdue": 0, "days": []})
    for code, order_date, made_to_measure, arrived, delivered in session.execute(query):
        group = groups[(code, f"{order_date:%Y-%m}")]
        group["lines"] += 1
        due = expected(order_date, made_to_measure)
        if arrived is not None:
            group["days"].append(working_days_between(order_date, arrived))
            group["within"] += arrived <= due
        elif delivered is None and due < today:
            group["overdue"] += 1
    return [_row(code, month, groups[(code, month)]) for code, month in sorted(groups)]


def _row(code: str, month: str, group: dict) -> dict:
    arrived = len(group["days"])
    return {
        "supplier": code,
        "month": month,
        "lines": group["lines"],
        "arrived": arrived,
        "within_lead_time": group["within"],
        "share_within": round(group["within"] / arrived, 3) if arrived else None,
        "median_working_days": statistics.median(group["days"]) if arrived else None,
        "overdue_now": group["overdue"],
    }
