"""Reading a Peppol BIS Catalogue 3 document (UBL 2.1 ``Catalogue``) as price-list rows.

One ``cac:CatalogueLine`` is one data row. The line's item gives the article
number, GTIN, name, price and validity; model, compression class, garment type,
size, length and colours come from ``cac:AdditionalItemProperty`` elements whose
``cbc:Name`` the supplier's profile recognises exactly as it recognises a column
header. The lines become the same cells a workbook row gives and go through the
same row parser (:func:`importers.pricelist.chunk_parser`), so cleaning, invalid-
row rules and the messages the service receives are the workbook's.

The header's parties (provider, receiver, seller, customer and their contacts:
names, phones, e-mails) are never read: the parser skips and drops them as it
streams. Parsing is lxml's, incremental, with no DTD, no entities and no network
(a declaration is refused before parsing), so a large catalogue stays flat in
memory; it runs in the same child process, with the same limits, as a workbook
(:mod:`importers.isolation`). defusedxml's parser, tried first, builds the tree in
Python and read a 23,000-line catalogue six times slower than calamine reads the
same list as .xlsx.
"""

from __future__ import annotations

import os
import re
import resource
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from lxml import etree

from . import values
from .catalogue_chunks import LineBlock, Reading, chunk_blocks
from .errors import unreadable, unsupported
from .pricelist import (
    BATCH_SIZE,
    CHUNK_ROWS,
    PRICE_ORE,
    PROBLEM,
    Chunk,
    ReadSummary,
    RowBatch,
    RowState,
    SheetLayout,
    chunk_parser,
    refuse_control_characters,
)
from .profiles import COLOUR_FIELDS, SupplierProfile, header_key
from .workbook import WorkbookLimits, _as_utf8

CAT = "urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOT = f"{{{CAT}}}Catalogue"
LINE = f"{{{CAC}}}CatalogueLine"
ACTION = f"{{{CBC}}}ActionCode"
SHEET = "Katalog"  # the "sheet" of every row read from a catalogue; the row is the line's position
GTIN_SCHEME = "0160"
ASK_FOR_CATALOGUE = "Be leverantören om en Peppol BIS Catalogue 3-fil (UBL Catalogue) eller en Excel-prislista."

# The row cells a line fills, in this order; each with the place in the line it comes from (used as the
# "column" in messages). The property fields are looked up by the names of the supplier's profile.
FIXED_CELLS = {
    "article_number": "Item/SellersItemIdentification/ID",
    "gtin": "Item/StandardItemIdentification/ID",
    "name": "Item/Name",
    "price": "Price/PriceAmount",
    "valid_from": "LineValidityPeriod/StartDate",
    "valid_to": "LineValidityPeriod/EndDate",
}
PROPERTY_FIELDS = ("model", "compression_class", "garment_type", "size", "length", "colour", "colour_code")
REQUIRED_PROPERTIES = ("model", "compression_class")
CELLS = (*FIXED_CELLS, *PROPERTY_FIELDS)
INDEXES = {name: index for index, name in enumerate(CELLS)}
_PLAIN_DECIMAL = re.compile(r"\d{1,9}(?:\.\d{1,2})?")


@dataclass(frozen=True)
class CatalogueInfo:
    """The first message of a catalogue: its ``ActionCode`` (Add, Replace, Update, Delete; None when absent)."""

    action: str | None


@dataclass(frozen=True)
class LineActions:
    """In an Update catalogue, after the rows: each row's line ActionCode and line ID, by row number."""

    actions: dict[int, tuple[str | None, str | None]]


def looks_like_xml(path: Path) -> bool:
    """True when the file starts (after a byte order mark and blanks) with ``<``: an XML document."""
    with open(path, "rb") as handle:
        head = handle.read(64)
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


def check_catalogue(path: Path, limits: WorkbookLimits | None = None) -> None:
    """Refuse a file too large to read, before any parsing (the workbook's unpacked-size limit)."""
    limits = limits or WorkbookLimits()
    size = path.stat().st_size
    if size > limits.max_uncompressed_bytes:
        raise unreadable(
            f"Filen är för stor ({size // 1_000_000} MB); högst {limits.max_uncompressed_bytes // 1_000_000} MB. "
            "Dela upp katalogen i flera filer.",
            size=size,
        )


def read_catalogue(
    path: Path,
    profile: SupplierProfile,
    others: tuple[SupplierProfile, ...] = (),
    max_rows: int = WorkbookLimits.max_rows,
    max_price_sek=values.MAX_PRICE_SEK,
) -> Iterator:
    """Yield CatalogueInfo, SheetLayout, RowBatches (ParsedRow-ordered tuples), [LineActions], ReadSummary.

    Same contract as :func:`importers.pricelist.read_price_list` (``others`` is accepted for the same call
    shape). Raises ImportFileError for a file that is not well-formed XML, declares a DTD or entities, is
    not a UBL Catalogue, has more than ``max_rows`` lines, or whose lines never name a model or a
    compression class the profile recognises.
    """
    names = _property_index(profile)
    layout = SheetLayout(SHEET, 0, {**FIXED_CELLS, **_property_labels(profile)}, dict(INDEXES), 0)
    summary = ReadSummary()
    state = RowState(max_price_sek)
    parse = chunk_parser(layout, state, summary, every_row_is_data=True)
    seen_fields: set[str] = set()
    blocks = _line_blocks(path, names, seen_fields)
    action = next(blocks)
    yield CatalogueInfo(action)
    yield layout
    actions: dict[int, tuple[str | None, str | None]] = {}
    batch: list[tuple] = []
    number = 0
    for piece in _pieces(blocks, max_rows):  # CHUNK_ROWS lines at a time, as they were always parsed
        first = number + 1
        number += len(piece.ids)
        if action == "Update":  # only an Update's lines carry actions that matter
            actions.update(zip(range(first, number + 1), zip(piece.actions, piece.ids, strict=True), strict=True))
        batch.extend(_parsed(parse, piece, first))
        if len(batch) >= BATCH_SIZE:
            yield from _flush(batch, layout, summary)
            batch = []
    if batch:
        yield from _flush(batch, layout, summary)
    _refuse_missing_properties(seen_fields, summary, profile)
    if action == "Update":
        yield LineActions(actions)
    summary.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    yield summary


def _pieces(blocks: Iterator[LineBlock], max_rows: int) -> Iterator[LineBlock]:
    """The lines of the blocks again in pieces of CHUNK_ROWS (the last one smaller).

    Batches, and so which error a file with several problems gets first, stay those of reading line by
    line: a piece is parsed as a whole, and the line after ``max_rows`` is refused once the pieces
    before it have been taken, whatever the size of the blocks that bring the lines.
    """
    pending = LineBlock([], [], [], [])
    taken = 0
    for block in blocks:
        start = 0
        while start < len(block.ids):
            end = min(len(block.ids), start + CHUNK_ROWS - len(pending.ids))
            if taken + end - start > max_rows:
                raise unreadable(
                    f"Katalogen har fler än {max_rows} rader. Dela upp den i flera filer.", max_rows=max_rows
                )
            for mine, theirs in zip(pending, block, strict=True):
                mine.extend(theirs[start:end])
            taken += end - start
            start = end
            if len(pending.ids) == CHUNK_ROWS:
                yield pending
                pending = LineBlock([], [], [], [])
    if pending.ids:
        yield pending


def _parsed(parse, piece: LineBlock, first: int) -> list[tuple]:
    """The piece's lines (numbered from ``first``) as ParsedRow-ordered tuples with their line ids."""
    rows = parse(Chunk(piece.cells, streamed=False), first)
    if not _QUANTITIES_OF_ONE.issuperset(piece.quantities):
        rows = list(map(_checked_quantity, rows, piece.quantities))
    if not any(map(_PROBLEM_OF, rows)):
        return rows
    return list(map(_with_line_id, rows, piece.ids))


_QUANTITIES_OF_ONE = frozenset({"", "1"})  # no BaseQuantity, or one unit: nothing for _checked_quantity to do
_PROBLEM_OF = itemgetter(PROBLEM)


def _flush(batch, layout, summary) -> Iterator[RowBatch]:
    refuse_control_characters(batch, layout)
    summary.data_rows += len(batch)
    yield RowBatch.of(batch)


def _property_index(profile: SupplierProfile) -> dict[str, str]:
    """ " " + header key → field for the property fields: the profile's names, as for a column header.

    Raw property names met in the file are added to the same dict (without the leading space) as
    they are resolved, so each distinct name is normalised once.
    """
    return {" " + key: field for key, field in profile.header_index().items() if field in PROPERTY_FIELDS}


def _property_labels(profile: SupplierProfile) -> dict[str, str]:
    return {f: f"AdditionalItemProperty {profile.header_names(f)[0]!r}" for f in PROPERTY_FIELDS}


def _line_blocks(path: Path, names: dict[str, str], seen_fields: set[str]) -> Iterator:
    """First the catalogue's ActionCode, then LineBlocks: every CatalogueLine's cells, in file order.

    A document type or entity declaration is refused before parsing (a catalogue has no use for one: it
    is a billion-laughs or external-entity attempt). The lines are read in chunks where the file allows
    (:mod:`importers.catalogue_chunks`), and otherwise, or from where it stops allowing it, one element
    at a time: lxml without DTD loading, entity substitution or network access.
    """
    _refuse_declarations(path)
    _check_root(path)
    try:
        done = yield from chunk_blocks(path, _reading(names, seen_fields))
        if done is not None:
            yield from _sequential_blocks(path, names, seen_fields, skip=done)
    except etree.XMLSyntaxError as exc:
        raise unreadable(
            f"Filen är ingen giltig XML (rad {exc.lineno}). " + ASK_FOR_CATALOGUE, line=exc.lineno
        ) from None


def _reading(names: dict[str, str], seen_fields: set[str]) -> Reading:
    """What the chunk reader needs to read lines exactly as :func:`_cells` does."""
    return Reading(
        parser_options=_PARSER_OPTIONS,
        cac=CAC,
        cbc=CBC,
        line_tag=LINE,
        action_tag=ACTION,
        walk=lambda line: _cells(line, names, seen_fields),
        assign=lambda name, value, cells: _assign_property(name, value, cells, names, seen_fields),
        field_of=lambda name: _field_of(name, names),
        indexes=INDEXES,
        seen_fields=seen_fields,
        price_cells=_price_column,
    )


def _sequential_blocks(path: Path, names: dict[str, str], seen_fields: set[str], *, skip: int) -> Iterator:
    """The ActionCode (unless lines were read already: ``skip``), then the lines after the first ``skip``,
    walked one element at a time, in LineBlocks of CHUNK_ROWS.

    The lines read before a syntax error come before it, as they did when each line was handed on
    alone: a catalogue with too many lines and an error after them is refused for its size.
    """
    lines = _parsed_lines(path)
    action = next(lines)
    if not skip:
        yield action
    for _ in range(skip):
        next(lines)
    block = LineBlock([], [], [], [])
    try:
        for line in lines:
            for column, value in zip(block, _cells(line, names, seen_fields), strict=True):
                column.append(value)
            if len(block.ids) == CHUNK_ROWS:
                yield block
                block = LineBlock([], [], [], [])
    except etree.XMLSyntaxError:
        if block.ids:
            yield block
        raise
    if block.ids:
        yield block


_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(rb"<[A-Za-z_]")
PROLOG_BYTES = 65536


def _refuse_declarations(path: Path) -> None:
    with open(path, "rb") as handle:
        head = _as_utf8(handle.read(PROLOG_BYTES))
    first = _ROOT_START.search(head.replace(b"<?", b"  ").replace(b"<!--", b"    "))
    if _DECLARATION.search(head[: first.start() if first else len(head)]) or first is None:
        raise unreadable(
            "Filen innehåller otillåtna XML-deklarationer (DTD eller entiteter) och läses inte. " + ASK_FOR_CATALOGUE
        )


def _check_root(path: Path) -> None:
    try:
        with open(path, "rb") as handle:  # ours to close: lxml closes a file it opened only when it reads to the end
            for _, element in etree.iterparse(handle, events=("start",), **_PARSER_OPTIONS):
                if element.tag != ROOT:
                    raise _not_a_catalogue(element.tag)
                return
    except etree.XMLSyntaxError as exc:
        raise unreadable(
            f"Filen är ingen giltig XML (rad {exc.lineno}). " + ASK_FOR_CATALOGUE, line=exc.lineno
        ) from None


def _parsed_lines(path: Path) -> Iterator:
    with open(path, "rb") as handle:  # closed also when the reader stops early (too many lines)
        yield from _elements(etree.iterparse(handle, events=("end",), tag=(LINE, ACTION), **_PARSER_OPTIONS))


def _elements(events) -> Iterator:
    action = None
    for _, element in events:
        parent = element.getparent()
        if element.tag == ACTION:
            if parent is not None and parent.tag == ROOT and action is None:
                action = (element.text or "").strip() or None
            continue
        if action is not ...:
            yield action
            action = ...
        yield element
        # parties, contacts and finished lines go at once: nothing of them is kept
        element.clear()
        while element.getprevious() is not None:
            del parent[0]
    if action is not ...:
        raise unreadable("Katalogen har inga katalograder (cac:CatalogueLine). " + ASK_FOR_CATALOGUE)


def _not_a_catalogue(tag: str):
    local = str(tag).rsplit("}", 1)[-1]
    return unsupported(
        f"Filen är inget Peppol-katalogdokument: rotelementet är {local[:40]!r}, inte en UBL Catalogue. "
        + ASK_FOR_CATALOGUE,
        root=local[:40],
    )


def _text(element) -> str:
    text = element.text
    return "" if text is None else text.strip()


_C = f"{{{CBC}}}"
_A = f"{{{CAC}}}"
_ITEM, _PRICE_HOLDER, _VALIDITY = _A + "Item", _A + "RequiredItemLocationQuantity", _A + "LineValidityPeriod"
_ID, _ACTION, _NAME, _VALUE = _C + "ID", _C + "ActionCode", _C + "Name", _C + "Value"
_SELLERS, _STANDARD, _PROPERTY = (
    _A + "SellersItemIdentification",
    _A + "StandardItemIdentification",
    _A + "AdditionalItemProperty",
)


def _cells(line, names: dict[str, str], seen_fields: set[str]) -> tuple[list, str | None, str | None, str]:
    """The line as row cells in CELLS order, its ID, its ActionCode and its price's BaseQuantity.

    One pass over the line's children: lxml's path look-ups (find, findtext) run in Python and cost
    more than the whole walk.
    """
    cells = [""] * len(CELLS)
    line_id = line_action = None
    base_quantity = ""
    for child in line:
        tag = child.tag
        if tag == _ID:
            line_id = _text(child) or None
        elif tag == _ACTION:
            line_action = _text(child) or None
        elif tag == _VALIDITY:
            cells[4], cells[5] = _child_text(child, _C + "StartDate"), _child_text(child, _C + "EndDate")
        elif tag == _PRICE_HOLDER and cells[3] == "":
            base_quantity = _price_cells(child, cells)
        elif tag == _ITEM:
            _item_cells(child, cells, names, seen_fields)
    return cells, line_id, line_action, base_quantity


def _child_text(element, tag: str) -> str:
    for child in element:
        if child.tag == tag:
            return _text(child)
    return ""


def _price_cells(holder, cells: list) -> str:
    """Fill the price cell from the first Price; its BaseQuantity."""
    for price in holder:
        if price.tag == _A + "Price":
            cells[3] = _price_cell(_child_text(price, _C + "PriceAmount"))
            return _child_text(price, _C + "BaseQuantity")
    return ""


def _price_cell(amount: str):
    """A plain decimal as a float, as a workbook gives it (the row parser's fast path); other text as it is."""
    return float(amount) if _PLAIN_DECIMAL.fullmatch(amount) else amount


def _price_column(amounts: list[str]) -> list:
    """:func:`_price_cell` of each, in one comprehension (a call per line costs as much as the rest)."""
    plain = _PLAIN_DECIMAL.fullmatch
    return [float(amount) if plain(amount) else amount for amount in amounts]


def _item_cells(item, cells: list, names: dict[str, str], seen_fields: set[str]) -> None:
    for child in item:
        tag = child.tag
        if tag == _PROPERTY:
            _property_cell(child, cells, names, seen_fields)
        elif tag == _NAME:
            cells[2] = _text(child)
        elif tag == _SELLERS:
            cells[0] = _child_text(child, _ID)
        elif tag == _STANDARD and not cells[1]:
            for identification in child:
                if identification.tag == _ID and identification.get("schemeID") == GTIN_SCHEME:
                    cells[1] = _text(identification)


def _property_cell(prop, cells: list, names: dict[str, str], seen_fields: set[str]) -> None:
    """An AdditionalItemProperty's value into the cell of the field its name stands for (the first one wins)."""
    name = value = ""
    for part in prop:
        if part.tag == _NAME:
            name = part.text or ""
        elif part.tag == _VALUE:
            value = part.text or ""
    _assign_property(name, value, cells, names, seen_fields)


def _assign_property(name: str, value: str, cells: list, names: dict[str, str], seen_fields: set[str]) -> None:
    field = _field_of(name, names)
    if field and not cells[INDEXES[field]]:
        cells[INDEXES[field]] = value.strip()
        seen_fields.add(field)


def _field_of(name: str, names: dict[str, str]) -> str:
    field = names.get(name)
    if field is None:
        field = names[name] = _property_field(name, names)
    return field


def _property_field(name: str, names: dict[str, str]) -> str:
    """The field a property name stands for ('' for none), compared as a column header is; cached in ``names``."""
    return names.get(" " + header_key(name), "")


def _checked_quantity(row: tuple, base_quantity: str) -> tuple:
    """A price given per more (or less) than one unit is an invalid price; we list prices per unit."""
    if not base_quantity or row[PROBLEM] is not None:
        return row
    try:
        if float(base_quantity) == 1:
            return row
    except ValueError:
        pass
    message = f"priset gäller {base_quantity[:20]!r} enheter (BaseQuantity); ange priset per styck"
    problem = ("invalid_price", "Price/BaseQuantity", message)
    return (*row[:PRICE_ORE], None, *row[PRICE_ORE + 1 : PROBLEM], problem)


def _with_line_id(row: tuple, line_id: str | None) -> tuple:
    """Messages name the line by its position (the row) and its ID."""
    problem = row[PROBLEM]
    if problem is None or not line_id:
        return row
    return (*row[:PROBLEM], (problem[0], problem[1], f"rad-ID {line_id[:40]!r}: {problem[2]}"))


def _refuse_missing_properties(seen: set[str], summary: ReadSummary, profile: SupplierProfile) -> None:
    missing = [f for f in REQUIRED_PROPERTIES if f not in seen]
    if not seen & set(COLOUR_FIELDS):
        missing.append("colour")
    if not missing or summary.data_rows == 0:
        return
    tried = "; ".join(f"{f}: {', '.join(profile.header_names(f))}" for f in missing)
    raise unreadable(
        f"Ingen katalograd har en AdditionalItemProperty för {', '.join(missing)} med ett namn som "
        f"{profile.name}s profil känner igen. Namn som prövades: {tried}.",
        missing=missing,
    )


# The header's parties, with any contact person inside them: removed before the file is kept.
_PARTY = re.compile(
    rb"<(?P<prefix>[\w.-]+:)?(?P<name>ProviderParty|ReceiverParty|SellerSupplierParty|ContractorCustomerParty)\b"
    rb".*?</(?P=prefix)?(?P=name)\s*>",
    re.DOTALL,
)
_FIRST_LINE = re.compile(rb"<(?:[\w.-]+:)?CatalogueLine[\s>]")
HEADER_BYTES = 1 << 20


def copy_to_store(path: Path) -> Path:
    """A temporary copy of the catalogue without its header parties (contacts included), which the import
    stores and hashes (the reader reads the file as sent); the caller removes it."""
    handle, name = tempfile.mkstemp(suffix=".xml", prefix="katalog-")
    os.close(handle)
    try:
        copy_without_parties(path, Path(name))
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def copy_without_parties(path: Path, target: Path) -> None:
    """Copy the catalogue with the header's parties left out: a supplier's contact person is never kept.

    Only the header (up to the first CatalogueLine, within its first MiB) is rewritten; the lines are
    copied byte for byte. The copy is what the service stores, hashes and reads.
    """
    with open(path, "rb") as source, open(target, "wb") as out:
        head = source.read(HEADER_BYTES)
        first = _FIRST_LINE.search(head)
        cut = first.start() if first else len(head)
        out.write(_PARTY.sub(b"", head[:cut]))
        out.write(head[cut:])
        while block := source.read(1 << 20):
            out.write(block)


# Field labels for the README's table of AdditionalItemProperty names.
PROPERTY_LABELS = {
    "model": "model",
    "compression_class": "compression class",
    "garment_type": "garment type",
    "size": "size",
    "length": "length",
    "colour": "colour",
    "colour_code": "colour code",
}


def property_names_table(profiles: dict[str, SupplierProfile]) -> str:
    """The README's table: per item field, the AdditionalItemProperty names each supplier's profile recognises.

    A name is compared as a column header is (case, spaces and punctuation do not matter).
    """
    from .profiles import COMMON_HEADERS

    codes = sorted(profiles)
    lines = [
        "| field | " + " | ".join(profiles[c].name for c in codes) + " | every supplier also |",
        "| --- |" + " --- |" * (len(codes) + 1),
    ]
    for field, label in PROPERTY_LABELS.items():
        own = [", ".join(f"`{n}`" for n in profiles[c].headers.get(field, ())) or "–" for c in codes]
        common = ", ".join(f"`{n}`" for n in COMMON_HEADERS[field])
        lines.append(f"| {label} | " + " | ".join(own) + f" | {common} |")
    return "\n".join(lines) + "\n"
