"""Unknown colours: a person maps one to a base colour, or says it is not one; the draft is re-judged at once."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from importers.values import colour_key

from ..audit.service import record
from ..contracts.models import ColourMapping
from ..errors import Conflict, Invalid
from ..models import utcnow
from ..privacy.guard import guard_text
from .models import ImportStatus, PriceListImport, PriceListRow
from .verdicts import Verdict


def decide_unknown_colour(
    session: Session, draft: PriceListImport, value: str, base_colour: str | None, *, actor: str
) -> int:
    """Map ``value`` (an unknown colour of the draft) to ``base_colour``, or None for "not a base colour".

    The decision holds for the supplier's later imports under this contract too. Rows of the draft with
    that value move from non_base_colour to allowed when mapped. Returns how many rows moved. Raises
    Conflict for a draft that is no longer a draft, Invalid for a value that is not one of its unknown
    colours or a base colour the supplier does not have. Flushes; the caller commits.
    """
    if draft.status is not ImportStatus.draft:
        raise Conflict("not_a_draft", "Importen är inte längre ett utkast. Öppna den senaste importen.")
    key = colour_key(value)
    entry = _unknown_entry(draft, key)
    bases = {b.name: b for b in draft.contract.base_colours if b.supplier == draft.supplier}
    if base_colour is not None and base_colour not in bases:
        raise Invalid("unknown_base_colour", f"{base_colour!r} är ingen basfärg för leverantören.")
    guard_text("colour", value)  # the value is stored as a mapping: never personal data
    _remember(session, draft, value, key, base_colour, actor)
    moved = _rejudge(session, draft, key, base_colour) if base_colour else 0
    draft.unknown_colours = [e for e in draft.unknown_colours if e is not entry and _keys(e) != _keys(entry)]
    session.flush()
    record(
        session,
        actor=actor,
        action="colour.map" if base_colour else "colour.dismiss",
        object_type="pricelist_import",
        object_id=draft.id,
        supplier=draft.supplier,
        colour=value,
        base_colour=base_colour,
        rows=moved,
    )
    return moved


def _keys(entry: dict) -> tuple[str, str]:
    return colour_key(entry.get("colour")), colour_key(entry.get("colour_code"))


def _unknown_entry(draft: PriceListImport, key: str) -> dict:
    for entry in draft.unknown_colours:
        if key and key in _keys(entry):
            return entry
    raise Invalid("not_unknown_colour", "Färgen finns inte bland utkastets okända färger.")


def _remember(session, draft, value, key, base_colour, actor) -> None:
    mapping = session.scalar(
        select(ColourMapping).where(
            ColourMapping.contract_id == draft.contract_id,
            ColourMapping.supplier == draft.supplier,
            ColourMapping.value_key == key,
        )
    )
    if mapping is None:
        mapping = ColourMapping(contract_id=draft.contract_id, supplier=draft.supplier, value_key=key)
        session.add(mapping)
    mapping.value, mapping.base_colour, mapping.decided_by, mapping.decided_at = value, base_colour, actor, utcnow()


def _rejudge(session, draft: PriceListImport, key: str, base_colour: str) -> int:
    """Rows judged non_base_colour only for this value become allowed (the earlier rules already passed)."""
    rows = session.execute(
        select(PriceListRow.id, PriceListRow.colour, PriceListRow.colour_code).where(
            PriceListRow.import_id == draft.id, PriceListRow.verdict == Verdict.non_base_colour
        )
    ).all()
    ids = [r.id for r in rows if key in (colour_key(r.colour), colour_key(r.colour_code))]
    for start in range(0, len(ids), 1000):
        session.execute(
            update(PriceListRow)
            .where(PriceListRow.id.in_(ids[start : start + 1000]))
            .values(verdict=Verdict.allowed, base_colour=base_colour)
        )
    draft.allowed += len(ids)
    draft.excluded = {**draft.excluded, Verdict.non_base_colour.value: draft.excluded["non_base_colour"] - len(ids)}
    return len(ids)
