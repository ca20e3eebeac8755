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
        return write_workbook([(ITEMS_SHEET, items), (DOCUMENT_SHEET, fields)], published_at_utc(document))
