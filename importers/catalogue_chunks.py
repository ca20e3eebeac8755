"""Reading a Peppol catalogue's lines a chunk at a time, as the sequential reader (:mod:`importers.peppol`) reads them.

The sequential reader builds every line as an lxml element and walks it in Python; for a catalogue of
300,000 lines that is most of the import's time. Here the file is cut into chunks of whole lines, each
chunk is decoded once and matched with one regular expression that knows the common shape of a line
(:func:`line_pattern`); the matched texts become the same cells, ids and actions the walk gives. A line
of any other shape (an entity reference, a comment, elements in another order) is parsed on its own with
lxml and walked by the sequential reader's own code.

The regular expression does not check that the document is well-formed: libxml2 does, with the
sequential reader's options, reading the same bytes (a parser without a tree: a third of the cost of
building one), in a process of its own beside this one (:class:`_Checker`; a second of CPU on a 364 MB
catalogue that no longer delays the lines). A chunk's lines are handed on only once libxml2 has accepted
the bytes after them. Whenever anything is not as expected (another encoding, a chunk libxml2 refuses, a line the
walk cannot be given alone), :func:`chunk_blocks` stops and says how many lines it handed on; the
sequential reader then reads the file from the start, skips those lines and goes on, so every row,
message and error (with its line number) is the sequential reader's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from .isolation import child_environment, die_with_parent

CHUNK_BYTES = 4 << 20  # a chunk ends at the first line end after this many bytes (about 3,500 lines)
READ_BYTES = 8 << 20
MAX_PROPERTIES = 16  # AdditionalItemProperty elements of a line the expression reads; a line with more is walked
SKIP_DEPTH = 3  # elements the walk ignores (Description, ClassifiedTaxCategory/TaxScheme/ID) are passed over to here


class LineBlock(NamedTuple):
    """Consecutive catalogue lines: each one's row cells (CELLS order), line ID, line ActionCode, BaseQuantity."""

    cells: list
    ids: list
    actions: list
    quantities: list


@dataclass(frozen=True)
class Reading:
    """What the chunk reader needs from the sequential reader: its parser options and its walk of one line."""

    parser_options: dict
    cac: str
    cbc: str
    line_tag: str
    action_tag: str
    walk: Callable  # (line element) → (cells, line id, line action, base quantity)
    assign: Callable  # (property name, value, cells) → None: a property into its cell, as the walk does
    field_of: Callable  # property name → the field it names ('' for none), as the walk resolves it
    indexes: dict  # field → position in the cells
    seen_fields: set  # the fields some line has a property for (the walk adds to it too)
    price_cells: Callable  # the stripped PriceAmount texts → the price cells


@dataclass(frozen=True)
class _Plan:
    start: int  # where the first line starts
    action: str | None
    pattern: re.Pattern  # a line of the usual shape holding only elements the walk reads; or any line
    groups: dict[str, int]  # capture name → position in a findall tuple
    general: re.Pattern  # a line of the usual shape with elements the walk ignores too
    cut: re.Pattern
    wrapper: tuple[str, str]  # a start and end tag declaring the root's namespaces, for a line parsed alone


_FIRST_LINE = re.compile(rb"<(?:([\w.-]+):)?CatalogueLine[ \t\r\n>]")
_DECLARATION = re.compile(rb"<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*([\"'])1\.0\1([^?>]*)\?>")
_ENCODING = re.compile(rb"^[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*([\"'])([A-Za-z0-9._-]+)\1")
HEADER_BYTES = 1 << 20


class _Nothing:
    """A parser target that keeps nothing: libxml2 checks the document and builds no tree."""

    def close(self) -> None:
        return None


def chunk_blocks(path: Path, reading: Reading) -> Generator:
    """Yield the catalogue's ActionCode, then LineBlocks; return how many lines were handed on (None: all).

    Returns before handing on a line whenever the file cannot be read this way from there on; the
    caller reads the rest sequentially. Raises nothing of its own (a file the sequential reader
    refuses makes this stop, and the sequential reader says why).
    """
    with open(path, "rb") as handle:
        head = handle.read(HEADER_BYTES)
        plan = _plan(head, reading)
        if plan is None:
            return 0
        with _Checker(path, reading.parser_options) as checker:
            done, ready, offset = 0, None, plan.start
            for chunk, last in _chunks(handle, head[plan.start :], plan.cut):
                offset += len(chunk)
                if (last and b"CatalogueLine" in chunk) or not checker.accepted(ENDED if last else offset):
                    return done  # refused by libxml2, or the bytes after the last line end still name a line
                if ready is not None:  # the bytes after its lines are in, and libxml2 found nothing wrong
                    yield from _handed(ready, done, plan)
                    done += len(ready.ids)
                if last:
                    return None if done else 0  # no line at all: the sequential reader says so
                ready = _block(chunk, plan, reading)
                if ready is None:
                    return done
    return done


ENDED = 1 << 62  # what the checker reports once libxml2 has read the whole document and found it well-formed
CHECK_BYTES = 4 << 20


class _Checker:
    """libxml2 checking the whole document, in a process of its own, ahead of the chunks.

    The process reads the file from its first byte, feeds it to a parser without a tree (the sequential
    reader's options: no DTD, entities or network) a block at a time, and writes after each block how
    many bytes it accepted, then ENDED when the document ended well-formed. It writes nothing more after
    a refusal. It inherits this process's limits (memory); it is killed when the chunks stop, and dies
    with this process (the reader, which its time limit kills with SIGKILL).
    """

    def __init__(self, path: Path, options: dict):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "importers.catalogue_chunks", str(path), json.dumps(options), str(CHECK_BYTES)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=child_environment(),
        )
        self.seen = 0

    def accepted(self, offset: int) -> bool:
        """Wait until libxml2 has accepted the document's first ``offset`` bytes: False when it refused them."""
        while self.seen < offset:
            report = self.process.stdout.read(8)
            if len(report) < 8:
                return False
            self.seen = int.from_bytes(report, "little")
        return True

    def __enter__(self) -> _Checker:
        return self

    def __exit__(self, *_exc) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()


def check_document(path: Path, options: dict, out, block_bytes: int = CHECK_BYTES) -> None:
    """The checker's own work (run as ``python -m importers.catalogue_chunks PATH OPTIONS BLOCK_BYTES``)."""
    parser = etree.XMLParser(target=_Nothing(), **options)
    total = 0
    with open(path, "rb") as handle:
        while block := handle.read(block_bytes):
            parser.feed(block)  # raises on a refusal: nothing more is written
            total += len(block)
            out.write(total.to_bytes(8, "little"))
            out.flush()
    parser.close()
    out.write(ENDED.to_bytes(8, "little"))
    out.flush()


def _handed(block: LineBlock, done: int, plan: _Plan):
    if done == 0:
        yield plan.action  # as the sequential reader does: the ActionCode comes with the first line
    yield block


def _chunks(handle, rest: bytes, cut: re.Pattern):
    """(chunk, False) for the bytes from the first line on, in chunks that end at a line end; then
    (the bytes after the last line end, True)."""
    buffer, ended = rest, False
    while True:
        while len(buffer) <= CHUNK_BYTES and not ended:
            more = handle.read(READ_BYTES)
            ended = not more
            buffer += more
        found = cut.search(buffer, CHUNK_BYTES) if len(buffer) > CHUNK_BYTES else None
        if found is None:
            last = None
            for last in cut.finditer(buffer):  # noqa: B007 - only the last one is wanted
                pass
            if last is not None:
                yield buffer[: last.end()], False
                buffer = buffer[last.end() :]
            yield buffer, True
            return
        yield buffer[: found.end()], False
        buffer = buffer[found.end() :]


# --- the plan: what the header says ---------------------------------------------------------------


def _plan(head: bytes, reading: Reading) -> _Plan | None:
    """How to read the lines of this file in chunks; None when it cannot be done (the sequential reader reads)."""
    first = _FIRST_LINE.search(head)
    if first is None or not _is_utf8(head):
        return None
    prefix = (first.group(1) or b"").decode("ascii")
    root = _header(head[: first.start()], reading)
    if root is None or root.nsmap.get(prefix or None) != reading.cac or reading.field_of(""):
        return None  # (an absent property slot reads as a nameless property: it must name no field)
    cbc = sorted(p for p, uri in root.nsmap.items() if uri == reading.cbc and p)
    if not cbc:
        return None
    pattern = line_pattern(prefix, cbc[0], others=False)
    line = _qualified(prefix, "CatalogueLine")
    return _Plan(
        start=first.start(),
        action=_catalogue_action(root, reading),
        pattern=pattern,
        groups={name: index - 1 for name, index in sorted(pattern.groupindex.items(), key=itemgetter(1))},
        general=line_pattern(prefix, cbc[0], others=True),
        cut=re.compile(rb"</" + line.encode() + rb"[ \t\r\n]*>"),
        wrapper=_wrapper(root.nsmap),
    )


def _is_utf8(head: bytes) -> bool:
    """True for a document in UTF-8: no byte order mark of UTF-16, an XML declaration (if any) of version
    1.0 naming no encoding or UTF-8. The chunks are decoded as UTF-8 and parsed without the declaration."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        return False
    if not head.startswith(b"<?xml"):
        return True
    declaration = _DECLARATION.match(head)
    if declaration is None:
        return False
    encoding = _ENCODING.match(declaration.group(2))
    if encoding is None:
        return b"encoding" not in declaration.group(2)
    return encoding.group(2).lower() == b"utf-8"


def _header(header: bytes, reading: Reading):
    """The header up to the first line, closed after it and parsed as a tree (namespaces are checked too);
    None when that is not a well-formed document."""
    try:
        for _, root in etree.iterparse(BytesIO(header), events=("start",), **reading.parser_options):
            end = "</" + _qualified(root.prefix or "", etree.QName(root).localname) + ">"
            return etree.fromstring(header + end.encode(), etree.XMLParser(**reading.parser_options))
    except etree.XMLSyntaxError:
        return None
    return None


def _catalogue_action(root, reading: Reading) -> str | None:
    """The first of the root's ActionCode children with a text, as the sequential reader takes it."""
    for child in root:
        if child.tag == reading.action_tag:
            action = (child.text or "").strip() or None
            if action is not None:
                return action
    return None


def _wrapper(nsmap: dict) -> tuple[str, str]:
    element = etree.Element("Lines", nsmap=nsmap)
    element.text = "x"
    text = etree.tostring(element, encoding="unicode")
    start, end = text.split(">x<")
    return start + ">", "<" + end


def _qualified(prefix: str, local: str) -> str:
    return f"{prefix}:{local}" if prefix else local


# --- one chunk -------------------------------------------------------------------------------------


def _block(chunk: bytes, plan: _Plan, reading: Reading) -> LineBlock | None:
    """The chunk's lines; None when one of them cannot be read here (the sequential reader goes on)."""
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text:  # XML reads every line end as a line feed
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = plan.pattern.findall(text)
    if not found or text.count("CatalogueLine") != 2 * len(found):
        return None  # findall passes over what it cannot match: nothing that names a line may be passed over
    other = plan.groups["other"]
    odd = [j for j, match in enumerate(found) if match[other]]
    alone = []
    for j in odd:  # most often a line with elements the walk ignores (Description, tax category)
        general = plan.general.fullmatch(found[j][other])
        if general is None:
            alone.append(j)
        else:
            found[j] = tuple((general.group(name) or "") if name != "other" else "" for name in plan.groups)
    block = _columns(found, plan, reading)
    for j in alone:
        line = _alone(found[j][other], plan, reading)
        if line is None:
            return None
        cells, line_id, line_action, quantity = line
        block.cells[j], block.ids[j], block.actions[j], block.quantities[j] = cells, line_id, line_action, quantity
    return block


def _alone(text: str, plan: _Plan, reading: Reading) -> tuple | None:
    """One line of another shape, parsed alone and walked as the sequential reader walks it.

    None when the text is not one whole line (a comment or another element before it, a nested line)
    or holds an xml:id (libxml2 refuses an id used twice in the document, which it cannot see here).
    """
    if "xml:id" in text:
        return None
    start, end = plan.wrapper
    try:
        wrapper = etree.fromstring(start + text + end, etree.XMLParser(**reading.parser_options))
    except etree.XMLSyntaxError:
        return None
    elements = [child for child in wrapper if isinstance(child.tag, str)]
    if len(elements) != 1 or elements[0].tag != reading.line_tag:
        return None
    line = elements[0]
    if next(line.iterdescendants(reading.line_tag), None) is not None:
        return None
    return reading.walk(line)


def _columns(found: list[tuple], plan: _Plan, reading: Reading) -> LineBlock:
    """The matched lines as cells (the odd ones are filled in afterwards), a column at a time: at C speed."""
    g = plan.groups
    columns = list(zip(*found, strict=True))
    article, gtin, name, amount, start, end = (_stripped(columns[g[n]]) for n in FIXED_GROUPS)
    cells = [article, gtin, name, reading.price_cells(amount), start, end]
    cells += [[""] * len(found) for _ in reading.indexes.keys() - FIXED_FIELDS]
    _properties(columns, plan, reading, cells)
    ids = [text or None for text in _stripped(columns[g["line_id"]])]
    actions = [text or None for text in _stripped(columns[g["line_action"]])]
    return LineBlock(list(map(list, zip(*cells, strict=True))), ids, actions, _stripped(columns[g["quantity"]]))


FIXED_GROUPS = ("article", "gtin", "name", "amount", "start", "end")
FIXED_FIELDS = {"article_number", "gtin", "name", "price", "valid_from", "valid_to"}


def _stripped(column) -> list[str]:
    return list(map(str.strip, column))


def _properties(columns: list, plan: _Plan, reading: Reading, cells: list) -> None:
    """Fill the property cells: a column at a time for the lines with the chunk's most common property
    names (when they name each field at most once), line by line through the walk's own code otherwise."""
    names = [columns[plan.groups[f"name{k}"]] for k in range(MAX_PROPERTIES)]
    values = [columns[plan.groups[f"value{k}"]] for k in range(MAX_PROPERTIES)]
    signatures = list(zip(*names, strict=True))
    usual = Counter(signatures).most_common(1)[0][0]
    targets = _targets(usual, reading)
    if targets is None:
        odd = range(len(signatures))
    else:
        for slot, field in targets:
            cells[reading.indexes[field]] = _stripped(values[slot])
            reading.seen_fields.add(field)
        odd = [j for j, signature in enumerate(signatures) if signature != usual]
    positions = [reading.indexes[field] for field in reading.indexes.keys() - FIXED_FIELDS]
    for j in odd:
        row = [column[j] for column in cells]
        for position in positions:
            row[position] = ""
        for slot in range(MAX_PROPERTIES):
            reading.assign(names[slot][j], values[slot][j], row)
        for position in positions:
            cells[position][j] = row[position]


def _targets(names: tuple, reading: Reading) -> list[tuple[int, str]] | None:
    """(slot, field) for a line's property names; None when two name the same field (then which value
    wins depends on the values: the walk decides, line by line)."""
    targets = [(slot, field) for slot, name in enumerate(names) if (field := reading.field_of(name))]
    if len({field for _, field in targets}) < len(targets):
        return None
    return targets


# --- the shape of a usual line ------------------------------------------------------------------------

_S = "[ \t\n]*+"  # XML white space (line ends are line feeds by now)
_TEXT = "[^<&]*+"  # character data without references: what lxml would give as it is
# The end tag after an element's content: no need to spell its name, since lines are handed on only
# once libxml2 found the document well-formed, where it can only be the end of that element.
_END = "</[^>]*+>" + _S
_ATTRIBUTES = "(?:[ \t\n]++(?!xmlns)[A-Za-z_][A-Za-z0-9_.-]*+[ \t\n]*+=[ \t\n]*+(?:\"[^\"<]*+\"|'[^'<]*+'))*+" + _S


def line_pattern(cac: str, cbc: str, *, others: bool) -> re.Pattern:
    """A regular expression for one catalogue line of the usual shape; without ``others``, also any other
    line (group ``other``), to be used with findall.

    Usual: the elements the walk reads (cbc:ID, cbc:ActionCode, LineValidityPeriod, the price, Item with
    Name, the seller's and the standard identifier, AdditionalItemProperty) at most once each (the
    properties excepted) and in UBL's order, holding plain text; with ``others``, elements the walk
    ignores may stand between them (a pattern twice as slow: used for the lines the first one leaves).
    Then what the walk makes of the line follows from the matched texts alone.
    """
    a = _Names(cac, cbc, others)
    leaf = a.leaf
    dates = leaf("StartDate", "start") + leaf("EndDate", "end")
    validity = a.element("cac", "LineValidityPeriod", dates, ("StartDate", "EndDate"))
    amounts = leaf("PriceAmount", "amount") + leaf("BaseQuantity", "quantity")
    price = a.element("cac", "Price", amounts, ("PriceAmount", "BaseQuantity"))
    holder = a.element("cac", "RequiredItemLocationQuantity", f"(?:{price})?", ("Price",))
    sellers = a.element("cac", "SellersItemIdentification", leaf("ID", "article"), ("ID",))
    gtin_scheme = f"[ \t\n]++schemeID[ \t\n]*+=[ \t\n]*+(?:\"0160\"|'0160'){_S}"
    standard_id = (
        f"(?:<{a.cbc}ID{gtin_scheme}>(?P<gtin>{_TEXT}){_END}"  # a GTIN
        f"|<{a.cbc}ID{_S}>{_TEXT}{_END})?"  # an identifier of no scheme: no GTIN for the walk
    )
    standard = a.element("cac", "StandardItemIdentification", standard_id, ("ID",))
    properties = "".join(a.property(k) for k in range(MAX_PROPERTIES))
    item_names = ("Name", "SellersItemIdentification", "StandardItemIdentification", "AdditionalItemProperty")
    skip = partial(a.skip, item_names)  # a new one at each place: each has its own group names
    item_body = (
        f"{skip()}{leaf('Name', 'name')}{skip()}(?:{sellers})?{skip()}(?:{standard})?{skip()}{properties}{skip()}"
    )
    item = f"<{a.cac}Item{_ATTRIBUTES}>{_S}{item_body}{_END}"
    line_names = ("ID", "ActionCode", "LineValidityPeriod", "RequiredItemLocationQuantity", "Item")
    skip = partial(a.skip, line_names)
    body = (
        f"{leaf('ID', 'line_id')}{leaf('ActionCode', 'line_action')}{skip()}(?:{validity})?{skip()}"
        f"(?:{holder})?{skip()}(?:{item})?{skip()}"
    )
    line = a.cac + "CatalogueLine"
    usual = f"<{line}{_ATTRIBUTES}>{_S}(?>{body})</{line}{_S}>"
    if others:
        return re.compile(usual)
    return re.compile(f"{_S}(?:{usual}|(?P<other><{line}[ \t\n/>].*?</{line}{_S}>))", re.DOTALL)


class _Names:
    """Builds the pieces of the line pattern with the document's prefixes."""

    def __init__(self, cac: str, cbc: str, others: bool):
        self.cac, self.cbc = (f"{p}:" if p else "" for p in (cac, cbc))
        self.others = others
        self.count = 0

    def leaf(self, local: str, group: str) -> str:
        """An optional cbc element holding only text, captured."""
        return f"(?:<{self.cbc}{local}{_ATTRIBUTES}>(?P<{group}>{_TEXT}){_END})?"

    def element(self, kind: str, local: str, body: str, inner: tuple[str, ...]) -> str:
        """An element holding ``body`` among elements the walk ignores (any but ``inner``)."""
        tag = (self.cac if kind == "cac" else self.cbc) + local
        return f"<{tag}{_ATTRIBUTES}>{_S}{self.skip(inner)}{body}{self.skip(inner)}{_END}"

    def property(self, slot: int) -> str:
        tag = self.cac + "AdditionalItemProperty"
        skip = partial(self.skip, ("Name", "Value"))
        body = f"{skip()}{self.leaf('Name', f'name{slot}')}{skip()}{self.leaf('Value', f'value{slot}')}{skip()}"
        return f"(?:<{tag}{_ATTRIBUTES}>{_S}{body}{_END})?"

    def skip(self, excluded: tuple[str, ...], depth: int = SKIP_DEPTH) -> str:
        """Any number of cac or cbc elements not named in ``excluded``, of text or of such elements, to ``depth``."""
        if not self.others:
            return ""
        self.count += 1
        name = f"s{self.count}"
        prefixes = "|".join(re.escape(p) for p in (self.cac, self.cbc))
        not_read = f"(?!(?:{'|'.join(excluded)})[ \t\n/>])" if excluded else ""
        inner = self.skip((), depth - 1) if depth > 1 else ""
        content = f"(?:{_TEXT}|{_S}{inner})" if inner else _TEXT
        element = (
            f"<(?P<{name}>(?:{prefixes}){not_read}[A-Za-z][A-Za-z0-9]{{0,80}}+){_ATTRIBUTES}"
            f"(?:/>|>{content}</(?P={name}){_S}>)"
        )
        return f"(?:{element}{_S})*+"


if __name__ == "__main__":
    die_with_parent()
    try:
        check_document(Path(sys.argv[1]), json.loads(sys.argv[2]), sys.stdout.buffer, int(sys.argv[3]))
    except etree.XMLSyntaxError:
        sys.exit(1)
