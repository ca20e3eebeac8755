"""Order history by customer order number only: import, purge, search, reorder."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from importers import values
from importers.isolation import ChildReader
from importers.orders import read_order_lines
from importers.workbook import check_workbook

from ..audit.service import record
from ..config import lead_times
from ..contracts.service import active_contract
from ..errors import Invalid, NotFound
from ..files import SourceFile, sha256_of, store_source_file
from ..privacy.guard import check_structured, describe, find_personal_data
from ..suppliers import profiles
from .models import OrderImport, OrderLine

STRUCTURED = {"kundordernummer": "kundordernummer", "article_number": "article_number"}


@dataclass
class OrderImportResult:
    status: str  # stored | refused
    data_rows: int = 0
    stored: int = 0
    before_contract_start: int = 0
    already_present: int = 0
    updated: int = 0
    findings: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    import_id: int | None = None


def import_orders(
    session: Session, path: Path, *, actor: str, filename: str | None = None, kundordernummer_pattern: str | None = None
) -> OrderImportResult:
    """Import an order-line export; refuse the whole file if any cell holds personal data.

    Every text cell is scanned by the privacy guard except the structured
    columns, which are checked against their own formats. On a refusal nothing
    is stored, not even the file; the result lists sheet, row, column and kind
    of every finding. Lines dated before the contract start are counted, not
    stored. Raises ImportFileError for a file that is not a usable workbook.
    Flushes; the caller commits (or rolls back a refusal).
    """
    check_workbook(path)
    start = active_contract(session).start_date
    with ChildReader(read_order_lines, path) as reader:
        sheets = list(reader)
    result = OrderImportResult(status="stored")
    result.data_rows = sum(len(rows) for _sheet, rows in sheets)
    result.findings = _findings(sheets, kundordernummer_pattern)
    if result.findings:
        result.status = "refused"
        return result
    lines, result.errors = _parse(sheets)
    if result.errors:
        result.status = "refused"
        return result
    batch = OrderImport(imported_by=actor)
    session.add(batch)
    session.flush()
    _store(session, batch, lines, start, result)
    batch.source_file_id = store_source_file(session, path, sha256_of(path), filename, fallback="orderrader.xlsx").id
    batch.data_rows, batch.stored = result.data_rows, result.stored
    batch.before_contract_start, batch.already_present = result.before_contract_start, result.already_present
    result.import_id = batch.id
    session.flush()
    record(
        session,
        actor=actor,
        action="orders.import",
        object_type="order_import",
        object_id=batch.id,
        data_rows=result.data_rows,
        stored=result.stored,
        updated=result.updated,
        before_contract_start=result.before_contract_start,
        already_present=result.already_present,
    )
    return result


def refusal(result: OrderImportResult) -> Invalid:
    """A refused import as the API's error: the findings (or the unreadable rows) in its details.

    The CLI's ``--json`` prints the summary itself (DESIGN.md); over HTTP a refusal has the one error shape.
    """
    details = {"findings": result.findings, "errors": result.errors, "data_rows": result.data_rows}
    if result.findings:
        message = (
            f"Filen avvisades: {len(result.findings)} celler innehåller personuppgifter "
            f"({describe(f['kind'] for f in result.findings)}). Ingenting sparades. "
            "Ta bort uppgifterna och exportera på nytt."
        )
        return Invalid("personal_data", message, details)
    message = (
        f"Filen avvisades: {len(result.errors)} rader kan inte läsas. Ingenting sparades. "
        "Rätta raderna och exportera på nytt."
    )
    return Invalid("invalid_rows", message, details)


def _findings(sheets, pattern) -> list[dict]:
    findings = []
    for sheet, rows in sheets:
        structured = {index: f for f, index in sheet.columns.items() if f in STRUCTURED}
        for number, cells in rows:
            for index, cell in enumerate(cells):
                # numbers and dates too: an identity number typed without a dash is a number cell
                text = values.text(cell)
                if text is None:
                    continue
                where = {"sheet": sheet.name, "row": number, "column": sheet.headers[index]}
                if index in structured:
                    field_name = structured[index]
                    kind = check_structured(STRUCTURED[field_name], text, **_pattern(pattern, field_name))
                    if kind:
                        findings.append({**where, "kind": kind})
                    continue
                findings.extend({**where, "kind": kind} for kind in sorted({f.kind for f in find_personal_data(text)}))
    return findings


def _pattern(pattern, field_name) -> dict:
    return {"pattern": pattern} if pattern and field_name == "kundordernummer" else {}


def _parse(sheets) -> tuple[list[dict], list[dict]]:
    suppliers = {p.name.casefold(): code for code, p in profiles().items()}
    lines, errors = [], []
    for sheet, rows in sheets:
        for number, cells in rows:
            try:
                lines.append(_line(sheet.columns, cells, suppliers))
            except values.ValueProblem as problem:
                errors.append({"sheet": sheet.name, "row": number, "message": str(problem)})
    return lines, errors


def _line(columns: dict[str, int], cells: list, suppliers: dict[str, str]) -> dict:
    def cell(name):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    return {
        "kundordernummer": values.text(cell("kundordernummer")),
        "order_date": _required_date(cell("order_date")),
        "supplier": suppliers.get((values.text(cell("supplier")) or "").casefold()) or _fail("okänd leverantör"),
        "article_number": values.article_number(cell("article_number")) or _fail("artikelnummer saknas"),
        "quantity": _quantity(cell("quantity")),
        "made_to_measure": values.yes_no(cell("made_to_measure")),
        "arrived_at_hmc": values.date_value(cell("arrived_at_hmc")),
        "delivered_at": values.date_value(cell("delivered_at")),
    }


def _fail(message: str):
    raise values.ValueProblem(message)


def _required_date(raw) -> date:
    return values.date_value(raw) or _fail("orderdatum saknas")


def _quantity(raw) -> int:
    if isinstance(raw, float) and raw.is_integer() and raw > 0:
        return int(raw)
    text = values.text(raw) or ""
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise values.ValueProblem("antal är inget positivt heltal")


def _store(session: Session, batch: OrderImport, lines: list[dict], start: date, result: OrderImportResult):
    repeats: Counter = Counter()
    keyed = []
    for line in lines:
        if line["order_date"] < start:
            result.before_contract_start += 1
            continue
        identity = (
            line["kundordernummer"],
            line["order_date"].isoformat(),
            line["supplier"],
            line["article_number"],
            line["quantity"],
            line["made_to_measure"],
        )
        repeats[identity] += 1
        key = hashlib.sha256(repr((*identity, repeats[identity])).encode()).hexdigest()
        keyed.append((key, line))
    existing = _existing(session, [key for key, _ in keyed])
    for key, line in keyed:
        present = existing.get(key)
        if present is None:
            session.add(OrderLine(line_key=key, import_id=batch.id, **line))
            result.stored += 1
            continue
        result.already_present += 1
        if (present.arrived_at_hmc, present.delivered_at) != (line["arrived_at_hmc"], line["delivered_at"]):
            present.arrived_at_hmc, present.delivered_at = line["arrived_at_hmc"], line["delivered_at"]
            result.updated += 1
    session.flush()


def _existing(session: Session, keys: list[str]) -> dict[str, OrderLine]:
    found = {}
    for chunk in range(0, len(keys), 500):
        part = keys[chunk : chunk + 500]
        found.update(
            {line.line_key: line for line in session.scalars(select(OrderLine).where(OrderLine.line_key.in_(part)))}
        )
    return found


def purge_orders(session: Session, before: date, *, actor: str) -> dict:
    """Delete order lines dated before ``before`` and order exports (with their files) imported before it.

    The audit entry holds counts only. Flushes; the caller commits.
    """
    lines = session.execute(delete(OrderLine).where(OrderLine.order_date < before)).rowcount
    old = list(session.scalars(select(OrderImport).where(func.date(OrderImport.imported_at) < before)))
    files = {batch.source_file_id for batch in old if batch.source_file_id}
    for batch in old:
        session.delete(batch)
    session.flush()
    used = set(session.scalars(select(OrderImport.source_file_id).where(OrderImport.source_file_id.in_(files))))
    removed_files = session.execute(delete(SourceFile).where(SourceFile.id.in_(files - used))).rowcount
    counts = {"before": before.isoformat(), "lines": lines, "imports": len(old), "files": removed_files}
    record(session, actor=actor, action="orders.purge", object_type="order_lines", **counts)
    return counts


def find_orders(
    session: Session,
    *,
    kundordernummer: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict:
    """Orders (grouped lines) by exact customer order number or by order-date range, newest first, paged."""
    query = select(OrderLine.kundordernummer)
    if kundordernummer:
        query = query.where(OrderLine.kundordernummer == kundordernummer.strip())
    if date_from:
        query = query.where(OrderLine.order_date >= date_from)
    if date_to:
        query = query.where(OrderLine.order_date <= date_to)
    numbers_query = query.group_by(OrderLine.kundordernummer).order_by(
        func.max(OrderLine.order_date).desc(), OrderLine.kundordernummer.desc()
    )
    total = session.scalar(select(func.count()).select_from(numbers_query.subquery()))
    numbers = list(session.scalars(numbers_query.offset((page - 1) * per_page).limit(per_page)))
    lines = session.scalars(
        select(OrderLine).where(OrderLine.kundordernummer.in_(numbers)).order_by(OrderLine.order_date, OrderLine.id)
    ).all()
    grouped: dict[str, list[OrderLine]] = {number: [] for number in numbers}
    for line in lines:
        grouped[line.kundordernummer].append(line)
    return {
        "total": total,
        "page": page,
        "per_page": per_page,
        "orders": [{"kundordernummer": n, "lines": grouped[n]} for n in numbers],
    }


def order_lines(session: Session, kundordernummer: str) -> list[OrderLine]:
    """The lines of one order. Raises NotFound."""
    lines = session.scalars(
        select(OrderLine).where(OrderLine.kundordernummer == kundordernummer.strip()).order_by(OrderLine.id)
    ).all()
    if not lines:
        raise NotFound("order_not_found", f"Ordern {kundordernummer} finns inte i historiken.")
    return list(lines)


def line_view(line: OrderLine) -> dict:
    """An order line with its expected arrival at HMC and at home (working days, Swedish holidays)."""
    from .leadtime import expected_dates

    times = lead_times()
    expected = expected_dates(
        line.order_date,
        line.made_to_measure,
        standard_days=times.standard,
        made_to_measure_days=times.made_to_measure,
        onward_days=times.onward,
    )
    return {
        "supplier": line.supplier,
        "article_number": line.article_number,
        "quantity": line.quantity,
        "made_to_measure": line.made_to_measure,
        "order_date": line.order_date,
        "expected_at_hmc": expected["expected_at_hmc"],
        "arrived_at_hmc": line.arrived_at_hmc,
        "expected_at_home": expected["expected_at_home"],
        "delivered_at": line.delivered_at,
    }
