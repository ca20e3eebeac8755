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
from itertools import islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from . import values
from .errors import ImportFileError, unreadable
from .formats import iter_file_sheets
from .profiles import COLOUR_FIELDS, REQUIRED_FIELDS, SupplierProfile, header_key
from .workbook import WorkbookLimits, as_calamine_column, as_calamine_row, column_letter

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
        has_dates = not _NO_DATES.issuperset(map(_pick_dates, rows))  # at C speed
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


_pick_dates = itemgetter(VALID_FROM, VALID_TO)
_NO_DATES = frozenset({(None, None)})


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
    state = RowState(max_price_sek)
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


class RowState:
    """What the reader remembers across sheets: article numbers seen so far."""

    def __init__(self, max_price_sek=values.MAX_PRICE_SEK):
        # Article number → where it was first seen, as one int (see place): a million (sheet, row) tuples
        # would take about 60 MB more of the reader's memory at its peak.
        self.seen: dict[str, int] = {}
        self.sheets: list[str] = []
        self.class_cache = _ClassMemo()
        # A list repeats few texts (models, colours, sizes) in hundreds of thousands of rows: each is cleaned once.
        self.texts = _TextMemo()
        self.pending_blank = 0  # blank rows not yet counted as skipped (a non-blank row must follow them)
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


def _parse_sheet(layout, rows, state, summary) -> Iterator[RowBatch]:
    """The sheet's data rows below the header, parsed, in RowBatches of ``batch_size`` rows.

    Rows are taken CHUNK_ROWS at a time and cleaned column by column (see _chunk_parser):
    per-cell work runs in C (``map``, ``zip``, dict look-ups) wherever the rules allow.
    """
    batch: list[tuple] = []
    number = layout.header_row
    size = batch_size(layout.last_row - layout.header_row)
    parse = chunk_parser(layout, state, summary)
    take = _taker(rows)
    state.pending_blank = 0  # blank rows at the end of the previous sheet were not data rows' neighbours
    while chunk := take(CHUNK_ROWS):
        batch.extend(parse(chunk, number + 1))
        number += len(chunk)
        while len(batch) >= size:
            yield _sent(batch[:size], layout, summary)
            del batch[:size]
    if batch:
        yield _sent(batch, layout, summary)


CHUNK_ROWS = 1000  # rows cleaned together: large enough for C-speed columns, small enough to stream


def _taker(rows):
    """A function giving the next rows (at most n; none at the end) and whether they need python-calamine's values.

    A streamed .xlsx sheet gives its rows as streamed (whole numbers as ints, error cells as their words),
    which the chunk parser makes python-calamine's column by column; any other reader's rows are taken as
    they are.
    """
    take_raw = getattr(rows, "take_raw", None)
    if take_raw is not None:
        return lambda n: Chunk(take_raw(n), streamed=True)
    return lambda n: Chunk(list(islice(rows, n)), streamed=False)


class Chunk(list):
    """Consecutive raw rows of a sheet, and whether they are as streamed (see _taker)."""

    def __init__(self, rows, *, streamed: bool):
        super().__init__(rows)
        self.streamed = streamed


def _sent(batch: list[tuple], layout: SheetLayout, summary: ReadSummary) -> RowBatch:
    refuse_control_characters(batch, layout)
    summary.data_rows += len(batch)
    return RowBatch.of(batch)


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


def chunk_parser(layout: SheetLayout, state: RowState, summary: ReadSummary, *, every_row_is_data: bool = False):
    """Build the function that turns a chunk of raw rows into ParsedRow-ordered tuples (its data rows only;
    with ``every_row_is_data``, every row: a Peppol catalogue's lines are all data rows).

    This runs for every row of the file, so it works a column at a time: the columns the
    sheet's layout uses are cut out of the chunk with ``zip``, cleaned through memos at C
    speed, and zipped back into rows. Only rows that may be invalid (see the check in
    ``parse``) go one by one through every rule (_checked_row), in file order, since a
    repeated article number depends on the rows before it.
    """
    idx = layout.indexes
    cols = layout.columns
    sheet = layout.name
    present = [f for f in TEXT_FIELDS if f in idx]
    text_columns = [idx[f] for f in present]
    i_article, i_model, i_class, i_price = idx["article_number"], idx["model"], idx["compression_class"], idx["price"]
    i_from, i_to = idx.get("valid_from"), idx.get("valid_to")
    used = sorted({i_article, i_class, i_price, *text_columns} | {i for i in (i_from, i_to) if i is not None})
    colour_counts = summary.colour_counts
    seen = state.seen
    place = state.sheet_place(sheet)
    fast_price_limit = state.max_price_ore / 100  # above it, the full parser gives the reason
    texts, classes = state.texts, state.class_cache
    absent = [None]

    def parse(chunk: Chunk, first: int) -> list[tuple]:
        columns = _columns(chunk, used)
        articles = _article_texts(columns[i_article])
        models = list(map(texts.__getitem__, columns[i_model]))
        keep = None if every_row_is_data else _data_rows(chunk, articles, models, summary, state)
        if keep is None:  # every row is a data row
            numbers = list(range(first, first + len(chunk)))
        elif keep:
            numbers = [first + j for j in keep]
            articles, models = [articles[j] for j in keep], [models[j] for j in keep]
            columns = {i: [column[j] for j in keep] for i, column in columns.items()}
        else:
            return []
        count = len(numbers)
        cleaned = {i: models if i == i_model else _cleaned_texts(columns[i], texts) for i in text_columns}
        text_cells = [cleaned[idx[f]] if f in idx else absent * count for f in TEXT_FIELDS]
        raw_classes, raw_prices = columns[i_class], columns[i_price]
        klasses = list(map(classes.__getitem__, raw_classes))
        prices = _fast_prices(raw_prices, fast_price_limit)
        froms = list(columns[i_from]) if i_from is not None else absent * count
        tos = list(columns[i_to]) if i_to is not None else absent * count
        problems = absent * count
        colour_counts.update(zip(text_cells[T_COLOUR], text_cells[T_COLOUR_CODE], strict=True))
        if _all_plain(articles, models, klasses, prices, froms, tos, seen):
            seen.update(zip(articles, [place + number for number in numbers], strict=True))
            froms = tos = absent * count  # both validity cells are empty (a 0 or '' is)
        else:
            for j, article in enumerate(articles):
                if (
                    article is None
                    or article in seen
                    or None in (klasses[j], prices[j], models[j])
                    or froms[j]
                    or tos[j]
                ):
                    raw = (article, raw_classes[j], klasses[j], raw_prices[j], prices[j], froms[j], tos[j], models[j])
                    prices[j], froms[j], tos[j], problems[j] = _checked_row(raw, sheet, numbers[j], state, cols)
                else:
                    seen[article] = place + numbers[j]
                    froms[j] = tos[j] = None
        row_parts = (numbers, articles, *text_cells, klasses, prices, froms, tos, problems)  # ParsedRow's order
        return list(zip(repeat(sheet, count), *row_parts, strict=False))  # repeat() is endless

    return parse


def _columns(chunk: Chunk, used: list[int]) -> dict[int, list | tuple]:
    """The ``used`` columns of the chunk (index → cells), as python-calamine gives them.

    Only these are cut out (a row may be 16,384 cells wide); cells past a short row's end are empty.
    """
    width = used[-1] + 1
    rows = chunk
    if min(map(len, chunk)) < width:
        rows = [row if len(row) >= width else [*row, *([""] * (width - len(row)))] for row in chunk]
    columns = dict(zip(used, zip(*map(itemgetter(*used), rows), strict=True), strict=True))
    if chunk.streamed:
        return {i: as_calamine_column(column) for i, column in columns.items()}
    return columns


def _all_plain(articles, models, klasses, prices, froms, tos, seen) -> bool:
    """True when no row of the chunk can be invalid (checked at C speed): every rule passes without a look."""
    return (
        None not in articles
        and None not in models
        and None not in klasses
        and None not in prices
        and not any(froms)
        and not any(tos)
        and seen.keys().isdisjoint(articles)
        and len(set(articles)) == len(articles)
    )


def _data_rows(chunk: Chunk, articles: list, models: list, summary, state) -> list[int] | None:
    """Which rows of the chunk are data rows (their positions; None for all of them).

    A row with an article number and a model is one. Other rows are looked at whole: blank rows
    and one-cell rows are counted in ``summary.skipped_rows`` the way DESIGN.md says, blank rows
    only when a non-blank row follows them (``state.pending_blank`` carries them to the next chunk).
    """
    # Cleaned texts are None for blank cells (and for cells of format characters only, which count as filled).
    if None not in articles and None not in models:
        summary.skipped_rows += state.pending_blank
        state.pending_blank = 0
        return None
    keep = []
    for j, row in enumerate(chunk):
        cells = 2 if articles[j] is not None and models[j] is not None else None
        if cells is None:
            cells = _filled_cells(as_calamine_row(row) if chunk.streamed else row)
        if cells == 0:
            state.pending_blank += 1
            continue
        summary.skipped_rows += state.pending_blank + (cells == 1)
        state.pending_blank = 0
        if cells == 2:
            keep.append(j)
    return keep


def _article_texts(cells) -> list[str | None]:
    """Each cell's article number (see _article_text); plain ASCII text cells in a C-speed comprehension."""
    articles = [
        (cell.strip() or None) if cell.__class__ is str and cell.isascii() else _article_text(cell) for cell in cells
    ]
    if ".0\n" in "\n".join(filter(None, articles)) + "\n":  # '1234.0' read as 1234 (values.article_number)
        articles = [_article_text(article) if article and article.endswith(".0") else article for article in articles]
    return articles


def _fast_prices(cells, limit: float) -> list[int | None]:
    """Öre for plain float prices of whole öre within the limit; None sends the row to the full parser."""
    return [
        (price if abs((price := round(hundredfold := cell * 100)) - hundredfold) <= 1e-6 else None)
        if cell.__class__ is float and 0 <= cell <= limit
        else None
        for cell in cells
    ]


def _cleaned_texts(cells, memo: _TextMemo) -> list[str | None]:
    """Each text cell cleaned (see values.text): through the memo, or directly for a column of mostly unique
    texts (names, GTINs), where remembering each one would cost more than cleaning it."""
    if len(set(cells)) * 2 <= len(cells):
        return list(map(memo.__getitem__, cells))
    return [(cell.strip() or None) if cell.__class__ is str and cell.isascii() else memo[cell] for cell in cells]


def _article_text(raw) -> str | None:
    article = (raw.strip() if raw.isascii() else values.clean_text(raw)) if raw.__class__ is str else values.text(raw)
    if not article:
        return None
    if article.endswith(".0"):
        return values.article_number(article)
    return article


TEXT_MEMO_SIZE = 16_384


class _TextMemo(dict):
    """Raw text cell → its cleaned value (None when blank); look-ups of known texts stay in C.

    Only str cells are kept: a float or bool cell equal to a kept key (1.0 == True) would otherwise get
    another type's text. Unique texts (GTINs) would grow it with the file, so it is emptied at TEXT_MEMO_SIZE.
    """

    def __missing__(self, raw):
        if raw.__class__ is not str:
            return values.text(raw)
        if len(self) >= TEXT_MEMO_SIZE:
            self.clear()
        value = self[raw] = values.clean_text(raw) or None
        return value


class _ClassMemo(dict):
    """Raw compression-class cell → its class, or None when it is no class."""

    def __missing__(self, raw):
        value = self[raw] = _class_or_none(raw)
        return value


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
