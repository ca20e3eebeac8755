"""Watching the e-shops: which e-shop has not fetched the version in effect in time.

An e-shop (its live token) is behind when the version in effect for its supplier took effect
more than FETCH_ALERT_HOURS ago (default 24; counted from the token's creation when that is
later) and the token has fetched no answer of that version since. The overview and versions
pages flag them; the start page and /metrics call the same functions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..assortment.versions import version_in_effect
from ..auth.models import ApiToken, TokenKind
from ..models import utcnow
from ..suppliers import profiles
from .models import FeedFetch

DEFAULT_ALERT_HOURS = 24.0


def alert_hours(config=None) -> float:
    """FETCH_ALERT_HOURS of the running app's configuration (or ``config``), default 24."""
    if config is None:
        from flask import current_app, has_app_context

        config = current_app.config if has_app_context() else {}
    return float(config.get("FETCH_ALERT_HOURS", DEFAULT_ALERT_HOURS))


def eshop_fetch_status(session: Session, now: datetime | None = None) -> list[dict]:
    """Per live e-shop token: its supplier's version in effect, and its last fetch of that version.

    Dicts with ``supplier``, ``token_id``, ``prefix``, ``version``, ``effective_from`` (of the version
    in effect), ``since`` (when the e-shop could first fetch it: its effective time or the token's
    creation, whichever is later), ``fetched_at`` (its last fetch of that version, or None),
    ``last_fetch_at`` and ``last_version`` (its last fetch of any version, or None).
    Suppliers without a version in effect are left out.
    """
    now = now or utcnow()
    current = {code: version_in_effect(session, code, now) for code in profiles()}
    current = {code: version for code, version in current.items() if version is not None}
    if not current:
        return []
    tokens = session.scalars(
        select(ApiToken)
        .where(ApiToken.kind == TokenKind.eshop, ApiToken.revoked_at.is_(None), ApiToken.supplier.in_(list(current)))
        .order_by(ApiToken.supplier, ApiToken.id)
    ).all()
    if not tokens:
        return []
    ids = [token.id for token in tokens]
    last_any = dict(
        session.execute(
            select(FeedFetch.token_id, func.max(FeedFetch.at))
            .where(FeedFetch.token_id.in_(ids))
            .group_by(FeedFetch.token_id)
        ).all()
    )
    last_version = {
        token_id: number
        for token_id, number, at in session.execute(
            select(FeedFetch.token_id, FeedFetch.version_number, FeedFetch.at).where(FeedFetch.token_id.in_(ids))
        ).all()
        if at == last_any.get(token_id)
    }
    of_current = {}
    for token_id, supplier, number, at in session.execute(
        select(FeedFetch.token_id, FeedFetch.supplier, FeedFetch.version_number, func.max(FeedFetch.at))
        .where(FeedFetch.token_id.in_(ids))
        .group_by(FeedFetch.token_id, FeedFetch.supplier, FeedFetch.version_number)
    ).all():
        version = current.get(supplier)
        if version is not None and number == version.number:
            of_current[token_id] = at
    rows = []
    for token in tokens:
        version = current[token.supplier]
        rows.append(
            {
                "supplier": token.supplier,
                "token_id": token.id,
                "prefix": token.prefix,
                "version": version.number,
                "effective_from": version.effective_from,
                "since": max(version.effective_from, token.created_at),
                "fetched_at": of_current.get(token.id),
                "last_fetch_at": last_any.get(token.id),
                "last_version": last_version.get(token.id),
            }
        )
    return rows


def eshops_behind(session: Session, now: datetime | None = None, hours: float | None = None) -> list[dict]:
    """E-shops that have not fetched the version in effect within ``hours`` (FETCH_ALERT_HOURS) of its taking effect.

    The rows of ``eshop_fetch_status`` (fetched_at is None or earlier than the version's effect,
    which cannot happen) with ``hours_behind``: how long past the deadline. Sorted by supplier.
    """
    now = now or utcnow()
    limit = timedelta(hours=alert_hours() if hours is None else hours)
    behind = []
    for row in eshop_fetch_status(session, now):
        deadline = row["since"] + limit
        if row["fetched_at"] is None and now >= deadline:
            behind.append({**row, "hours_behind": round((now - deadline).total_seconds() / 3600, 1)})
    return behind
