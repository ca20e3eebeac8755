"""Assortment candidates: models and articles asked for out of assortment again and again.

Input for the next procurement. A request counts when it was submitted within the window
(``months`` calendar months back from today, both ends inclusive, Swedish dates) and was
not answered from the current assortment (``resolved_in_assortment``); what happened to it
afterwards (an alternative, a work order, a refusal) does not matter: the need was there.
Articles group by supplier and article number; models by supplier and the model text compared
trimmed and case-insensitively (the first spelling is shown). A request naming both counts for both.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.values import normalise_key

from ..orders.delivery import swedish_today
from .models import ConsultationRequest, RequestStatus
from .numbering import SWEDEN, swedish_date
from .workflow import CANDIDATE_ROLES, require_any

DEFAULT_MIN_COUNT = 3
DEFAULT_MONTHS = 6


@dataclass
class _Group:
    supplier: str | None
    value: str
    numbers: list[str] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)

    def add(self, request: ConsultationRequest) -> None:
        self.numbers.append(request.number)
        self.days.append(swedish_date(request.submitted_at))
        self.reasons[request.reason.value] += 1

    def as_dict(self, key: str) -> dict:
        return {
            "supplier": self.supplier,
            key: self.value,
            "count": len(self.numbers),
            "first_requested": min(self.days),
            "last_requested": max(self.days),
            "reasons": dict(sorted(self.reasons.items())),
            "requests": self.numbers,
        }


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier, or that month's last day (31 August - 6 → 28/29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def assortment_candidates(
    session: Session,
    *,
    roles: Iterable[str],
    min_count: int = DEFAULT_MIN_COUNT,
    months: int = DEFAULT_MONTHS,
    today: date | None = None,
) -> dict:
    """Articles and models asked for out of assortment at least ``min_count`` times in the last ``months`` months.

    Most asked first. Raises Forbidden unless HMC, procurement or admin; ValueError for counts below 1.
    Changes nothing.
    """
    require_any(roles, CANDIDATE_ROLES)
    if min_count < 1 or months < 1:
        raise ValueError("min_count and months must be at least 1")
    today = today or swedish_today()
    start = months_before(today, months)
    since = datetime.combine(start, time(), tzinfo=SWEDEN).astimezone(UTC)
    requests = session.scalars(
        select(ConsultationRequest)
        .where(
            ConsultationRequest.submitted_at >= since,
            ConsultationRequest.status != RequestStatus.resolved_in_assortment,
        )
        .order_by(ConsultationRequest.submitted_at, ConsultationRequest.id)
    )
    articles: dict[tuple, _Group] = {}
    models: dict[tuple, _Group] = {}
    for request in requests:
        if swedish_date(request.submitted_at) > today:
            continue
        if request.article_number:
            key = (request.supplier, request.article_number)
            articles.setdefault(key, _Group(*key)).add(request)
        if request.model:
            key = (request.supplier, normalise_key(request.model))
            models.setdefault(key, _Group(request.supplier, request.model)).add(request)
    return {
        "window": {"from": start, "to": today},
        "min_count": min_count,
        "months": months,
        "articles": _ranked(articles.values(), min_count, "article_number"),
        "models": _ranked(models.values(), min_count, "model"),
    }


def _ranked(groups: Iterable[_Group], min_count: int, key: str) -> list[dict]:
    kept = [group.as_dict(key) for group in groups if len(group.numbers) >= min_count]
    return sorted(kept, key=lambda row: (-row["count"], row["supplier"] or "", row[key]))
