"""Builders of workbook files for tests: valid price lists, contracts and hostile files.

Every builder is a plain function ``(directory, ...) -> Path`` that writes one file
into ``directory`` and returns its path. Output is deterministic: workbooks get a
fixed creation time and rewritten zips a fixed entry timestamp, so a builder called
twice gives the same bytes.

Cell values given to :func:`price_list` are written by type: ``str`` as text (never
parsed as a number or formula), ``int``/``float`` as numbers, ``date``/``datetime``
as real Excel dates, :class:`Formula` as a formula with a cached value, ``None`` as
an empty cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import xlsxwriter

from catalog_service.demo import data as demo
from importers.contract import ASSORTMENT_COLUMNS, COLOUR_COLUMNS
from importers.profiles import BUNDLED_DIR, load_profile

CREATED = datetime(2026, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTRACT_START = date(2026, 5, 1)
CONTRACT_END = date(2028, 4, 30)


def profile_headers(code: str) -> dict[str, str]:
    """Field → header for a bundled supplier profile: the profile's own first name, in the profile's order."""
    return {field: names[0] for field, names in load_profile(BUNDLED_DIR / f"{code}.toml").headers.items()}


def supplier_layout(code: str) -> list[str]:
    """A supplier's price-list headers as its own lists have them: its profile's names, in profile order.

    Essity's lists also carry a column its profile does not name ("Product line"): that layout is the demo's.
    """
    if code == "essity":
        return list(demo.ESSITY_HEADERS)
    return list(profile_headers(code).values())


SMALL_LAYOUT = supplier_layout("medi")
SMALL_ROWS = [
    ["MD1000001", "4048713000017", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sand", 371.5],
    ["MD1000002", "4048713000024", "Sol", "SOL1-AD", 1, "Knästrumpa", "II", "Kort", "Svart", 371.5],
    ["MD1000003", "4048713000031", "Sol", "SOL1-AD", 1, "Knästrumpa", "III", "Normal", "Grafit", 389.0],
    ["MD1000004", "4048713000048", "Vega", "VEG2-AD", 2, "Knästrumpa", "I", "Kort", "Caramel", 449.5],
    ["MD1000005", "4048713000055", "Vega", "VEG2-AD", 2, "Knästrumpa", "II", "Normal", "Mint", 449.5],
    ["MD1000006", "4048713000062", "Luna", "LUN2-AG", 2, "Lårstrumpa", "III", "Normal", "Sand", 637.5],
]

# The contract's headers: the first name the contract reader accepts for each column.
SORTIMENT_HEADERS = [names[0] for names in ASSORTMENT_COLUMNS.values()]
BASFARGER_HEADERS = [names[0] for names in COLOUR_COLUMNS.values()]


class Formula(NamedTuple):
    """A formula cell for :func:`price_list`: formula text (``=400+69.5``) and its cached value."""

    text: str
    value: float


@dataclass(frozen=True)
class ContractModel:
    """One ``Sortiment`` row of :func:`contract`; a dict keyed by the Swedish headers works as well.

    Fields in header order: Leverantör, Position, Modellnummer, Benämning, ISO-kod,
    Kompressionsklass, Plaggtyp, Måttsydd, Avtalspris SEK, Giltig från, Giltig till.
    """

    supplier: str
    position: int
    model: str
    name: str = ""
    iso_code: str = "04 06 06"
    compression_class: str = "KKL 2"
    garment_type: str = "Knästrumpa"
    custom_made: str = "Nej"
    price: float = 450.0
    valid_from: date = CONTRACT_START
    valid_to: date = CONTRACT_END

    def as_row(self) -> list:
        """The cell values in ``Sortiment`` column order."""
        name = self.name or f"{self.model} {self.garment_type.lower()} {self.compression_class}"
        return [
            self.supplier,
            self.position,
            self.model,
            name,
            self.iso_code,
            self.compression_class,
            self.garment_type,
            self.custom_made,
            self.price,
            self.valid_from,
            self.valid_to,
        ]


# --- valid workbooks -----------------------------------------------------------------------------


def price_list(
    directory: Path,
    layout: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    name: str | None = None,
    title_rows: int | Sequence[str] = 0,
    sheet: str = "Blad1",
    extra_sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]] = (),
) -> Path:
    """Write a price list: optional extra sheets first, then ``sheet`` with titles, header and rows.

    ``title_rows`` is a count of generic one-cell title rows or the title texts themselves.
    """
    path = Path(directory) / (name or "prislista.xlsx")
    path.write_bytes(_price_list_bytes(layout, rows, title_rows=title_rows, sheet=sheet, extra_sheets=extra_sheets))
    return path


def small_price_list(directory: Path, *, name: str = "liten-prislista.xlsx") -> Path:
    """A valid six-row price list in Medi's column names (:data:`SMALL_LAYOUT`, :data:`SMALL_ROWS`)."""
    return price_list(directory, SMALL_LAYOUT, SMALL_ROWS, name=name)


def formula_price_list(
    directory: Path, prices: Sequence[Formula] | None = None, *, name: str = "formelpriser.xlsx"
) -> Path:
    """A small price list whose price column holds formulas with cached values.

    ``prices`` replaces the prices of :data:`SMALL_ROWS` in order (default ``=400+69.5`` …).
    """
    prices = prices or [Formula(f"=400+{i * 10 + 9.5}", 400 + i * 10 + 9.5) for i in range(len(SMALL_ROWS))]
    rows = [[*row[:-1], price] for row, price in zip(SMALL_ROWS, prices, strict=True)]
    return price_list(directory, SMALL_LAYOUT, rows, name=name)


def contract(
    directory: Path,
    models: Iterable[ContractModel | Mapping[str, Any]],
    base_colours: Iterable[tuple[str, str, str]],
    *,
    name: str = "avtal.xlsx",
) -> Path:
    """Write a contract in the sample format: sheets ``Sortiment`` and ``Basfärger``.

    ``models`` are :class:`ContractModel` objects or dicts keyed by the ``Sortiment`` headers
    (missing keys are left empty); ``base_colours`` are (supplier, base colour, "names, codes").
    """
    path = Path(directory) / name
    book = _new_book(path, title="Avtal kompressionsprodukter", author="Region HMC Upphandling")
    bold = book.add_format({"bold": True})
    formats = {8: book.add_format({"num_format": "#,##0.00"}), 9: _date_format(book), 10: _date_format(book)}
    sortiment = book.add_worksheet("Sortiment")
    _write_row(sortiment, 0, SORTIMENT_HEADERS, default=bold)
    for number, model in enumerate(models, start=1):
        _write_row(sortiment, number, _contract_row(model), formats=formats)
    sortiment.freeze_panes(1, 0)
    sortiment.set_column(3, 3, 38)
    colours = book.add_worksheet("Basfärger")
    _write_row(colours, 0, BASFARGER_HEADERS, default=bold)
    for number, colour in enumerate(base_colours, start=1):
        _write_row(colours, number, list(colour))
    book.close()
    return path


def far_cell_workbook(directory: Path, *, name: str = "avlagsen-cell.xlsx") -> Path:
    """A workbook with ``x`` in A1 and ``y`` in the very last cell XFD1048576."""
    path = Path(directory) / name
    book = _new_book(path)
    sheet = book.add_worksheet("Blad1")
    sheet.write_string(0, 0, "x")
    sheet.write_string(1_048_575, 16_383, "y")
    book.close()
    return path


# --- files that are not workbooks ----------------------------------------------------------------


def empty_file(directory: Path, *, name: str = "tom.xlsx") -> Path:
    """A zero-byte file named like a workbook."""
    return _write(directory, name, b"")


def csv_renamed(directory: Path, *, name: str = "csv-omdopt.xlsx", text: str | None = None) -> Path:
    """Semicolon-separated CSV text (UTF-8) saved under an .xlsx name."""
    text = text or "\n".join(";".join(str(c) for c in row) for row in [SMALL_LAYOUT, *SMALL_ROWS]) + "\n"
    return _write(directory, name, text.encode("utf-8"))


def xls_renamed(directory: Path, *, name: str = "gammal-xls.xlsx") -> Path:
    """A minimal OLE compound file (what an old .xls is) saved under an .xlsx name."""
    return _write(directory, name, _ole_file([b"Root Entry", b"Workbook"]))


def encrypted_workbook(directory: Path, *, name: str = "losenordsskyddad.xlsx") -> Path:
    """An OLE container with ``EncryptionInfo`` and ``EncryptedPackage``, as a password-protected .xlsx."""
    streams = [b"Root Entry", b"\x06DataSpaces", b"EncryptionInfo", b"EncryptedPackage"]
    return _write(directory, name, _ole_file(streams))


def zip_without_workbook(directory: Path, *, name: str = "utan-arbetsbok.xlsx") -> Path:
    """A valid zip that holds only a text file."""
    return _write(directory, name, _zip_bytes({"readme.txt": "Det här är ingen arbetsbok.\n".encode()}))


def zip_bomb_ratio(directory: Path, *, name: str = "zipbomb.xlsx", size: int = 50 * 1024 * 1024) -> Path:
    """A zip with one entry (``xl/worksheets/sheet1.xml``) of ``size`` zero bytes, deflated (ratio ≈ 1000)."""
    path = Path(directory) / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=size > 2**31) as stream:
            chunk = bytes(1024 * 1024)
            for start in range(0, size, len(chunk)):
                stream.write(chunk[: size - start])
    return path


# --- damaged or dangerous workbooks --------------------------------------------------------------


def truncated_zip(directory: Path, *, name: str = "avklippt.xlsx") -> Path:
    """A valid small price list cut to half its bytes (the zip directory is lost)."""
    data = _small_bytes()
    return _write(directory, name, data[: len(data) // 2])


def corrupt_zip(directory: Path, *, name: str = "trasig.xlsx") -> Path:
    """A valid small price list whose sheet data is overwritten in the middle; the zip directory is intact."""
    data = bytearray(_small_bytes())
    start, length = _entry_data_span(bytes(data), "xl/worksheets/sheet1.xml")
    middle = start + length // 2
    data[middle - 16 : middle + 16] = b"\xff" * 32
    return _write(directory, name, bytes(data))


def zip_many_entries(directory: Path, *, name: str = "manga-delar.xlsx", count: int = 5000) -> Path:
    """A valid small price list plus ``count`` tiny extra entries."""
    extra = {f"customXml/item{i}.xml": b"<a/>" for i in range(count)}
    return _write(directory, name, _rewrite_zip(_small_bytes(), add=extra))


def two_cell_rows_workbook(directory: Path, rows: int, *, name: str = "tva-celler.xlsx") -> Path:
    """Medi's header and then ``rows`` rows with only an article number and a model: every one is invalid.

    The sheet XML is written directly (inline strings), so a million rows take a second or two.
    """

    def fill(xml: bytes) -> bytes:
        last = rows + 1
        body = b"".join(
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>MD%d</t></is></c>'
            b'<c r="D%d" t="inlineStr"><is><t>SOL1-AD</t></is></c></row>' % (n, n, n, n)
            for n in range(2, last + 1)
        )
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:J%d"/>' % last, xml, count=1)
        return xml.replace(b"</sheetData>", body + b"</sheetData>", 1)

    small = _price_list_bytes(SMALL_LAYOUT, [])
    return _write(directory, name, _rewrite_zip(small, change={"xl/worksheets/sheet1.xml": fill}))


def lying_dimension_workbook(directory: Path, *, name: str = "falsk-dimension.xlsx") -> Path:
    """A valid small price list whose sheet declares ``<dimension ref="A1:XFD1048576"/>``."""

    def lie(xml: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml, count=1)

    return _write(directory, name, _rewrite_zip(_small_bytes(), change={"xl/worksheets/sheet1.xml": lie}))


def macro_workbook(directory: Path, *, name: str = "makro.xlsm") -> Path:
    """A valid small price list turned into a macro-enabled workbook with ``xl/vbaProject.bin``."""

    def content_types(xml: bytes) -> bytes:
        xml = xml.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        vba = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        return _insert_after_open_tag(xml, b"Types", vba)

    rel = (
        b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
        b' Target="vbaProject.bin"/>'
    )
    change = {"[Content_Types].xml": content_types, "xl/_rels/workbook.xml.rels": _add_relationship(rel)}
    add = {"xl/vbaProject.bin": _ole_file([b"Root Entry", b"VBA", b"PROJECT"])}
    return _write(directory, name, _rewrite_zip(_small_bytes(), change=change, add=add))


def external_link_workbook(directory: Path, *, name: str = "extern-lank.xlsx") -> Path:
    """A valid small price list with a link to another workbook (``xl/externalLinks/externalLink1.xml``)."""
    rel = (
        b'<Relationship Id="rIdExt1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLink" Target="externalLinks/externalLink1.xml"/>'
    )
    reference = b'<externalReferences><externalReference r:id="rIdExt1"/></externalReferences>'
    override = (
        b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
    )
    change = {
        "[Content_Types].xml": lambda xml: _insert_after_open_tag(xml, b"Types", override),
        "xl/_rels/workbook.xml.rels": _add_relationship(rel),
        "xl/workbook.xml": lambda xml: xml.replace(b"</sheets>", b"</sheets>" + reference),
    }
    return _write(directory, name, _rewrite_zip(_small_bytes(), change=change, add=_external_link_parts()))


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE sst [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>\n"
)


def billion_laughs_workbook(directory: Path, *, name: str = "miljard-skratt.xlsx") -> Path:
    """A small price list whose shared strings declare nine levels of nested entities and use the last one."""
    return _write(directory, name, _with_doctype(BILLION_LAUGHS, b"&lol9;"))


def external_entity_workbook(directory: Path, target: Path, *, name: str = "extern-entitet.xlsx") -> Path:
    """A small price list whose product name is an external entity pointing at ``target`` (a local file)."""
    doctype = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file://%s">]>\n' % (
        str(target).encode()
    )
    return _write(directory, name, _with_doctype(doctype, b"&xxe;"))


def utf16_doctype_workbook(directory: Path, *, name: str = "utf16-dtd.xlsx") -> Path:
    """A small price list whose ``[Content_Types].xml`` is UTF-16 with a DOCTYPE (the check must decode it)."""

    def to_utf16(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml.lstrip())
        text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE Types [<!ENTITY x "y">]>' + body.decode()
        return b"\xff\xfe" + text.encode("utf-16-le")

    return _write(directory, name, _rewrite_zip(_small_bytes(), change={"[Content_Types].xml": to_utf16}))


def _with_doctype(doctype: bytes, entity: bytes) -> bytes:
    """The small price list with ``doctype`` before its shared strings and ``entity`` as the first product name."""

    def change(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml.lstrip())
        return doctype + body.replace(b"<t>Sol</t>", b"<t>" + entity + b"</t>", 1)

    return _rewrite_zip(_small_bytes(), change={"xl/sharedStrings.xml": change})


def rows_beyond_excel_workbook(directory: Path, *, name: str = "for-manga-rader.xlsx", row: int = 1_048_577) -> Path:
    """A small price list with one more row at ``row`` (past Excel's last row), under a modest ``<dimension>``."""

    def add_row(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]*/>", b'<dimension ref="A1:J7"/>', xml)
        far = (
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>MD9</t></is></c>'
            b'<c r="B%d" t="inlineStr"><is><t>x</t></is></c></row>' % (row, row, row)
        )
        return xml.replace(b"</sheetData>", far + b"</sheetData>")

    return _write(directory, name, _rewrite_zip(_small_bytes(), change={"xl/worksheets/sheet1.xml": add_row}))


def control_character_workbook(
    directory: Path, *, character: str = "\x07", row: int = 3, name: str = "styrtecken.xlsx"
) -> Path:
    """The small price list with ``character`` inside the product name of data row ``row`` (Excel row ``row + 1``)."""
    rows = [list(r) for r in SMALL_ROWS]
    rows[row - 1][2] = f"Vega{character}Soft"
    return price_list(directory, SMALL_LAYOUT, rows, name=name)


# --- helpers -------------------------------------------------------------------------------------


def _write(directory: Path, name: str, data: bytes) -> Path:
    path = Path(directory) / name
    path.write_bytes(data)
    return path


def _new_book(target, *, title: str = "Prislista", author: str = "Testleverantör") -> xlsxwriter.Workbook:
    """An xlsxwriter workbook with fixed document properties (deterministic bytes)."""
    book = xlsxwriter.Workbook(target)
    book.set_properties({"title": title, "author": author, "created": CREATED})
    return book


def _date_format(book):
    return book.add_format({"num_format": "yyyy-mm-dd"})


def _price_list_bytes(layout, rows, *, title_rows=0, sheet="Blad1", extra_sheets=()) -> bytes:
    buffer = io.BytesIO()
    book = _new_book(buffer)
    formats = {"date": _date_format(book)}
    for extra_name, extra_rows in extra_sheets:
        _write_rows(book.add_worksheet(extra_name), 0, extra_rows, formats)
    worksheet = book.add_worksheet(sheet)
    titles = _titles(title_rows)
    _write_rows(worksheet, 0, [[title] for title in titles], formats)
    _write_row(worksheet, len(titles), list(layout), default=book.add_format({"bold": True}))
    _write_rows(worksheet, len(titles) + 1, rows, formats)
    book.close()
    return buffer.getvalue()


def _titles(title_rows) -> list[str]:
    if not isinstance(title_rows, int):
        return list(title_rows)
    return [f"Prislista 2026 – titelrad {i}" for i in range(1, title_rows + 1)]


def _write_rows(worksheet, first: int, rows, formats) -> None:
    for offset, row in enumerate(rows):
        _write_row(worksheet, first + offset, row, date_format=formats["date"])


def _write_row(worksheet, number: int, values, *, formats=None, default=None, date_format=None) -> None:
    """Write one row, each value by its type; ``formats`` maps column index → cell format."""
    for column, value in enumerate(values):
        cell_format = (formats or {}).get(column, default)
        if isinstance(value, (date, datetime)) and cell_format is None:
            cell_format = date_format
        _write_cell(worksheet, number, column, value, cell_format)


def _write_cell(worksheet, row: int, column: int, value, cell_format) -> None:
    if value is None:
        return
    if isinstance(value, Formula):
        worksheet.write_formula(row, column, value.text, cell_format, value.value)
    elif isinstance(value, str):
        worksheet.write_string(row, column, value, cell_format)
    elif isinstance(value, bool):
        worksheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, (int, float)):
        worksheet.write_number(row, column, value, cell_format)
    elif isinstance(value, (date, datetime)):
        worksheet.write_datetime(row, column, value, cell_format)
    else:
        raise TypeError(f"cannot write {type(value).__name__} to a cell")


def _contract_row(model) -> list:
    if isinstance(model, ContractModel):
        return model.as_row()
    return [model.get(header) for header in SORTIMENT_HEADERS]


def _small_bytes() -> bytes:
    return _price_list_bytes(SMALL_LAYOUT, SMALL_ROWS)


def _zip_bytes(entries: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry_name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(entry_name, ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _rewrite_zip(data: bytes, *, change: Mapping | None = None, add: Mapping[str, bytes] | None = None) -> bytes:
    """Copy a zip, passing the named entries through ``change`` functions and appending ``add``."""
    entries: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            entries[info.filename] = (change or {}).get(info.filename, lambda b: b)(content)
    entries.update(add or {})
    return _zip_bytes(entries)


def _entry_data_span(data: bytes, entry_name: str) -> tuple[int, int]:
    """Offset and length of an entry's compressed data inside the zip bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(entry_name)
    offset = info.header_offset
    name_length = int.from_bytes(data[offset + 26 : offset + 28], "little")
    extra_length = int.from_bytes(data[offset + 28 : offset + 30], "little")
    return offset + 30 + name_length + extra_length, info.compress_size


def _insert_after_open_tag(xml: bytes, tag: bytes, insert: bytes) -> bytes:
    start = xml.index(b"<" + tag)
    end = xml.index(b">", start) + 1
    return xml[:end] + insert + xml[end:]


def _add_relationship(relationship: bytes):
    return lambda xml: xml.replace(b"</Relationships>", relationship + b"</Relationships>")


def _external_link_parts() -> dict[str, bytes]:
    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<externalBook r:id="rId1"><sheetNames><sheetName val="Blad1"/></sheetNames>'
        b'<sheetDataSet><sheetData sheetId="0"/></sheetDataSet></externalBook></externalLink>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLinkPath" Target="file:///C:/Priser/gamla-priser.xlsx"'
        b' TargetMode="External"/>'
        b"</Relationships>"
    )
    return {"xl/externalLinks/externalLink1.xml": link, "xl/externalLinks/_rels/externalLink1.xml.rels": rels}


def _ole_file(stream_names: Sequence[bytes]) -> bytes:
    """A minimal compound file: the 512-byte header, one directory sector naming the streams, padding."""
    header = bytearray(512)
    header[0:8] = OLE_MAGIC
    header[24:26] = (0x3E).to_bytes(2, "little")  # minor version
    header[26:28] = (3).to_bytes(2, "little")  # major version 3: 512-byte sectors
    header[28:30] = b"\xfe\xff"  # byte order mark
    header[30:32] = (9).to_bytes(2, "little")  # sector shift
    header[32:34] = (6).to_bytes(2, "little")  # mini sector shift
    header[48:52] = (0).to_bytes(4, "little")  # first directory sector
    entries = [_ole_directory_entry(stream, index == 0) for index, stream in enumerate(stream_names)]
    directory = b"".join(entries)
    directory = directory.ljust(512 * ((len(directory) + 511) // 512), b"\x00")
    return bytes(header) + directory + bytes(1024)


def _ole_directory_entry(stream_name: bytes, root: bool) -> bytes:
    """A 128-byte directory entry: UTF-16-LE name, name length, object type."""
    encoded = stream_name.decode("latin-1").encode("utf-16-le") + b"\x00\x00"
    entry = bytearray(128)
    entry[0 : len(encoded)] = encoded
    entry[64:66] = len(encoded).to_bytes(2, "little")
    entry[66] = 5 if root else 2  # 5 = root storage, 2 = stream
    return bytes(entry)
