"""Turn a supplier price list (a workbook of any format, or CSV) into parsed rows, sheet by sheet.

:func:`read_price_list` is a generator of messages, made to run in a child
process (see :mod:`importers.isolation`): first a ``SheetLayout`` per sheet
with a header, then batches of ``ParsedRow``, finally a ``ReadSummary``.
It decides nothing about the contract; it only reads, cleans and flags rows
that cannot be read (``problem``), in the order the verdict rules need.
"""

from __future__ import annotations

import marshal
import re
import resource
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from . import values
from .errors import ImportFileError, unreadable
from .formats import iter_file_sheets
from .profiles import COLOUR_FIELDS, REQUIRED_FIELDS, SupplierProfile, header_key
from .workbook import WorkbookLimits, column_letter

BATCH_SIZE = 5000  # rows per batch at most: the parent stores a batch with one bulk insert
MIN_BATCH_SIZE = 250  # and at least (per-batch overhead), unless the sheet is smaller
PROGRESS_STEPS = 20  # a sheet is sent in about this many batches, so progress moves in steps of 5 %


def batch_size(data_rows: int) -> int:
    """Rows per batch for a sheet of about ``data_rows`` rows: a twentieth of it (each batch is a progress
    step the upload page shows), between MIN_BATCH_SIZE and BATCH_SIZE."""
    return max(MIN_BATCH_SIZE, min(BATCH_SIZE, -(-data_rows // PROGRESS_STEPS)))


# Field names as people read them, in messages.
FIELD_LABELS = {
    "article_number": "artikelnummer",
    "model": "modell",
    "compression_class": "kompressionsklass",
    "price": "pris",
    "colour": "färg",
    "colour_code": "färgkod",
}
# The invalid-row kinds, in the order the verdict rules check them.
PROBLEM_ORDER = (
    "missing_article_number",
    "duplicate_article_number",
    "unknown_compression_class",
    "invalid_price",
    "invalid_date",
    "missing_model",  # e.g. a merged model cell: only its first row holds the value
)


class ParsedRow(NamedTuple):
    """One data row, cleaned: the one definition of a price-list row's fields and their order.

    On the wire from the reader child it is a plain tuple in this field order
    (pickling NamedTuples costs six times as much); hot code indexes it with the
    position constants below, other code can turn a batch back into ParsedRows
    with :func:`parsed_rows`. The stored row's columns (``pricelist_rows``) and
    the cells the privacy guard scans are derived from these fields.

    The text cells from ``gtin`` to ``colour_code`` form one block (TEXT_FIELDS),
    filled by name from the sheet's header: a new optional text column is a field
    in that block, its header aliases in the supplier profiles, and a model column
    with its migration.
    """

    sheet: str
    row: int  # Excel's 1-based row number
    article_number: str | None
    gtin: str | None
    model: str | None
    name: str | None
    garment_type: str | None
    size: str | None
    length: str | None
    colour: str | None
    colour_code: str | None
    compression_class: int | None
    price_ore: int | None
    valid_from: object
    valid_to: object
    problem: tuple[str, str, str] | None  # (kind, column header, message)


# Positions of ParsedRow's fields, for code that handles the plain tuples at full speed.
POSITION = {name: index for index, name in enumerate(ParsedRow._fields)}
SHEET = POSITION["sheet"]
ROW = POSITION["row"]
ARTICLE_NUMBER = POSITION["article_number"]
MODEL = POSITION["model"]
COLOUR = POSITION["colour"]
COLOUR_CODE = POSITION["colour_code"]
COMPRESSION_CLASS = POSITION["compression_class"]
PRICE_ORE = POSITION["price_ore"]
VALID_FROM = POSITION["valid_from"]
VALID_TO = POSITION["valid_to"]
PROBLEM = POSITION["problem"]
# The text cells after the article number, read by name from the header (see ParsedRow).
TEXT_FIELDS = ParsedRow._fields[ARTICLE_NUMBER + 1 : COMPRESSION_CLASS]

_as_parsed_row = partial(tuple.__new__, ParsedRow)


def parsed_rows(batch: RowBatch) -> list[ParsedRow]:
    """A batch as received from :func:`read_price_list`, as ParsedRows."""
    return list(map(_as_parsed_row, batch.rows()))


class RowBatch:
    """Parsed rows on their way from the reader child: marshal-encoded, three times cheaper than pickle.

    marshal knows no dates, so validity dates travel as ordinals and are
    restored by :meth:`rows`.
    """

    __slots__ = ("data", "has_dates", "size")

    def __init__(self, data: bytes, has_dates: bool, size: int):
        self.data, self.has_dates, self.size = data, has_dates, size

    @classmethod
    def of(cls, rows: list[tuple]) -> RowBatch:
        has_dates = any(row[VALID_FROM] is not None or row[VALID_TO] is not None for row in rows)
        if has_dates:
            rows = [_dates_as(row, date.toordinal) for row in rows]
        return cls(marshal.dumps(rows), has_dates, len(rows))

    def rows(self) -> list[tuple]:
        """The rows as ParsedRow-ordered tuples."""
        rows = marshal.loads(self.data)
        if self.has_dates:
            rows = [_dates_as(row, date.fromordinal) for row in rows]
        return rows

    def __len__(self) -> int:
        return self.size

    def __reduce__(self):
        return (RowBatch, (self.data, self.has_dates, self.size))


def _dates_as(row: tuple, convert) -> tuple:
    if row[VALID_FROM] is None and row[VALID_TO] is None:
        return row
    valid_from, valid_to = (None if v is None else convert(v) for v in (row[VALID_FROM], row[VALID_TO]))
    return (*row[:VALID_FROM], valid_from, valid_to, *row[PROBLEM:])


@dataclass(frozen=True)
class SheetLayout:
    name: str
    header_row: int
    columns: dict[str, str]  # field → header text as written in the file
    indexes: dict[str, int]  # field → 0-based column index
    last_row: int = 0  # the sheet's last row number, for progress


@dataclass
class ReadSummary:
    data_rows: int = 0
    skipped_rows: int = 0
    skipped_sheets: list[str] = field(default_factory=list)
    colour_counts: Counter = field(default_factory=Counter)
    peak_rss_mb: float = 0.0  # of the process that read the file


def read_price_list(
    path: Path,
    profile: SupplierProfile,
    others: tuple[SupplierProfile, ...] = (),
    max_rows: int = WorkbookLimits.max_rows,
    max_price_sek=values.MAX_PRICE_SEK,
) -> Iterator:
    """Yield SheetLayout, RowBatches (of ParsedRow-ordered tuples), then one ReadSummary.

    A price above ``max_price_sek`` makes its row invalid (``invalid_price``), like a price that
    is not a number.

    Raises ImportFileError when a sheet has a header missing a required column,
    when no sheet has a header, when the headers fit another supplier's
    profile better than ``profile`` (kind ``wrong_supplier``), when a sheet has
    more than ``max_rows`` rows, or when a text cell holds a control character.
    """
    summary = ReadSummary()
    state = _RowState(max_price_sek)
    found_header = False
    incomplete: ImportFileError | None = None
    for sheet_name, height, rows in iter_file_sheets(path, max_rows):
        layout = _find_header(sheet_name, height, rows, profile, others)
        if isinstance(layout, ImportFileError):
            incomplete = incomplete or layout
            layout = None
        if layout is None:
            summary.skipped_sheets.append(sheet_name)
            continue
        found_header = True
        yield layout
        yield from _parse_sheet(layout, rows, state, summary)
    if not found_header:
        if incomplete is not None:
            raise incomplete
        raise unreadable(
            "Ingen flik i arbetsboken har en igenkännbar rubrikrad för en prislista. Kontrollera att "
            "prislistan har en rubrikrad med artikelnummer, modell, kompressionsklass, färg och pris.",
            skipped_sheets=summary.skipped_sheets,
        )
    summary.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    yield summary


def _find_header(sheet_name, height, rows, profile, others):
    """Scan the first rows for the header; the layout, or None for a sheet without one.

    A sheet that names most of the required columns but misses one is a price
    list with a missing column: that raises. A sheet with a few known names
    (a change log: date, article, price) gives back its error instead, raised
    only when no other sheet has a complete header. Consumes ``rows`` up to and
    including the header row.
    """
    index = profile.header_index()
    scanned: list[list] = []
    best: tuple[int, int] = (0, -1)
    for row in rows:
        scanned.append(row)
        fields = _map_header(row, index, profile.own_header_keys())
        if _is_complete(fields):
            _refuse_other_supplier(row, profile, others)
            number = len(scanned)
            return _layout(sheet_name, number, row, fields, height)
        best = max(best, (len(fields), len(scanned) - 1))
        if len(scanned) >= profile.header_scan_rows:
            break
    if best[0] >= 3:
        row = scanned[best[1]]
        _refuse_other_supplier(row, profile, others)
        error = _missing_columns(sheet_name, best[1] + 1, row, profile)
        if len(error.details["missing"]) <= 1:
            raise error
        return error
    return None


def _map_header(row, index, own_keys) -> dict[str, int]:
    """Field → column index for one candidate row; a profile's own names win."""
    fields: dict[str, int] = {}
    own: set[str] = set()
    for position, cell in enumerate(row):
        key = header_key(cell)
        field_name = index.get(key)
        if field_name is None:
            continue
        if field_name not in fields or (key in own_keys and field_name not in own):
            fields[field_name] = position
            if key in own_keys:
                own.add(field_name)
    return fields


def _is_complete(fields) -> bool:
    return all(f in fields for f in REQUIRED_FIELDS) and any(f in fields for f in COLOUR_FIELDS)


def _layout(sheet_name, number, row, fields, height) -> SheetLayout:
    columns = {f: values.clean_text(str(row[i])) for f, i in fields.items()}
    return SheetLayout(sheet_name, number, columns, dict(fields), height)


def _refuse_other_supplier(row, profile, others) -> None:
    keys = {header_key(c) for c in row} - {""}
    own_score = len(keys & profile.own_header_keys())
    for other in others:
        if other.code == profile.code:
            continue
        score = len(keys & other.own_header_keys())
        if score > own_score and _is_complete(_map_header(row, other.header_index(), other.own_header_keys())):
            raise ImportFileError(
                "wrong_supplier",
                f"Rubrikerna liknar {other.name}s prislista mer än {profile.name}s. "
                f"Kontrollera vald leverantör (troligen {other.code}).",
                {"likely_supplier": other.code},
            )


def _missing_columns(sheet_name, number, row, profile) -> ImportFileError:
    fields = _map_header(row, profile.header_index(), profile.own_header_keys())
    missing = [f for f in REQUIRED_FIELDS if f not in fields]
    if not any(f in fields for f in COLOUR_FIELDS):
        missing.append("colour")
    tried = {f: list(profile.header_names(f)) for f in missing}
    tried_text = "; ".join(f"{FIELD_LABELS[f]}: {', '.join(n)}" for f, n in tried.items())
    found = [values.clean_text(str(c)) for c in row if not values.is_empty(c)]
    return unreadable(
        f"Flik {sheet_name!r} rad {number}: obligatorisk kolumn saknas "
        f"({', '.join(FIELD_LABELS[f] for f in missing)}). Rubriker i filen: {', '.join(found)}. "
        f"Namn som prövades: {tried_text}. Lägg till kolumnen eller ge rubriken ett av de prövade namnen.",
        sheet=sheet_name,
        row=number,
        missing=missing,
        headers_found=found,
        names_tried=tried,
    )


class _RowState:
    """What the reader remembers across sheets: article numbers seen so far."""

    def __init__(self, max_price_sek=values.MAX_PRICE_SEK):
        # Article number → where it was first seen, as one int (see place): a million (sheet, row) tuples
        # would take about 60 MB more of the reader's memory at its peak.
        self.seen: dict[str, int] = {}
        self.sheets: list[str] = []
        self.class_cache: dict[object, int | None] = {}
        # Raw text cell → its cleaned value (None when blank). A list repeats few texts (models, colours,
        # sizes) in hundreds of thousands of rows; cleaning each once halves the reader's work. Unique
        # texts (GTINs) would grow it with the file, so it is emptied when it reaches TEXT_MEMO_SIZE.
        self.texts: dict[str, str | None] = {}
        self.max_price_sek = max_price_sek
        self.max_price_ore = values.max_price_ore(max_price_sek)

    def sheet_place(self, sheet: str) -> int:
        """The number that, plus a row number, is a place in ``seen``."""
        if sheet not in self.sheets:
            self.sheets.append(sheet)
        return self.sheets.index(sheet) << ROW_BITS

    def first_place(self, article: str) -> tuple[str, int]:
        """(sheet, row) where ``article`` was first seen."""
        place = self.seen[article]
        return self.sheets[place >> ROW_BITS], place & ((1 << ROW_BITS) - 1)


ROW_BITS = 32  # more than any sheet's rows (CSV files too)


def _parse_sheet(layout, rows, state, summary) -> Iterator[list[ParsedRow]]:
    batch: list[ParsedRow] = []
    pending_empty = 0
    number = layout.header_row
    parse = _row_parser(layout, state, summary)
    size = batch_size(layout.last_row - layout.header_row)
    i_article, i_model = layout.indexes["article_number"], layout.indexes["model"]
    widest = max(i_article, i_model)
    for row in rows:
        number += 1
        # Most rows have an article number and a model: two filled cells, no scan needed.
        filled = (
            2 if widest < len(row) and _is_filled(row[i_article]) and _is_filled(row[i_model]) else (_filled_cells(row))
        )
        if filled == 0:
            pending_empty += 1
            continue
        summary.skipped_rows += pending_empty
        pending_empty = 0
        if filled < 2:
            summary.skipped_rows += 1
            continue
        batch.append(parse(row, number))
        if len(batch) >= size:
            refuse_control_characters(batch, layout)
            summary.data_rows += len(batch)
            yield RowBatch.of(batch)
            batch = []
    if batch:
        refuse_control_characters(batch, layout)
        summary.data_rows += len(batch)
        yield RowBatch.of(batch)


# C0 and C1 control characters other than tab, line feed and carriage return (which Excel itself writes
# in wrapped cells), and the bidirectional overrides and isolates that make text display other than it reads.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TEXT_POSITIONS = {POSITION[name]: name for name in ("article_number", *TEXT_FIELDS)}
_pick_text_cells = itemgetter(*_TEXT_POSITIONS)


def refuse_control_characters(batch: list[tuple], layout: SheetLayout) -> None:
    """Raise ImportFileError naming the first cell of the batch whose text holds a control character.

    The batch's distinct texts are searched at once (C speed); rows are looked
    at one by one only when there is a hit, to say where.
    """
    texts = set().union(*map(_pick_text_cells, batch))
    texts.discard(None)
    if not CONTROL_CHARACTERS.search("\n".join(texts)):
        return
    for row in batch:
        for position, field_name in _TEXT_POSITIONS.items():
            found = CONTROL_CHARACTERS.search(row[position] or "")
            if found:
                raise _control_character_error(layout, row[ROW], field_name, found.group())


def _control_character_error(layout: SheetLayout, number: int, field_name: str, character: str) -> ImportFileError:
    column = layout.columns.get(field_name, field_name)
    cell = f"{column_letter(layout.indexes[field_name])}{number}"
    code = f"U+{ord(character):04X}"
    return unreadable(
        f"Flik {layout.name!r} rad {number} kolumn {column!r} (cell {cell}) innehåller ett osynligt "
        f"styrtecken ({code}). Ta bort tecknet i Excel, spara filen igen och ladda upp den på nytt.",
        sheet=layout.name,
        row=number,
        column=column,
        cell=cell,
        character=code,
    )


def _is_filled(value) -> bool:
    return value != "" and not (value.__class__ is str and value.isspace())


def _filled_cells(row) -> int:
    """0, 1 or 2: how many non-blank cells the row has, counting no further than two."""
    found = 0
    for value in row:
        if value == "" or (value.__class__ is str and value.isspace()):
            continue
        found += 1
        if found == 2:
            break
    return found


def _row_parser(layout: SheetLayout, state: _RowState, summary: ReadSummary):
    """Build the per-row parse function for one sheet.

    This runs once per data row (hundreds of thousands of times), so column
    positions are bound once and the common cases (text cells, float prices,
    cached class spellings) take a fast path before the general cleaners.
    """
    idx = layout.indexes
    cols = layout.columns
    sheet = layout.name
    present = [f for f in TEXT_FIELDS if f in idx]
    pick_texts = _picker([idx[f] for f in present])
    slots = [TEXT_FIELDS.index(f) for f in present]
    widest = max([idx[f] for f in present] + [-1])
    i_article, i_class, i_price = idx["article_number"], idx["compression_class"], idx["price"]
    i_from, i_to = idx.get("valid_from", -1), idx.get("valid_to", -1)
    positions = [idx[f] for f in present]
    all_present = len(present) == len(TEXT_FIELDS)
    text_count = len(TEXT_FIELDS)
    colour_counts = summary.colour_counts
    classes = state.class_cache
    seen = state.seen
    place = state.sheet_place(sheet)
    fast_price_limit = state.max_price_ore / 100  # above it, the full parser gives the reason
    clean = values.clean_text
    known, fresh = state.texts.get, _text_cleaner(state.texts)

    def parse(row, number) -> tuple:
        width = len(row)
        picked = pick_texts(row) if widest < width else _pick_padded(row, positions)
        # Only str keys are stored, so a float or date cell (1.0 == True) never finds another type's value.
        cleaned = [value if (value := known(raw, _MISSING)) is not _MISSING else fresh(raw) for raw in picked]
        if all_present:
            texts = cleaned
        else:
            texts = [None] * text_count
            for slot, value in zip(slots, cleaned, strict=True):
                texts[slot] = value
        model, colour, code = texts[T_MODEL], texts[T_COLOUR], texts[T_COLOUR_CODE]
        raw_article = row[i_article] if i_article < width else ""
        article = (clean(raw_article) or None) if raw_article.__class__ is str else values.text(raw_article)
        if article is not None and article.endswith(".0"):
            article = values.article_number(article)
        raw_class = row[i_class] if i_class < width else ""
        klass = classes.get(raw_class, ...)
        if klass is ...:
            klass = classes[raw_class] = _class_or_none(raw_class)
        raw_price = row[i_price] if i_price < width else ""
        price = None
        if raw_price.__class__ is float and 0 <= raw_price <= fast_price_limit:
            hundredfold = raw_price * 100
            price = round(hundredfold)
            if abs(hundredfold - price) > 1e-6:  # not a whole number of öre: the full parser decides
                price = None
        valid_from = row[i_from] if 0 <= i_from < width else None
        valid_to = row[i_to] if 0 <= i_to < width else None
        colour_counts[(colour, code)] += 1
        if article is None or article in seen or klass is None or price is None or valid_from or valid_to or not model:
            price, valid_from, valid_to, problem = _checked_row(
                (article, raw_class, klass, raw_price, price, valid_from, valid_to, model), sheet, number, state, cols
            )
        else:
            seen[article] = place + number
            problem = valid_from = valid_to = None  # both validity cells are empty here
        return (sheet, number, article, *texts, klass, price, valid_from, valid_to, problem)  # ParsedRow's order

    return parse


TEXT_MEMO_SIZE = 16_384
_MISSING = object()


def _text_cleaner(memo: dict):
    """The cleaning of a text cell not yet in ``memo``, remembering str cells (floats and dates are not kept)."""
    clean = values.clean_text

    def fresh(raw):
        if raw.__class__ is not str:
            return values.text(raw)
        if len(memo) >= TEXT_MEMO_SIZE:
            memo.clear()
        value = memo[raw] = clean(raw) or None
        return value

    return fresh


# Where parse() finds the cells it needs among the text cells.
T_MODEL, T_COLOUR, T_COLOUR_CODE = (TEXT_FIELDS.index(name) for name in ("model", "colour", "colour_code"))


def _checked_row(raw, sheet, number, state, cols):
    """The slow path: every rule for a row that may be invalid. Returns (price, from, to, problem)."""
    article, raw_class, klass, raw_price, price, raw_from, raw_to, model = raw
    problems: list[tuple[str, str, str]] = []
    _check_article(article, sheet, number, state, cols, problems)
    if klass is None:
        message = f"okänd kompressionsklass {_quote(raw_class)}"
        problems.append(("unknown_compression_class", cols["compression_class"], message))
    if price is None:
        price = _price(raw_price, cols, problems, state.max_price_sek)
    valid_from = _date(raw_from, "valid_from", cols, problems) if raw_from else None
    valid_to = _date(raw_to, "valid_to", cols, problems) if raw_to else None
    if not model:
        problems.append(("missing_model", cols["model"], "modell saknas"))
    return price, valid_from, valid_to, (min(problems, key=_problem_rank) if problems else None)


def _picker(positions):
    """A function returning the cells at ``positions`` as a tuple (C speed via itemgetter)."""
    if not positions:
        return lambda row: ()
    getter = itemgetter(*positions)
    return getter if len(positions) > 1 else (lambda row: (getter(row),))


def _pick_padded(row, positions):
    return tuple(row[i] if i < len(row) else "" for i in positions)


def _problem_rank(problem) -> int:
    return PROBLEM_ORDER.index(problem[0])


def _class_or_none(raw):
    try:
        return values.compression_class(raw)
    except values.ValueProblem:
        return None


def _check_article(article, sheet, number, state, cols, problems) -> None:
    column = cols["article_number"]
    if article is None:
        problems.append(("missing_article_number", column, "artikelnummer saknas"))
        return
    if article not in state.seen:
        state.seen[article] = state.sheet_place(sheet) + number
    else:
        first_sheet, first_row = state.first_place(article)
        problems.append(
            (
                "duplicate_article_number",
                column,
                f"artikelnummer {article} förekommer redan på flik {first_sheet!r} rad {first_row}",
            )
        )


def _price(raw, cols, problems, ceiling):
    try:
        return int(values.price(raw, ceiling) * 100)
    except values.PriceTooHigh:
        reason = f"orimligt högt pris {_quote(raw)}: högst {_kronor(ceiling)} kr per artikel"
        problems.append(("invalid_price", cols["price"], reason))
        return None
    except values.ValueProblem as exc:
        reason = "pris saknas" if "empty" in str(exc) else f"priset {_quote(raw)} är inget tal"
        problems.append(("invalid_price", cols["price"], reason))
        return None


def _date(raw, field_name, cols, problems):
    if field_name not in cols:
        return None
    try:
        return values.date_value(raw)
    except values.ValueProblem:
        problems.append(("invalid_date", cols[field_name], f"datumet {_quote(raw)} kan inte läsas"))
        return None


def _kronor(amount) -> str:
    """1000000 as '1 000 000', the way a Swedish reader writes kronor."""
    return f"{int(amount):,}".replace(",", " ")


def _quote(raw) -> str:
    shown = values.text(raw) or ""
    return repr(shown[:40])
