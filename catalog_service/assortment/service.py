"""Publishing: a reviewed draft becomes the supplier's next immutable assortment version."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from ..audit.service import record
from ..cache import announce
from ..contracts.service import active_contract
from ..errors import Conflict, Invalid
from ..feeds.service import render_documents
from ..files import SourceFile
from ..pricelists.models import ImportStatus, PriceListImport
from ..privacy.guard import guard_text
from ..suppliers import profile_for
from ..webhooks.service import record_version_events
from .items import draft_items, version_items
from .models import AssortmentItem, AssortmentVersion, VersionCounter, VersionKind
from .versions import current_version, get_version

REMOVAL_GUARD_SHARE = 0.20


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
) -> AssortmentVersion:
    """Publish the supplier's draft as its next version, with feed documents rendered once.

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
    number = _reserve_number(session, code)
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
    previous = current_version(session, code)
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
    )
    return version


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
    if items:
        session.execute(insert(AssortmentItem), [{"version_id": version.id, **item} for item in items])
    render_documents(session, version, items)
    announce(session, "feed", supplier)
    # Webhooks to the e-shop: recorded in this transaction (the outbox), sent by the job queue after the commit.
    record_version_events(session, version)
    return version
