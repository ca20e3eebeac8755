"""What waits for a person: the start page's lists, each read from its own area. Changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..assortment.versions import current_version
from ..auth.models import ApiToken, TokenKind, User
from ..auth.permissions import may
from ..feeds.service import fetch_status
from ..orders.delivery import swedish_today
from ..pricelists.models import ImportStatus, PriceListImport
from ..requests.models import ConsultationRequest, RequestStatus
from ..requests.queries import list_requests, list_work_orders, waiting
from ..requests.workflow import OPEN_STATUSES
from ..suppliers import profiles

SHOWN = 20  # rows per list on the start page; each list links to its full page


def eshops_behind(session: Session, now: datetime | None = None) -> list[dict]:
    """E-shops (live tokens) of suppliers with a published version that have not fetched that version yet.

    One entry per token: supplier, token prefix, the current version, the version last fetched and when
    (None when never). ``now`` is accepted for a later, clock-aware rule (effective-dated versions).
    """
    behind = []
    for code in sorted(profiles()):
        version = current_version(session, code)
        if version is None:
            continue
        fetched = {row["token_id"]: row for row in fetch_status(session, code)}
        tokens = session.scalars(
            select(ApiToken).where(
                ApiToken.kind == TokenKind.eshop, ApiToken.supplier == code, ApiToken.revoked_at.is_(None)
            )
        )
        for token in tokens:
            last = fetched.get(token.id)
            if last is not None and last["has_current"]:
                continue
            behind.append(
                {
                    "supplier": code,
                    "prefix": token.prefix,
                    "current_version": version.number,
                    "fetched_version": last["version"] if last else None,
                    "last_fetch_at": last["last_fetch_at"] if last else None,
                }
            )
    return behind


def drafts_to_review(session: Session) -> list[PriceListImport]:
    """Each supplier's latest draft waiting for review, newest first (the page marks the reader's own uploads:
    another person publishes them)."""
    drafts = session.scalars(
        select(PriceListImport).where(PriceListImport.status == ImportStatus.draft).order_by(PriceListImport.id.desc())
    )
    seen, found = set(), []
    for draft in drafts:
        if draft.supplier not in seen:
            seen.add(draft.supplier)
            found.append(draft)
    return found


def queue_waiting(session: Session, user: User) -> list[dict]:
    """HMC: open requests in the queue, oldest first, with working days waited and whether overdue."""
    today = swedish_today()
    found = list_requests(session, actor=user.name, roles=user.roles, statuses=OPEN_STATUSES, page=1, per_page=SHOWN)
    rows = []
    for request in found["requests"]:
        days, overdue = waiting(request, today)
        rows.append({"request": request, "days": days, "overdue": overdue})
    return rows


def overdue_work_orders(session: Session, user: User) -> list[dict]:
    """HMC: open work orders whose arrival at HMC is late."""
    views = list_work_orders(session, roles=user.roles, open_only=True)
    return [view for view in views if view["overdue"]][:SHOWN]


def own_requests(session: Session, user: User) -> list[ConsultationRequest]:
    """A prescriber's own requests, the open ones and those with a work order under way, newest first."""
    statuses = (*OPEN_STATUSES, RequestStatus.work_order_created)
    return list(
        session.scalars(
            select(ConsultationRequest)
            .where(ConsultationRequest.submitted_by == user.name, ConsultationRequest.status.in_(statuses))
            .order_by(ConsultationRequest.submitted_at.desc())
            .limit(SHOWN)
        )
    )


def what_waits(session: Session, user: User, now: datetime | None = None) -> dict:
    """The start page's lists for ``user``: only those of the tasks their roles allow (auth/permissions.py)."""
    waits: dict = {}
    if may(user, "assortment.publish"):
        waits["drafts"] = drafts_to_review(session)
    if may(user, "tokens.manage"):
        waits["eshops_behind"] = eshops_behind(session, now)
    if may(user, "work_orders.list"):
        waits["queue"] = queue_waiting(session, user)
        waits["overdue_work_orders"] = overdue_work_orders(session, user)
    elif may(user, "requests.submit"):
        waits["own_requests"] = own_requests(session, user)
    return waits
