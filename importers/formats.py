"""Which reader reads a price-list file: one place that maps a file to its format, checks and rows.

The format is found from the file's content, never from its name (uploads are
stored under a name of our own): a zip or OLE container is a workbook (.xlsx,
.xlsb, .ods, .xls), other text is CSV. Every format yields the same row stream,
``(sheet name, number of rows, rows)`` per sheet as
:func:`importers.workbook.iter_sheets` does, so header scan, value cleaning and
verdicts are shared. A new format is one entry in ``FORMATS`` and one test in
:func:`file_format`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import delimited, workbook
from .errors import unsupported
from .workbook import WorkbookLimits

Rows = Iterator[tuple[str, int, Iterator[list]]]


@dataclass(frozen=True)
class Format:
    name: str
    label: str  # as people know it, in messages and the README
    check: Callable[[Path, WorkbookLimits], object]  # the cheap checks, in the importing process
    sheets: Callable[[Path, int], Rows]  # the reading, in the reader child


def _check_workbook(path: Path, limits: WorkbookLimits) -> None:
    workbook.check_workbook(path, limits)


def _check_csv(path: Path, limits: WorkbookLimits) -> None:
    delimited.check_csv(path, limits.max_rows)


FORMATS = {
    "xlsx": Format("xlsx", "Excel-arbetsbok (.xlsx)", _check_workbook, workbook.stream_sheets),
    "xlsb": Format("xlsb", "binär Excel-arbetsbok (.xlsb)", _check_workbook, workbook.iter_sheets),
    "xls": Format("xls", "äldre Excel-arbetsbok (.xls)", _check_workbook, workbook.iter_sheets),
    "ods": Format("ods", "OpenDocument-kalkylblad (.ods)", _check_workbook, workbook.iter_sheets),
    "csv": Format("csv", "CSV-fil (.csv)", _check_csv, delimited.iter_csv),
}
# What the upload form's file picker offers (its ``accept``): the formats' file name extensions and media types.
ACCEPTED_FILES = (
    ".xlsx",
    ".xlsb",
    ".xls",
    ".ods",
    ".csv",
    ".txt",
    ".xml",  # a Peppol BIS Catalogue 3 (importers/peppol.py)
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
    "text/csv",
    "application/xml",
    "text/xml",
)


def file_format(path: Path) -> Format:
    """The format of the file at ``path``, from its first bytes and container directory."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if not head:
        raise unsupported("Filen är tom. Välj prislistans fil (.xlsx, .xls, .ods eller .csv) och ladda upp den igen.")
    if head.startswith((workbook.OLE_MAGIC, workbook.ZIP_MAGIC)):
        return FORMATS[workbook.spreadsheet_format(path) or "xlsx"]  # a zip of something else: refused as .xlsx
    # A text format told by its first bytes (XML, say) is recognised here, before the CSV fallback.
    if delimited.looks_like_text(head):
        return FORMATS["csv"]
    raise unsupported(
        "Filen är varken en arbetsbok (.xlsx, .xls, .ods) eller en textfil (CSV). "
        "Spara prislistan som Excel-arbetsbok (.xlsx) eller CSV och ladda upp den igen."
    )


def check_file(path: Path, limits: WorkbookLimits | None = None) -> Format:
    """Refuse a file that is no sane price-list file of any format (cheap checks); its format otherwise."""
    kind = file_format(path)
    kind.check(path, limits or WorkbookLimits())
    return kind


def iter_file_sheets(path: Path, max_rows: int = WorkbookLimits.max_rows) -> Rows:
    """The file's sheets as rows, read by its format's reader (see :func:`importers.workbook.iter_sheets`)."""
    return file_format(path).sheets(path, max_rows)
