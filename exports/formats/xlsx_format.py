"""XLSX: sheet "Sortiment" with one row per item, sheet "Dokument" with the document's own fields.

Written with openpyxl in write-only mode. Every text value becomes a string cell
even when it starts with ``=``: openpyxl would otherwise store it as a formula,
which a spreadsheet runs on opening. The price stays text ("559.00"), so the
three formats carry identical values; booleans and ints are typed cells.

The same document gives the same bytes: the workbook's created/modified
properties are set to ``published_at`` and the zip entries are repacked with
that timestamp (openpyxl stamps both with the current time otherwise).

openpyxl is imported when a workbook is written: it takes about 0.3 s to import,
which the registry's other formats and the command line should not pay.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from exports.feed import ITEM_KEYS, document_rows, item_row, published_at_utc

ITEMS_SHEET = "Sortiment"
DOCUMENT_SHEET = "Dokument"
_ZIP_EPOCH = datetime(1980, 1, 1)  # the earliest time a zip entry can carry


def _cell(cell_class, worksheet, value):
    """A write-only cell for one value; text is always a string cell, never a formula."""
    cell = cell_class(worksheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _append(cell_class, worksheet, values) -> None:
    worksheet.append([_cell(cell_class, worksheet, value) for value in values])


def _repack(archive: bytes, moment: datetime) -> bytes:
    """The zip with every entry stamped ``moment``, deflated, in the same order."""
    stamp = max(moment, _ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the default depends on the platform
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry))
    return out.getvalue()


def write_workbook(sheets: list[tuple[str, list[list]]], moment: datetime) -> bytes:
    """Sheets of rows as XLSX bytes; text is never a formula, and the same input gives the same bytes.

    ``moment`` (naive UTC) stamps the workbook properties and the zip entries.
    The feed and other reports (the stock list) share this one writer.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    workbook.properties.created = workbook.properties.modified = moment
    for title, rows in sheets:
        worksheet = workbook.create_sheet(title)
        for row in rows:
            _append(WriteOnlyCell, worksheet, row)
    return _repack(_save(workbook), moment)


def _save(workbook) -> bytes:
    # ExcelWriter rather than Workbook.save, which overwrites properties.modified with now.
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


class XlsxFormat:
    name = "xlsx"
    extensions = ("xlsx",)
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def write(self, document: dict) -> bytes:
        """The document as an XLSX workbook; same document, same bytes."""
        items = [list(ITEM_KEYS), *(item_row(item) for item in document["items"])]
        fields = [list(row) for row in document_rows(document)]
        sheets = [(ITEMS_SHEET, items), (DOCUMENT_SHEET, fields)]
        moment = published_at_utc(document)
        try:
            return write_plain_workbook(sheets, moment)
        except _NotPlain:  # a value the plain writer does not write (a date, a control character): openpyxl
            return write_workbook(sheets, moment)


# --- the plain writer ----------------------------------------------------------------------------------
# openpyxl spends about 0.2 ms per row of a feed (a cell object per value, its XML written element by
# element): 4-5 s of publishing a 20,000-item version. A feed holds only text, whole numbers, booleans and
# empty cells, so its sheets are written here directly as XML, text as inline strings (never a formula).


class _NotPlain(Exception):
    """A value the plain writer leaves to openpyxl."""


_NS = "http://schemas.openxmlformats.org/"
_MAIN = _NS + "spreadsheetml/2006/main"
_REL = _NS + "officeDocument/2006/relationships"
_PKG = _NS + "package/2006/"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_TYPE = "application/vnd.openxmlformats-officedocument."
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
# XML 1.0 allows no other characters below U+0020 (openpyxl refuses them too).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})  # sheet names


def _sheet_xml(rows: list[list]) -> bytes:
    from importers.workbook import column_letter  # here, not at the top: it loads the workbook readers

    width = max((len(row) for row in rows), default=0)
    letters = [column_letter(i) for i in range(width)]
    lines = [f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>']
    for number, row in enumerate(rows, start=1):
        cells = []
        for letter, value in zip(letters, row, strict=False):
            kind = value.__class__
            if value is None:
                continue
            if kind is str:
                space = ' xml:space="preserve"' if value != value.strip() else ""
                if "&" in value or "<" in value or ">" in value:
                    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                cells.append(f'<c r="{letter}{number}" t="inlineStr"><is><t{space}>{value}</t></is></c>')
            elif kind is bool:
                cells.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
            elif kind is int:
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            else:  # floats, dates, decimals: openpyxl knows their formats
                raise _NotPlain
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    lines.append("</sheetData></worksheet>")
    xml = "".join(lines)
    # Only the texts can hold such a character (the markup around them does not): one search of the whole
    # sheet rather than one per cell.
    if _ILLEGAL.search(xml):
        raise _NotPlain
    return xml.encode("utf-8")


def write_plain_workbook(sheets: list[tuple[str, list[list]]], moment: datetime) -> bytes:
    """Sheets of text, whole numbers, booleans and empty cells as XLSX bytes; same input, same bytes.

    ``moment`` (naive UTC) stamps the workbook properties and the zip entries. Raises _NotPlain for
    any other value (``write_workbook`` writes those).
    """
    parts = [(f"xl/worksheets/sheet{n}.xml", _sheet_xml(rows)) for n, (_, rows) in enumerate(sheets, start=1)]
    names = "".join(
        f'<sheet name="{title.translate(_ESCAPES)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, (title, _) in enumerate(sheets, start=1)
    )
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    links += f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{_TYPE}spreadsheetml.worksheet+xml"/>' for name, _ in parts
    )
    stamp = max(moment, _ZIP_EPOCH).strftime("%Y-%m-%dT%H:%M:%SZ")
    package = [
        (
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="{_PKG}content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}spreadsheetml.sheet.main+xml"/>'
            f'{overrides}<Override PartName="/xl/styles.xml" ContentType="{_TYPE}spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
        ),
        (
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG}relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG}relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>',
        ),
        (
            "docProps/core.xml",
            f'{_HEAD}<cp:coreProperties xmlns:cp="{_PKG}metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>HMC katalog</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>',
        ),
        (
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{names}</sheets></workbook>',
        ),
        ("xl/_rels/workbook.xml.rels", f'{_HEAD}<Relationships xmlns="{_PKG}relationships">{links}</Relationships>'),
        ("xl/styles.xml", _STYLES),
    ]
    zip_time = max(moment, _ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in [*package, *parts]:
            info = zipfile.ZipInfo(name, date_time=zip_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the default depends on the platform
            info.external_attr = 0o600 << 16
            archive.writestr(info, content)
    return out.getvalue()
