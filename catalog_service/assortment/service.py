"""Publishing: a reviewed draft becomes the supplier's next immutable assortment version.

A publish takes effect at once, or at a later ``effective_from`` (a schedule). How they meet:

- A schedule must lie after every other (not cancelled) version's effective time of the
  supplier; an earlier or equal one is refused (``schedule_not_later``).
- A scheduled version can be cancelled, with a reason, until it takes effect (``cancel_schedule``).
- A publish-now or a rollback while a schedule is pending takes effect at once and does not
  touch the schedule: the scheduled version still takes over at its time (the answer says so,
  ``AssortmentVersion.successor``). Cancel the schedule as well if the new content should stay.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from ..audit.service import record
from ..bulk import insert_tuples
from ..cache import announce
from ..contracts.service import active_contract
from ..errors import Conflict, Invalid, NotFound
from ..feeds.service import render_documents
from ..files import SourceFile
from ..models import utcnow
from ..pricelists.models import ImportStatus, PriceListImport
from ..privacy.guard import guard_text
from ..suppliers import profile_for
from ..webhooks.service import cancel_version_events, record_version_events
from .items import draft_items, version_items
from .models import ITEM_COLUMNS, AssortmentItem, AssortmentVersion, VersionCounter, VersionKind
from .versions import get_version, scheduled_versions, version_in_effect

REMOVAL_GUARD_SHARE = 0.20
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")  # an effective time without an offset is Swedish local time


def parse_effective_time(text: str) -> datetime:
    """An effective time from ISO 8601 text, as a UTC-aware datetime. Raises Invalid.

    ``2026-05-01T00:00+02:00`` keeps its offset; ``2026-05-01T00:00`` or ``2026-05-01 00:00`` is
    Europe/Stockholm local time; a bare date ``2026-05-01`` is its midnight in Stockholm.
    """
    raw = (text or "").strip()
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid(
            "invalid_effective_from",
            "Ogiltig tidpunkt. Skriv till exempel 2026-05-01T00:00+02:00 eller 2026-05-01 00:00 (svensk tid).",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return moment.astimezone(ZoneInfo("UTC"))


def local_text(moment: datetime) -> str:
    """A moment as Swedish local time for messages: '2026-05-01 00:00'."""
    return moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


def list_versions(session: Session, supplier: str) -> list[dict]:
    """The supplier's versions, newest first, each with where its content came from.

    Returns dicts: ``version`` (the AssortmentVersion), ``filename`` (the price list a published
    draft came from, else None) and ``restored`` (the number a rollback restored, else None).
    Raises NotFound for an unknown supplier. Reads only.
    """
    source = aliased(AssortmentVersion)
    rows = session.execute(
        select(AssortmentVersion, SourceFile.filename, source.number)
        .outerjoin(PriceListImport, PriceListImport.id == AssortmentVersion.import_id)
        .outerjoin(SourceFile, SourceFile.id == PriceListImport.source_file_id)
        .outerjoin(source, source.id == AssortmentVersion.source_version_id)
        .where(AssortmentVersion.supplier == profile_for(supplier).code)
        .order_by(AssortmentVersion.number.desc())
    ).all()
    return [{"version": version, "filename": filename, "restored": restored} for version, filename, restored in rows]


def latest_draft(session: Session, supplier: str) -> PriceListImport:
    """The supplier's draft waiting for review. Raises Conflict when there is none."""
    draft = session.scalar(
        select(PriceListImport)
        .where(PriceListImport.supplier == supplier, PriceListImport.status == ImportStatus.draft)
        .order_by(PriceListImport.id.desc())
        .limit(1)
    )
    if draft is None:
        raise Conflict("no_draft", f"Det finns inget utkast att publicera för {supplier}. Läs in en prislista först.")
    return draft


def publish_assortment(
    session: Session,
    supplier: str,
    *,
    actor: str,
    four_eyes: bool = True,
    confirm_removal: bool = False,
    reason: str | None = None,
    effective_from: datetime | None = None,
) -> AssortmentVersion:
    """Publish the supplier's draft as its next version, with feed documents rendered once.

    ``effective_from`` (timezone-aware, in the future) schedules the version: the feeds keep
    serving the version in effect until then and switch by the clock. None takes effect at once.
    Raises Invalid for a time not in the future, Conflict (``schedule_not_later``) for one not
    after the supplier's latest version or pending schedule.

    ``four_eyes``: the publisher must not be the person who uploaded the draft;
    the view or command passes the FOUR_EYES setting (``config.four_eyes``).
    Raises Conflict when there is no draft, when the publisher uploaded the
    draft (with ``four_eyes``), or when more than 20 % of
    the published items would go without ``confirm_removal`` and a reason.
    Flushes; the caller commits. A refused publish must be rolled back, which
    also returns the reserved version number.
    """
    guard_text("reason", reason)
    code = profile_for(supplier).code
    now = utcnow()
    number = _reserve_number(session, code)
    if effective_from is not None:
        _check_schedule(session, code, effective_from, now)
    draft = latest_draft(session, code)
    if four_eyes and draft.created_by.casefold() == actor.casefold():
        raise Conflict(
            "four_eyes",
            f"Utkastet lästes in av {actor}. En annan person måste granska och publicera det.",
            {"uploaded_by": draft.created_by},
        )
    if draft.contract_id != active_contract(session).id:
        raise Conflict(
            "stale_draft",
            "Utkastet bedömdes mot ett tidigare avtal. Läs in prislistan igen så bedöms raderna mot det "
            "aktiva avtalet.",
        )
    items = draft_items(session, draft)
    # What the new version replaces when it takes effect (a schedule lies after every other version).
    previous = version_in_effect(session, code, effective_from or now)
    _removal_guard(session, previous, items, confirm_removal, reason)
    version = _store_version(
        session,
        code,
        number,
        items,
        actor=actor,
        kind=VersionKind.publish,
        contract_id=draft.contract_id,
        import_id=draft.id,
        reason=reason,
        published_at=now,
        effective_from=effective_from or now,
    )
    draft.status = ImportStatus.published
    session.flush()
    record(
        session,
        actor=actor,
        action="assortment.publish",
        object_type="assortment_version",
        object_id=version.id,
        supplier=code,
        number=number,
        items=len(items),
        import_id=draft.id,
        reason=reason,
        effective_from=_utc_text(version.effective_from),
        scheduled=effective_from is not None,
        pending_schedules=_pending_numbers(session, code, version),
    )
    return version


def cancel_schedule(
    session: Session, supplier: str, *, actor: str, reason: str, number: int | None = None
) -> AssortmentVersion:
    """Cancel a scheduled version before it takes effect; it never takes effect, its number stays used.

    ``number`` picks the version when several are pending; without it the supplier's only pending
    schedule. Raises Invalid (no reason), NotFound (nothing pending, or no such version),
    Conflict (several pending without ``number``; the version already in effect or cancelled).
    The clock is read after the version's row is locked: once the effective time has passed the
    cancel is refused. (A cancel whose check ran just before the effective time and that commits
    just after it leaves the new version served for those moments.)
    """
    if not (reason or "").strip():
        raise Invalid("reason_required", "Ange ett skäl för att avbryta schemaläggningen.")
    guard_text("reason", reason)
    code = profile_for(supplier).code
    if number is None:
        pending = scheduled_versions(session, utcnow(), code)
        if not pending:
            raise NotFound("no_schedule", f"Ingen version av {code} är schemalagd.")
        if len(pending) > 1:
            raise Conflict(
                "several_schedules",
                f"{len(pending)} versioner av {code} är schemalagda. Ange vilken som ska avbrytas.",
                {"versions": [v.number for v in pending]},
            )
        number = pending[0].number
    version = session.scalar(
        select(AssortmentVersion)
        .where(AssortmentVersion.supplier == code, AssortmentVersion.number == number)
        .with_for_update()
    )
    if version is None:
        raise NotFound("version_not_found", f"Version {number} av {code} finns inte.")
    now = utcnow()
    if version.cancelled_at is not None:
        raise Conflict("already_cancelled", f"Version {number} av {code} är redan avbruten.")
    if version.effective_from <= now:
        raise Conflict(
            "already_in_effect",
            f"Version {number} av {code} gäller sedan {local_text(version.effective_from)} och kan inte avbrytas. "
            "Återställ en tidigare version i stället.",
        )
    version.cancelled_at = now
    version.cancelled_by = actor
    version.cancel_reason = reason.strip()
    session.flush()
    announce(session, "feed", code)
    cancel_version_events(session, version)  # its version_effective webhooks are never sent
    record(
        session,
        actor=actor,
        action="assortment.cancel_schedule",
        object_type="assortment_version",
        object_id=version.id,
        supplier=code,
        number=number,
        effective_from=_utc_text(version.effective_from),
        reason=reason.strip(),
    )
    return version


def _check_schedule(session: Session, supplier: str, effective_from: datetime, now: datetime) -> None:
    if effective_from.tzinfo is None:
        raise ValueError("naive effective_from: give a timezone-aware moment")
    if effective_from <= now:
        raise Invalid(
            "effective_from_not_future",
            f"Tidpunkten {local_text(effective_from)} har redan passerat. Publicera utan tidpunkt för att "
            "publicera direkt, eller ange en tidpunkt i framtiden.",
        )
    latest = session.execute(
        select(AssortmentVersion.number, AssortmentVersion.effective_from)
        .where(AssortmentVersion.supplier == supplier, AssortmentVersion.cancelled_at.is_(None))
        .order_by(AssortmentVersion.effective_from.desc(), AssortmentVersion.number.desc())
        .limit(1)
    ).first()
    if latest is not None and effective_from <= latest.effective_from:
        raise Conflict(
            "schedule_not_later",
            f"Version {latest.number} av {supplier} gäller från {local_text(latest.effective_from)}. En ny "
            "schemaläggning måste ligga senare; avbryt den schemalagda versionen först om den nya ska gälla före.",
            {"version": latest.number, "effective_from": _utc_text(latest.effective_from)},
        )


def _pending_numbers(session: Session, supplier: str, version: AssortmentVersion) -> list[int]:
    """Versions scheduled after ``version`` takes effect: they take over from it at their time."""
    return [v.number for v in scheduled_versions(session, version.effective_from, supplier) if v.id != version.id]


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def rollback_assortment(
    session: Session, supplier: str, to_number: int, *, actor: str, reason: str
) -> AssortmentVersion:
    """Publish an earlier version's content again, as a new version. Raises NotFound, Invalid."""
    if not (reason or "").strip():
        raise Invalid("reason_required", "Ange ett skäl för att återställa en tidigare version.")
    guard_text("reason", reason)
    code = profile_for(supplier).code
    number = _reserve_number(session, code)
    source = get_version(session, code, to_number)
    if source.cancelled_at is not None or source.effective_from > utcnow():
        raise Conflict(
            "never_in_effect",
            f"Version {to_number} har aldrig gällt (schemalagd eller avbruten) och kan inte återställas.",
        )
    if source.contract_id != active_contract(session).id:
        raise Conflict("stale_version", f"Version {to_number} hör till ett tidigare avtal och kan inte återställas.")
    items = version_items(session, source)
    version = _store_version(
        session,
        code,
        number,
        items,
        actor=actor,
        kind=VersionKind.rollback,
        contract_id=source.contract_id,
        source_version_id=source.id,
        reason=reason.strip(),
    )
    session.flush()
    record(
        session,
        actor=actor,
        action="assortment.rollback",
        object_type="assortment_version",
        object_id=version.id,
        supplier=code,
        number=number,
        restored=to_number,
        items=len(items),
        reason=reason.strip(),
        pending_schedules=_pending_numbers(session, code, version),
    )
    return version


def _reserve_number(session: Session, supplier: str) -> int:
    """Hand out the supplier's next version number; the first write of the publish, so publishes take turns."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(VersionCounter).values(supplier=supplier, last_number=0).on_conflict_do_nothing())
    return session.execute(
        update(VersionCounter)
        .where(VersionCounter.supplier == supplier)
        .values(last_number=VersionCounter.last_number + 1)
        .returning(VersionCounter.last_number)
    ).scalar_one()


def _removal_guard(session, previous, items, confirmed: bool, reason: str | None) -> None:
    if previous is None or previous.item_count == 0:
        return
    kept = {item["article_number"] for item in items}
    removed = [i["article_number"] for i in version_items(session, previous) if i["article_number"] not in kept]
    share = len(removed) / previous.item_count
    if share > REMOVAL_GUARD_SHARE and not (confirmed and (reason or "").strip()):
        raise Conflict(
            "removal_guard",
            f"Publiceringen tar bort {len(removed)} av {previous.item_count} artiklar ({share:.0%}). "
            "Bekräfta borttagningen och ange ett skäl för att publicera ändå.",
            {"removed": len(removed), "published": previous.item_count, "share": round(share, 4)},
        )


def _store_version(session, supplier, number, items, *, actor, kind, contract_id, **links) -> AssortmentVersion:
    links.setdefault("published_at", utcnow())
    links.setdefault("effective_from", links["published_at"])
    version = AssortmentVersion(
        supplier=supplier,
        number=number,
        kind=kind,
        contract_id=contract_id,
        published_by=actor,
        item_count=len(items),
        **links,
    )
    session.add(version)
    session.flush()
    insert_tuples(
        session,
        AssortmentItem.__table__,
        ("version_id", *ITEM_COLUMNS),
        [(version.id, *[item[column] for column in ITEM_COLUMNS]) for item in items],
    )
    render_documents(session, version, items)
    announce(session, "feed", supplier)
    # Webhooks to the e-shop: recorded in this transaction (the outbox), sent by the job queue after the commit.
    record_version_events(session, version)
    return version
