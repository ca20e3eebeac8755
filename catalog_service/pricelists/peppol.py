"""Peppol catalogues in the import: a full catalogue passes through; an Update is applied to the latest import.

A catalogue with ``ActionCode`` Add or Replace (or none) is a full price list:
its rows go to the verdicts like a workbook's. An ``Update`` catalogue carries
line actions (Add, Update, Delete) against the supplier's latest import; the
result — the latest import's rows with the lines applied — is judged as a new
draft. Rows of the latest import come from the database (a row judged
not_procured there kept only its identifying values, which is all its verdict
needs while the contract is the same; an Update against an import of another
contract is refused).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.errors import ImportFileError, unreadable
from importers.peppol import CatalogueInfo, LineActions, copy_to_store
from importers.pricelist import ARTICLE_NUMBER, BATCH_SIZE, COLOUR, COLOUR_CODE, ReadSummary, RowBatch, SheetLayout

from .models import ImportStatus as Status
from .models import PriceListImport, PriceListRow

LINE_ACTIONS = ("Add", "Update", "Delete")


@contextmanager
def without_parties(path: Path) -> Iterator[Path]:
    """A temporary copy of a catalogue without its header parties (contacts included), removed afterwards."""
    copy = copy_to_store(path)
    try:
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def catalogue_stream(session: Session, supplier: str, contract_id: int, reader, changes: dict) -> Iterator:
    """The reader's messages as the verdicts need them; an Update catalogue merged with the latest import.

    Call it before the new draft is added: the latest import is looked up now. ``changes`` is filled
    with the counts of lines added, updated and deleted (an Update only). Iterating raises
    ImportFileError for a catalogue ActionCode Delete, an Update without a latest import under the
    same contract, or a line action that cannot be applied.
    """
    latest = session.scalar(
        select(PriceListImport)
        .where(PriceListImport.supplier == supplier, PriceListImport.status != Status.superseded)
        .order_by(PriceListImport.id.desc())
        .limit(1)
    )
    return _stream(session, latest, contract_id, reader, changes)


def _stream(session: Session, latest, contract_id: int, reader, changes: dict) -> Iterator:
    messages = iter(reader)
    info = next(messages)
    if not isinstance(info, CatalogueInfo):  # not a catalogue reader: nothing to do
        yield info
        yield from messages
        return
    if info.action == "Delete":
        raise unreadable(
            "Katalogen har ActionCode Delete (hela katalogen ska tas bort). Det görs inte genom en import: "
            "skicka en fullständig katalog (Replace) eller en Update med rader att ta bort."
        )
    if info.action != "Update":
        yield from messages
        return
    yield from _merged(session, _base(latest, contract_id), list(messages), changes)


def _merged(session, base: PriceListImport, messages: list, changes: dict) -> Iterator:
    layout = next(m for m in messages if isinstance(m, SheetLayout))
    lines = [row for m in messages if isinstance(m, RowBatch) for row in m.rows()]
    actions = next(m for m in messages if isinstance(m, LineActions)).actions
    adds, updates, deletes = _sorted_lines(lines, actions)
    merged = _apply(_base_rows(session, base.id), adds, updates, deletes)
    changes.update(added=len(adds), updated=len(updates), deleted=len(deletes))
    for sheet in base.layout:
        yield SheetLayout(sheet["sheet"], sheet["header_row"], sheet["columns"], {}, 0)
    yield layout
    colours: Counter = Counter()
    for start in range(0, len(merged), BATCH_SIZE):
        batch = merged[start : start + BATCH_SIZE]
        colours.update((row[COLOUR], row[COLOUR_CODE]) for row in batch)
        yield RowBatch.of(batch)
    summary = next(m for m in messages if isinstance(m, ReadSummary))
    yield ReadSummary(len(merged), base.skipped_rows, list(base.skipped_sheets), colours, summary.peak_rss_mb)


def _base(latest: PriceListImport | None, contract_id: int) -> PriceListImport:
    if latest is None or latest.contract_id != contract_id:
        raise unreadable(
            "Katalogen är en Update (ändringar), men det finns ingen tidigare import för leverantören under det "
            "aktiva avtalet att tillämpa ändringarna på. Be om en fullständig katalog (ActionCode Replace)."
        )
    return latest


def _sorted_lines(lines: list[tuple], actions: dict) -> tuple[list, dict, set]:
    adds, updates, deletes = [], {}, set()
    for row in lines:
        number = row[1]
        action, line_id = actions[number]
        article = row[ARTICLE_NUMBER]
        if action not in LINE_ACTIONS:
            raise _line_error(number, line_id, f"ActionCode {str(action)[:20]!r} ska vara Add, Update eller Delete")
        if article is None and action != "Add":
            raise _line_error(number, line_id, f"{action} kräver ett artikelnummer (SellersItemIdentification)")
        if action == "Add":
            adds.append(row)
        elif action == "Update":
            updates[article] = row
        else:
            deletes.add(article)
    return adds, updates, deletes


def _apply(base: list[tuple], adds: list, updates: dict, deletes: set) -> list[tuple]:
    present = {row[ARTICLE_NUMBER] for row in base}
    for article in [*updates, *deletes]:
        if article not in present:
            raise _line_error(None, None, f"artikel {article[:40]!r} finns inte i den senaste importen")
    for row in adds:
        if row[ARTICLE_NUMBER] in present and row[ARTICLE_NUMBER] not in deletes:
            raise _line_error(row[1], None, f"artikel {row[ARTICLE_NUMBER][:40]!r} finns redan (använd Update)")
    merged = [updates.get(row[ARTICLE_NUMBER], row) for row in base if row[ARTICLE_NUMBER] not in deletes]
    return merged + adds


def _line_error(number, line_id, what: str) -> ImportFileError:
    where = f"Katalograd {number}" + (f" (rad-ID {line_id[:40]!r})" if line_id else "") if number else "En rad"
    return unreadable(f"{where}: {what}. Ingenting sparades.", row=number)


_COLUMNS = (
    "sheet",
    "row_number",
    "article_number",
    "gtin",
    "model",
    "name",
    "garment_type",
    "size",
    "length",
    "colour",
    "colour_code",
    "compression_class",
    "price_ore",
    "valid_from",
    "valid_to",
)


def _base_rows(session: Session, import_id: int) -> list[tuple]:
    """The stored rows of an import, in file order, as ParsedRow-ordered tuples (problem restored)."""
    columns = [getattr(PriceListRow, name) for name in _COLUMNS]
    problem = (PriceListRow.reason, PriceListRow.error_column, PriceListRow.error_message)
    result = session.execute(
        select(*columns, *problem).where(PriceListRow.import_id == import_id).order_by(PriceListRow.id)
    )
    return [(*r[:-3], (r[-3], r[-2], r[-1]) if r[-3] else None) for r in result]
