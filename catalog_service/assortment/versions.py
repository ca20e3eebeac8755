"""Finding published versions: read-only queries that feeds, orders, stock and requests share.

Kept apart from service.py (publishing), which renders feeds: feeds read versions
through this module, so neither package needs a function-local import of the other.

A version takes effect at its ``effective_from`` (its publish time, or a later
scheduled moment). Which version is in effect is decided from the clock each time
it is asked, never stored: at the effective time every app server switches
without any job having to run. The version in effect at a moment is the one with
the latest ``effective_from`` not after it, cancelled versions left out (on equal
times the higher number). A scheduled version must be later than every other
version of its supplier, so schedules take effect in the order they were made;
a publish-now or a rollback while a schedule is pending takes effect at once and
the schedule still takes over at its time (``service.publish_assortment``).

Functions other areas call (the webhooks' ``assortment.version_effective`` events,
the start page, the metrics): ``version_in_effect``, ``scheduled_versions``,
``versions_taking_effect``, ``next_switch`` and ``version_state``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..models import utcnow
from .models import AssortmentVersion, VersionState


def _live():
    return AssortmentVersion.cancelled_at.is_(None)


def version_in_effect(session: Session, supplier: str, now: datetime | None = None) -> AssortmentVersion | None:
    """The supplier's version in effect at ``now`` (default: the clock), or None before the first takes effect."""
    moment = now or utcnow()
    return session.scalar(
        select(AssortmentVersion)
        .where(AssortmentVersion.supplier == supplier, _live(), AssortmentVersion.effective_from <= moment)
        .order_by(AssortmentVersion.effective_from.desc(), AssortmentVersion.number.desc())
        .limit(1)
    )


def current_version(session: Session, supplier: str, now: datetime | None = None) -> AssortmentVersion | None:
    """The supplier's published version in effect now (see ``version_in_effect``), or None."""
    return version_in_effect(session, supplier, now)


def scheduled_versions(
    session: Session, now: datetime | None = None, supplier: str | None = None
) -> list[AssortmentVersion]:
    """Versions scheduled to take effect after ``now`` and not cancelled, soonest first (all suppliers or one)."""
    query = select(AssortmentVersion).where(_live(), AssortmentVersion.effective_from > (now or utcnow()))
    if supplier is not None:
        query = query.where(AssortmentVersion.supplier == supplier)
    return list(session.scalars(query.order_by(AssortmentVersion.effective_from, AssortmentVersion.supplier)).all())


def versions_taking_effect(session: Session, after: datetime, until: datetime) -> list[AssortmentVersion]:
    """Scheduled versions (not cancelled) whose effective time lies in (``after``, ``until``], earliest first.

    For whoever announces a switch (``assortment.version_effective``): only versions that were
    scheduled, not ones that took effect at their publish, and never a cancelled one.
    """
    return list(
        session.scalars(
            select(AssortmentVersion)
            .where(
                _live(),
                AssortmentVersion.effective_from > after,
                AssortmentVersion.effective_from <= until,
                AssortmentVersion.effective_from > AssortmentVersion.published_at,
            )
            .order_by(AssortmentVersion.effective_from, AssortmentVersion.supplier)
        ).all()
    )


def next_switch(session: Session, supplier: str, now: datetime | None = None) -> datetime | None:
    """When the supplier's feed next changes version by the clock: its earliest pending schedule, or None."""
    return session.scalar(
        select(AssortmentVersion.effective_from)
        .where(AssortmentVersion.supplier == supplier, _live(), AssortmentVersion.effective_from > (now or utcnow()))
        .order_by(AssortmentVersion.effective_from)
        .limit(1)
    )


def version_state(session: Session, version: AssortmentVersion, now: datetime | None = None) -> VersionState:
    """Where ``version`` stands at ``now``: scheduled, in effect, superseded or cancelled."""
    moment = now or utcnow()
    if version.cancelled_at is not None:
        return VersionState.cancelled
    if version.effective_from > moment:
        return VersionState.scheduled
    in_effect = version_in_effect(session, version.supplier, moment)
    return VersionState.in_effect if in_effect is not None and in_effect.id == version.id else VersionState.superseded


def successor_of(session: Session, version: AssortmentVersion) -> AssortmentVersion | None:
    """The live version that takes over from ``version``: the next effective time after its own, or None."""
    if version.cancelled_at is not None:
        return None
    return session.scalar(
        select(AssortmentVersion)
        .where(
            AssortmentVersion.supplier == version.supplier,
            _live(),
            AssortmentVersion.id != version.id,
            (AssortmentVersion.effective_from > version.effective_from)
            | (
                (AssortmentVersion.effective_from == version.effective_from)
                & (AssortmentVersion.number > version.number)
            ),
        )
        .order_by(AssortmentVersion.effective_from, AssortmentVersion.number)
        .limit(1)
    )


def get_version(session: Session, supplier: str, number: int) -> AssortmentVersion:
    """One version. Raises NotFound."""
    version = session.scalar(
        select(AssortmentVersion).where(AssortmentVersion.supplier == supplier, AssortmentVersion.number == number)
    )
    if version is None:
        raise NotFound("version_not_found", f"Version {number} av {supplier} finns inte.")
    return version
