"""Price-list operations: import a supplier's workbook as a draft with a verdict per row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from importers.errors import ImportFileError
from importers.formats import check_file
from importers.isolation import ChildReader
from importers.peppol import check_catalogue, looks_like_xml, read_catalogue
from importers.pricelist import (
    COLOUR,
    COLOUR_CODE,
    MODEL,
    POSITION,
    PROBLEM,
    PROBLEM_ORDER,
    ROW,
    SHEET,
    TEXT_FIELDS,
    ReadSummary,
    SheetLayout,
    read_price_list,
)
from importers.workbook import WorkbookLimits

from ..audit.service import record
from ..config import ReaderLimits
from ..contracts.service import active_contract, max_price_sek, supplier_terms
from ..errors import Conflict, NotFound
from ..files import SourceFile, sha256_of, store_source_file
from ..locks import lock_supplier_imports
from ..privacy.guard import describe, find_personal_data
from ..suppliers import profile_for, profiles
from . import store
from .models import SHORT_FIELDS, ImportStatus, PriceListImport, PriceListRow
from .peppol import catalogue_stream, without_parties
from .reading import child_limits
from .verdicts import EXCLUSIONS, SupplierTerms, Verdict, judge, unknown_colours, unprocured_models

ProgressCallback = Callable[[int, int], None]  # (rows done, rows expected)


@dataclass
class ImportResult:
    """What an import did: the figures of DESIGN.md's summary, and the stored import."""

    supplier: str
    status: str  # draft | dry_run | unchanged
    import_id: int | None
    sha256: str
    data_rows: int
    skipped_rows: int
    skipped_sheets: list[str]
    allowed: int
    excluded: dict[str, int]
    invalid_by_kind: dict[str, int]
    unknown_colours: list[dict]
    errors: list[dict] = field(default_factory=list)  # the first SUMMARY_MAX_ERRORS invalid rows
    sheets: list[dict] = field(default_factory=list)
    errors_total: int = 0  # all invalid rows; the rest are read page by page or as a workbook
    links: dict[str, str] = field(default_factory=dict)  # set by the HTTP views: where the rest are
    reader_peak_mb: float = 0.0  # peak memory of the reading child process (0 when nothing was read)
    changes: dict | None = None  # a Peppol Update catalogue: lines added, updated and deleted


def import_price_list(
    session: Session,
    path: Path,
    supplier: str,
    **options,
) -> ImportResult:
    """Import a price list (see :func:`_import_price_list`); of a Peppol catalogue a copy without its
    header parties is stored and hashed, so no contact person of the supplier is ever stored. The
    reader reads the file as sent (its lines are the copy's, byte for byte) and keeps nothing of the parties."""
    if looks_like_xml(path):
        started = options.get("started")
        if started is not None and started.origin == path and started.owned_file is not None:
            # started early, with its copy without parties (reading.py), which the reader removes at close
            return _import_price_list(session, started.owned_file, supplier, catalogue=True, read_from=path, **options)
        with without_parties(path) as copy:
            return _import_price_list(session, copy, supplier, catalogue=True, read_from=path, **options)
    return _import_price_list(session, path, supplier, catalogue=False, **options)


def _import_price_list(
    session: Session,
    path: Path,
    supplier: str,
    *,
    catalogue: bool,
    actor: str,
    filename: str | None = None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    limits: ReaderLimits | None = None,
    started: ChildReader | None = None,
    read_from: Path | None = None,
) -> ImportResult:
    """Import a price list as the supplier's new draft, judging every data row.

    A byte-identical file already imported for the supplier under the active
    contract is recognised and nothing new is made (status ``unchanged``).
    Raises NotFound for an unknown supplier, Conflict without an active
    contract, Conflict while another import of the supplier runs (on SQLite: any
    other import), ImportFileError for a file that cannot be read. Flushes only:
    the caller commits, or rolls back (which is what ``dry_run`` callers do).

    ``limits``: what reading the workbook may use (the view or command passes the
    READER_* settings, ``ReaderLimits.from_config``); None means the defaults.

    ``started``: a reader child the caller started before it was ready to call this (the command line
    starts it before building the app: reading.py). It is used only when it reads exactly
    what this import would read (same file, profiles, limits and price ceiling); otherwise a reader is
    started here as usual. The caller closes it.

    ``read_from``: the file the reader reads when it is not ``path`` (a catalogue is read as sent; its copy
    without parties, ``path``, is what is stored and hashed).
    """
    limits = limits or ReaderLimits()
    profile = profile_for(supplier)
    max_rows = limits.max_rows
    (check_catalogue if catalogue else check_file)(path, WorkbookLimits(max_rows=max_rows))
    lock_supplier_imports(session, profile.code)
    contract = active_contract(session)
    digest = sha256_of(path)
    existing = _same_file_import(session, profile.code, digest, contract.id)
    if existing is not None and not dry_run:
        return summarise(session, existing, status="unchanged")
    terms = supplier_terms(contract, profile.code)
    if not terms.models:
        raise Conflict(
            "not_in_contract",
            f"{profile.name} har inga upphandlade modeller i det aktiva avtalet. Kontrollera avtalet och leverantören.",
        )
    # The reader starts now (unless it was started early) and reads while the file is stored.
    target = read_catalogue if catalogue else read_price_list
    args = (read_from or path, profile, tuple(profiles().values()), max_rows, max_price_sek())
    wanted = child_limits(limits)
    changes: dict = {}
    if started is not None and started.call == (target, args, wanted):
        reader = started
    else:
        reader = ChildReader(target, *args, limits=wanted)
    with reader:
        stream = catalogue_stream(session, profile.code, contract.id, reader, changes) if catalogue else reader
        draft = PriceListImport(
            supplier=profile.code,
            status=ImportStatus.draft,
            contract_id=contract.id,
            created_by=actor,
            source_file=store_source_file(session, path, digest, filename, fallback="prislista.xlsx"),
        )
        session.add(draft)
        session.flush()
        reader_peak_mb = _judge_and_store(session, draft, stream, terms, progress)
    if not dry_run:
        _supersede_older_drafts(session, draft)
        record(
            session,
            actor=actor,
            action="pricelist.import",
            object_type="pricelist_import",
            object_id=draft.id,
            supplier=draft.supplier,
            sha256=digest,
            data_rows=draft.data_rows,
            allowed=draft.allowed,
            **({"changes": changes} if changes else {}),
        )
    result = summarise(session, draft, status="dry_run" if dry_run else "draft")
    result.reader_peak_mb = reader_peak_mb
    result.changes = changes or None
    return result


def _same_file_import(session: Session, supplier: str, digest: str, contract_id: int):
    return session.scalar(
        select(PriceListImport)
        .join(SourceFile)
        .where(
            PriceListImport.supplier == supplier,
            SourceFile.sha256 == digest,
            PriceListImport.contract_id == contract_id,
            PriceListImport.status != ImportStatus.superseded,
        )
        .order_by(PriceListImport.id.desc())
        .limit(1)
    )


@dataclass
class _Tally:
    findings: list = field(default_factory=list)  # personal data found in cells: sheet, row, column, kind
    clean: set = field(default_factory=set)  # text values already scanned and found clean
    verdicts: Counter = field(default_factory=Counter)
    invalid: Counter = field(default_factory=Counter)
    non_base: Counter = field(default_factory=Counter)
    rows: int = 0
    expected: int = 0


def _judge_and_store(session, draft: PriceListImport, stream, terms: SupplierTerms, progress) -> float:
    tally = _Tally()
    layouts: list[dict] = []
    columns: dict[str, dict[str, str]] = {}
    summary: ReadSummary | None = None
    for message in stream:
        if isinstance(message, SheetLayout):
            layouts.append({"sheet": message.name, "header_row": message.header_row, "columns": message.columns})
            columns[message.name] = message.columns
            tally.expected += max(message.last_row - message.header_row, 0)
            if progress:  # the sheet is read: the bar can show how many rows are coming
                progress(tally.rows, max(tally.expected, tally.rows))
        elif isinstance(message, ReadSummary):
            summary = message
        else:
            rows = message.rows()
            _scan_text_cells(rows, columns, tally)
            _store_batch(session, draft.id, rows, terms, tally)
            tally.rows += len(message)
            if progress:
                progress(tally.rows, max(tally.expected, tally.rows))
    if tally.findings:
        raise personal_data_refusal(tally.findings)
    _finish(draft, tally, layouts, summary, terms)
    session.flush()
    return summary.peak_rss_mb


def _store_batch(session, import_id: int, rows: list[tuple], terms: SupplierTerms, tally: _Tally) -> None:
    """Judge a batch (ParsedRow-ordered tuples) and write it: full rows, and short ones for unprocured models."""
    full, short = [], []
    verdicts = tally.verdicts
    unprocured = unprocured_models(set(map(_pick_model, rows)), terms)
    for row in rows:
        if row[PROBLEM] is None and row[MODEL] in unprocured:  # judge() would say not_procured
            short.append((import_id, *_pick_short(row), NOT_PROCURED))
            continue
        verdict, base, procured = judge(row, terms)
        verdicts[verdict] += 1
        problem = row[PROBLEM]
        if problem is not None:
            tally.invalid[problem[0]] += 1
        elif verdict is Verdict.non_base_colour:
            tally.non_base[(row[COLOUR], row[COLOUR_CODE])] += 1
        procured_id = None if procured is None else procured.procured_model_id
        full.append((import_id, *row[:PROBLEM], base, procured_id, verdict.value, *(problem or NO_PROBLEM)))
    verdicts[Verdict.not_procured] += len(short)
    store.insert_rows(session, full)
    store.insert_short_rows(session, short)


NOT_PROCURED = Verdict.not_procured.value
NO_PROBLEM = (None, None, None)  # reason, error column and message of a readable row
_pick_model = itemgetter(MODEL)
_pick_short = itemgetter(*(POSITION[name] for name in SHORT_FIELDS))
# Free-text cells the privacy guard scans: the text cells but the GTIN (identifiers and numbers are checked by
# their own parsers).
SCANNED = {POSITION[name]: name for name in TEXT_FIELDS if name != "gtin"}


_pick_scanned = itemgetter(*SCANNED)


def _scan_text_cells(rows: list[tuple], columns: dict, tally: _Tally) -> None:
    """Run the privacy guard over the free-text cells; each distinct value is scanned once per import.

    A batch's distinct values are gathered at C speed (a supplier's hundred
    thousand rows hold a few thousand distinct texts); rows are looked at one by
    one only when a value holds personal data, to say where.
    """
    fresh = set().union(*map(_pick_scanned, rows)) - tally.clean
    fresh.discard(None)
    dirty = {}
    for value in fresh:
        kinds = sorted({finding.kind for finding in find_personal_data(value)})
        if kinds:
            dirty[value] = kinds
        else:
            tally.clean.add(value)
    if dirty:
        _locate(rows, columns, dirty, tally.findings)
    _scan_problem_messages(rows, tally)


def _scan_problem_messages(rows: list[tuple], tally: _Tally) -> None:
    """An unreadable price, class or date is quoted in its row's message: quote no personal data."""
    for row in rows:
        problem = row[PROBLEM]
        if problem is None or problem[2] in tally.clean:
            continue
        kinds = sorted({finding.kind for finding in find_personal_data(problem[2])})
        if kinds:
            tally.findings.extend(
                {"sheet": row[SHEET], "row": row[ROW], "column": problem[1], "kind": k} for k in kinds
            )
        else:
            tally.clean.add(problem[2])


def _locate(rows: list[tuple], columns: dict, dirty: dict[str, list[str]], findings: list[dict]) -> None:
    for row in rows:
        for position, field_name in SCANNED.items():
            kinds = dirty.get(row[position])
            if kinds:
                column = columns.get(row[SHEET], {}).get(field_name, field_name)
                findings.extend({"sheet": row[SHEET], "row": row[ROW], "column": column, "kind": k} for k in kinds)


def personal_data_refusal(findings: list[dict]) -> ImportFileError:
    """The refusal of a file with personal data: where and what kind, never the value."""
    first = findings[0]
    return ImportFileError(
        "personal_data",
        f"Filen innehåller personuppgifter ({describe([f['kind'] for f in findings])}) i {len(findings)} celler, "
        f"första på flik {first['sheet']!r} rad {first['row']} kolumn {first['column']!r}. "
        "Ta bort uppgifterna och ladda upp filen igen. Ingenting sparades.",
        {"findings": findings[:1000], "total": len(findings)},
    )


def _finish(draft, tally: _Tally, layouts, summary: ReadSummary, terms) -> None:
    draft.data_rows = summary.data_rows
    draft.skipped_rows = summary.skipped_rows
    draft.skipped_sheets = list(summary.skipped_sheets)
    draft.allowed = tally.verdicts[Verdict.allowed]
    draft.excluded = {v.value: tally.verdicts[v] for v in EXCLUSIONS}
    draft.invalid_by_kind = {k: tally.invalid[k] for k in PROBLEM_ORDER if tally.invalid[k]}
    draft.unknown_colours = unknown_colours(tally.non_base, summary.colour_counts, terms)
    draft.layout = layouts


def _supersede_older_drafts(session: Session, draft: PriceListImport) -> None:
    session.execute(
        update(PriceListImport)
        .where(
            PriceListImport.supplier == draft.supplier,
            PriceListImport.status == ImportStatus.draft,
            PriceListImport.id != draft.id,
        )
        .values(status=ImportStatus.superseded)
    )


def summarise(session: Session, draft: PriceListImport, *, status: str) -> ImportResult:
    """The summary of a stored import, with its first invalid rows as errors and the count of all of them.

    The error list is bounded (SUMMARY_MAX_ERRORS, 100 by default): a million invalid rows in one
    response would hold a web worker and its memory for as long as it takes to build it.
    """
    errors = [
        {
            "sheet": r.sheet,
            "row": r.row_number,
            "column": r.error_column,
            "message": r.error_message,
            "kind": r.reason,
            "article_number": r.article_number,
        }
        for r in invalid_rows(session, draft.id, limit=_max_errors())
    ]
    return ImportResult(
        supplier=draft.supplier,
        status=status,
        import_id=None if status == "dry_run" else draft.id,
        sha256=draft.source_file.sha256,
        data_rows=draft.data_rows,
        skipped_rows=draft.skipped_rows,
        skipped_sheets=list(draft.skipped_sheets),
        allowed=draft.allowed,
        excluded=dict(draft.excluded),
        invalid_by_kind=dict(draft.invalid_by_kind),
        unknown_colours=list(draft.unknown_colours),
        errors=errors,
        sheets=list(draft.layout),
        errors_total=draft.excluded.get(Verdict.invalid_row.value, 0),
    )


def _max_errors() -> int:
    from flask import current_app, has_app_context

    config = current_app.config if has_app_context() else {}
    return int(config.get("SUMMARY_MAX_ERRORS", 100))


def invalid_rows(session: Session, import_id: int, *, limit: int | None = None, offset: int = 0) -> list:
    """The import's invalid rows in file order (sheet, row, column, message, kind, article number).

    ``limit`` and ``offset`` select one page of them; without a limit, all.
    """
    return session.execute(
        select(
            PriceListRow.sheet,
            PriceListRow.row_number,
            PriceListRow.error_column,
            PriceListRow.error_message,
            PriceListRow.reason,
            PriceListRow.article_number,
        )
        .where(PriceListRow.import_id == import_id, PriceListRow.verdict == Verdict.invalid_row)
        .order_by(PriceListRow.id)
        .limit(limit)
        .offset(offset)
    ).all()


def get_import(session: Session, import_id: int) -> PriceListImport:
    """One stored import. Raises NotFound."""
    found = session.get(PriceListImport, import_id)
    if found is None:
        raise NotFound("import_not_found", f"Importen {import_id} finns inte.")
    return found


def list_imports(session: Session, *, supplier: str | None = None, limit: int = 50) -> list[PriceListImport]:
    """The latest imports, newest first, optionally for one supplier."""
    query = select(PriceListImport).order_by(PriceListImport.id.desc()).limit(limit)
    if supplier:
        query = query.where(PriceListImport.supplier == profile_for(supplier).code)
    return list(session.scalars(query))
