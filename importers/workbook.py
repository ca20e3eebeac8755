"""Opening an uploaded workbook safely, and reading its sheets row by row.

Workbooks come in three containers: a zip (.xlsx, .xlsb, .ods), an OLE compound
file (.xls) or, not here, plain text (CSV: :mod:`importers.delimited`). The
checks look only at the first bytes, the zip or OLE directory and the heads of
parts, so a hostile file is refused before any XML is parsed. Reading uses python-calamine
(Rust): measured on a 300,000-row list it reads in about 2.3 s where openpyxl's
read-only mode takes about 39 s. calamine aborts the whole process on absurd
sheet dimensions, which is why :mod:`importers.isolation` runs it in a child.

python-calamine loads a whole sheet before its first row: 2.0 s and about 300 MB
for 300,000 rows, growing with the sheet. A price list in .xlsx is therefore
read by :func:`stream_sheets` (python-calamine-plus, the same Rust reader made
to stream): rows move as the sheet XML is parsed, 1.4 s for the same list, in
memory that does not grow with the sheet. Its values are made python-calamine's
(:func:`as_calamine_row`), so both readers give the same rows.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import olefile
import python_calamine
import python_calamine_plus

from .errors import unreadable, unsupported

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SAVE_AS_XLSX = "Öppna filen i Excel och spara den som Excel-arbetsbok (.xlsx)."
SAVE_AGAIN = "Öppna filen i Excel, spara den på nytt som Excel-arbetsbok (.xlsx) och ladda upp den igen."
ASK_SUPPLIER = "Be leverantören om en ny fil, eller spara den på nytt i Excel som en vanlig .xlsx."
TRIM_SHEET = "Ta bort innehåll och formatering utanför prislistans tabell och spara filen igen."
# What reading a damaged zip can raise: bad directory or headers, inflate errors (zlib.error),
# CRC mismatches (BadZipFile), encrypted entries (RuntimeError), unknown compression (NotImplementedError).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError)


@dataclass(frozen=True)
class WorkbookLimits:
    """Bounds checked before parsing; defaults fit price lists of a million rows."""

    max_entries: int = 2000
    max_uncompressed_bytes: int = 1_500_000_000
    max_ratio: float = 200.0
    max_rows: int = 1_048_576
    max_columns: int = 256


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# The workbook formats, by what their container holds (see spreadsheet_format).
WORKBOOK_FORMATS = ("xlsx", "xlsb", "ods", "xls")


def check_workbook(path: Path, limits: WorkbookLimits = WorkbookLimits()) -> str:
    """Refuse anything that is not a plain, sane workbook; its format ("xlsx", "xlsb", "ods" or "xls").

    Raises ImportFileError (``unsupported`` for wrong file types, encrypted or
    macro-carrying workbooks; ``unreadable`` for damaged or dangerous containers).
    Reads only the file head, the zip or OLE directory and the heads of parts.
    """
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise unsupported("Filen är tom. " + SAVE_AS_XLSX)
    if head == OLE_MAGIC:
        _check_ole(path)
        return "xls"
    if not head.startswith(ZIP_MAGIC):
        raise unsupported("Filen är ingen Excel-arbetsbok (.xlsx), kanske en CSV-fil. " + SAVE_AS_XLSX)
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(archive, limits)
    except ZIP_ERRORS as exc:
        raise unreadable(
            "Filen är skadad eller ofullständig (trasig zip). " + SAVE_AGAIN, reason=_exception_name(exc)
        ) from None


def spreadsheet_format(path: Path) -> str | None:
    """The workbook format from the container's content (not the name), or None for anything else."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        return "xls"
    if not head.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            return _zip_format(archive)
    except ZIP_ERRORS:
        return None


def _zip_format(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names and "content.xml" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
        return "ods"
    return None


PASSWORD = "Arbetsboken är lösenordsskyddad. Ta bort lösenordet och spara som .xlsx."
MACROS = "Arbetsboken innehåller makron. Spara den som .xlsx utan makron."
MACRO_STORAGES = ("_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA")  # where an .xls keeps its VBA project
BIFF_BOF, BIFF_FILEPASS, BIFF_EOF, BIFF_BOUNDSHEET = 0x0809, 0x002F, 0x000A, 0x0085
MACRO_SHEET_TYPES = (b"\x01", b"\x06")  # a BOUNDSHEET's sheet type: Excel 4 macro sheet, VBA module


def _check_ole(path: Path) -> None:
    """An .xls (OLE compound file): refuse encrypted, macro-carrying or non-Excel documents, unread."""
    with open(path, "rb") as handle:
        sample = handle.read(1 << 20)
    if "EncryptedPackage".encode("utf-16-le") in sample or b"EncryptionInfo" in sample:
        raise unsupported(PASSWORD)  # an encrypted .xlsx travels in an OLE container
    try:
        with olefile.OleFileIO(str(path)) as ole:
            entries = ["/".join(parts) for parts in ole.listdir(streams=True, storages=True)]
            stream = next((name for name in ("Workbook", "Book") if ole.exists(name)), None)
            globals_head = ole.openstream(stream).read(65536) if stream else b""
    except Exception as exc:  # olefile raises OSError, ValueError, struct.error … on a damaged directory
        raise unreadable(
            "Filen är skadad eller ofullständig (trasig .xls-fil). " + SAVE_AGAIN, reason=_exception_name(exc)
        ) from None
    if any(name.split("/")[0] in ("EncryptedPackage", "EncryptionInfo") for name in entries):
        raise unsupported(PASSWORD)
    if any(part.upper() in MACRO_STORAGES for entry in entries for part in entry.split("/")):
        raise unsupported(MACROS)
    if stream is None:
        raise unsupported("Filen är ett Office-dokument men ingen Excel-arbetsbok. " + SAVE_AS_XLSX)
    encrypted, macro_sheets = _biff_globals(globals_head)
    if encrypted:
        raise unsupported(PASSWORD)
    if macro_sheets:
        raise unsupported(MACROS)


def _biff_globals(data: bytes) -> tuple[bool, bool]:
    """(encrypted, has macro sheets) from the workbook globals, the first BIFF substream of an .xls.

    An encrypted .xls has a FILEPASS record there; a macro sheet (Excel 4) or VBA module is a
    BOUNDSHEET record of its sheet type. Records are a 2-byte type and a 2-byte length, then the data.
    """
    position = 0
    while position + 4 <= len(data):
        kind, length = struct.unpack_from("<HH", data, position)
        if kind == BIFF_FILEPASS:
            return True, False
        # BOUNDSHEET: a 4-byte stream position, the visibility, then the sheet type.
        if kind == BIFF_BOUNDSHEET and length >= 6 and data[position + 9 : position + 10] in MACRO_SHEET_TYPES:
            return False, True
        if kind == BIFF_EOF or (position and kind == BIFF_BOF):
            break
        position += 4 + length
    return False, False


def _check_archive(archive: zipfile.ZipFile, limits: WorkbookLimits) -> str:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise unreadable(
            f"Filen har för många delar ({len(entries)}); högst {limits.max_entries}. " + ASK_SUPPLIER,
            entries=len(entries),
            max_entries=limits.max_entries,
        )
    total = sum(e.file_size for e in entries)
    if total > limits.max_uncompressed_bytes:
        raise unreadable(
            f"Filen är för stor uppackad ({total // 1_000_000} MB); "
            f"högst {limits.max_uncompressed_bytes // 1_000_000} MB. "
            "Dela upp filen i flera filer eller ta bort bilder och andra objekt.",
            uncompressed_bytes=total,
        )
    for entry in entries:
        if entry.file_size > 1_000_000 and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
            raise unreadable(
                "Filen är misstänkt hårt packad (zip-bomb) och läses inte. " + ASK_SUPPLIER, entry=entry.filename
            )
    names = {e.filename for e in entries}
    kind = _zip_format(archive)
    if kind == "ods":
        _check_ods(archive, names)
        _check_xml_prologs(archive, entries)
        return kind
    if kind is None:
        raise unsupported("Filen är ingen Excel-arbetsbok (.xlsx): arbetsboksdelen saknas. " + SAVE_AS_XLSX)
    if "xl/vbaProject.bin" in names or _is_macro_enabled(archive):
        raise unsupported(MACROS)
    if any(n.startswith("xl/externalLinks/") for n in names):
        raise unsupported("Arbetsboken har externa länkar. Spara den med värden i stället för länkar.")
    if kind == "xlsx":
        _check_dimensions(archive, entries, limits)
    _check_xml_prologs(archive, entries)
    return kind


def _check_ods(archive: zipfile.ZipFile, names: set[str]) -> None:
    """An OpenDocument spreadsheet: refuse an encrypted one and one with macros (Basic or scripts)."""
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except KeyError:
        manifest = b""
    if b"encryption-data" in manifest:
        raise unsupported(PASSWORD)
    if any(n.startswith(("Basic/", "Scripts/")) for n in names):
        raise unsupported(MACROS)


def _is_macro_enabled(archive: zipfile.ZipFile) -> bool:
    try:
        content_types = archive.read("[Content_Types].xml")
    except KeyError:
        return False
    return b"macroEnabled" in content_types


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"(?:[A-Z]+\d+:)?([A-Z]+)(\d+)\"")


def _check_dimensions(archive: zipfile.ZipFile, entries, limits: WorkbookLimits) -> None:
    """Refuse a sheet whose declared size is absurd; reading it would exhaust memory."""
    for entry in entries:
        if not entry.filename.startswith("xl/worksheets/") or not entry.filename.endswith(".xml"):
            continue
        with archive.open(entry) as stream:
            head = stream.read(4096)
        match = _DIMENSION.search(head)
        if match is None:
            continue
        last_cell = f"{match.group(1).decode()}{int(match.group(2))}"
        if int(match.group(2)) > limits.max_rows or column_number(match.group(1).decode()) > limits.max_columns:
            raise unreadable(
                f"Bladet är för stort (sista cell {last_cell}): "
                f"högst {limits.max_rows} rader och {limits.max_columns} kolumner. " + TRIM_SHEET,
                part=entry.filename,
                last_cell=last_cell,
            )


# Parts that are XML in an .xlsx (or .ods) package. OOXML forbids a DTD in any of them (ECMA-376 part 2, 8.1.4),
# so a DOCTYPE or ENTITY declaration is a billion-laughs or external-entity attempt, refused unparsed.
XML_PART_SUFFIXES = (".xml", ".rels", ".vml")
PROLOG_BYTES = 65536
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_:]")


def _check_xml_prologs(archive: zipfile.ZipFile, entries) -> None:
    """Refuse XML parts with a document type or entity declarations (read only the part's head)."""
    for entry in entries:
        if not entry.filename.lower().endswith(XML_PART_SUFFIXES):
            continue
        with archive.open(entry) as stream:
            head = _as_utf8(stream.read(PROLOG_BYTES))
        if _DECLARATION.search(head) or (len(head) >= PROLOG_BYTES and not _FIRST_ELEMENT.search(head)):
            raise unreadable(
                "Filen innehåller otillåtna XML-deklarationer (DTD eller entiteter) och läses inte. " + ASK_SUPPLIER,
                part=entry.filename,
            )


def _as_utf8(head: bytes) -> bytes:
    """The head of an XML part as UTF-8, whether the part is written in UTF-8 or UTF-16 (as XML allows)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        little = head[:2] == b"\xff\xfe" or head[1:2] == b"\x00"
        return head.decode("utf-16-le" if little else "utf-16-be", errors="ignore").encode("utf-8")
    return head


def column_number(letters: str) -> int:
    """Excel column letters to a 1-based number: A → 1, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 → A."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def iter_sheets(path: Path, max_rows: int = WorkbookLimits.max_rows) -> Iterator[tuple[str, int, Iterator[list]]]:
    """Yield (sheet name, number of rows, rows) for each worksheet, left to right.

    Rows are lists of cell values (``''`` for empty cells, floats for numbers,
    dates for date cells); formula cells give their cached value. Row i of the
    iterator is Excel row i + 1 and cell j is column j + 1, whatever empty rows
    and columns come before the used range. A sheet of more than ``max_rows``
    rows (its ``<dimension>`` was missing or lied) raises ImportFileError.
    """
    try:
        book = _load_workbook(path)
    except python_calamine.PasswordError:
        raise unsupported(PASSWORD) from None
    except (python_calamine.CalamineError, ValueError) as exc:  # ZipError, XmlError are CalamineErrors
        raise unreadable("Arbetsboken kan inte läsas. " + SAVE_AGAIN, reason=_exception_name(exc)) from None
    with book:
        for meta in book.sheets_metadata:
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                continue
            try:
                with _reader_panic(meta.name):
                    sheet = book.get_sheet_by_name(meta.name)
            except (python_calamine.CalamineError, ValueError) as exc:  # ZipError, XmlError are CalamineErrors
                raise unreadable(
                    f"Bladet {meta.name!r} kan inte läsas. " + SAVE_AGAIN, sheet=meta.name, reason=_exception_name(exc)
                ) from None
            start_row = (sheet.start or (0, 0))[0]
            height = start_row + sheet.height
            if height > max_rows:
                raise _too_many_rows(meta.name, height, max_rows)
            yield meta.name, height, _rows(sheet, meta.name)


def stream_sheets(path: Path, max_rows: int = WorkbookLimits.max_rows) -> Iterator[tuple[str, int, Iterator[list]]]:
    """:func:`iter_sheets` for an .xlsx, streamed: each sheet's rows are parsed from the file as they are taken.

    The same rows as iter_sheets gives (row i of a sheet is Excel row i + 1). The number of rows
    given with each sheet is its declared last row (``<dimension>``; 0 when the
    sheet declares none), for progress only: a sheet is refused when more than
    ``max_rows`` rows are actually read, and reading stops there. A stream is
    valid until the next sheet's starts, so take each sheet's rows before the next.
    """
    try:
        book = _load_streaming_workbook(path)
        last_rows = declared_last_rows(path)
    except python_calamine_plus.PasswordError:
        raise unsupported(PASSWORD) from None
    except (python_calamine_plus.CalamineError, ValueError, *ZIP_ERRORS) as exc:
        raise unreadable("Arbetsboken kan inte läsas. " + SAVE_AGAIN, reason=_exception_name(exc)) from None
    # Not closed here: a sheet's stream may be read after the next sheet was asked for (it then raises), or after
    # this generator ended; the workbook goes with the last stream that uses it.
    for meta in book.sheets_metadata:
        if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
            continue
        try:
            with _reader_panic(meta.name):
                # Rows are 0-based here: one row past max_rows is read, to know the sheet is too long.
                stream = book.stream_sheet_by_name(meta.name, max_row=max_rows)
        except (python_calamine_plus.CalamineError, ValueError) as exc:
            raise unreadable(
                f"Bladet {meta.name!r} kan inte läsas. " + SAVE_AGAIN, sheet=meta.name, reason=_exception_name(exc)
            ) from None
        yield meta.name, last_rows.get(meta.name, 0), _StreamedRows(stream, meta.name, max_rows)


def _load_streaming_workbook(path: Path):
    """As :func:`_load_workbook`: a file whose name does not say .xlsx is given as bytes."""
    if path.suffix.lower() == ".xlsx":
        return python_calamine_plus.CalamineWorkbook.from_path(str(path))
    with open(path, "rb") as handle:
        return python_calamine_plus.CalamineWorkbook.from_filelike(handle)


class _StreamedRows:
    """A streamed sheet's rows, as python-calamine gives them (an iterator), or as streamed (``take_raw``).

    The row limit is kept either way, and a sheet that turns out unreadable further in raises ImportFileError.
    """

    def __init__(self, stream, name: str, max_rows: int):
        self.stream, self.name, self.max_rows = stream, name, max_rows
        self.count = 0

    def __iter__(self) -> _StreamedRows:
        return self

    def __next__(self) -> list:
        rows = self.take_raw(1)
        if not rows:
            raise StopIteration
        return as_calamine_row(rows[0])

    def take_raw(self, n: int) -> list[list]:
        """The next ``n`` rows (fewer at the end) as streamed: whole numbers as ints, error cells as their words.

        A reader that takes rows this way makes them python-calamine's itself, column by column (as_calamine_column).
        """
        try:
            with _reader_panic(self.name):
                rows = list(islice(self.stream, n))
        except (python_calamine_plus.CalamineError, ValueError) as exc:  # XmlError further into the sheet
            raise unreadable(
                f"Bladet {self.name!r} kan inte läsas. " + SAVE_AGAIN, sheet=self.name, reason=_exception_name(exc)
            ) from None
        self.count += len(rows)
        if self.count > self.max_rows:
            raise _too_many_rows(self.name, self.max_rows + 1, self.max_rows)
        return rows


# What an error cell (#N/A, #DIV/0! …) streams as; python-calamine reads it as an empty cell. (calamine refuses any
# other error value, in both readers.) A text cell holding exactly one of these words is read as empty too.
EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def as_calamine_row(row: list) -> list:
    """A streamed row as python-calamine gives it: whole numbers as floats (the stream gives ints), error cells empty.

    Checked at C speed first: most rows need nothing, and a row's cells are looked at one by one only when needed.
    """
    if int not in map(type, row) and EXCEL_ERRORS.isdisjoint(row):
        return row
    return ["" if value in EXCEL_ERRORS else float(value) if value.__class__ is int else value for value in row]


def as_calamine_column(cells) -> list | tuple:
    """:func:`as_calamine_row` for one column's cells (a list or tuple); the cells as given when nothing changes."""
    if int in set(map(type, cells)):
        cells = [float(value) if value.__class__ is int else value for value in cells]
    if not EXCEL_ERRORS.isdisjoint(cells):
        cells = ["" if value in EXCEL_ERRORS else value for value in cells]
    return cells


_SHEET_ELEMENT = re.compile(rb"<(?:\w+:)?sheet\s([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
WORKBOOK_PART_BYTES = 4 << 20  # of xl/workbook.xml and its relationships: a few kB in any real workbook


def declared_last_rows(path: Path) -> dict[str, int]:
    """Sheet name → the last row its ``<dimension>`` declares, for the sheets of an .xlsx that declare one.

    Read from the workbook part, its relationships and each sheet's first 4 kB only (the prologs were checked
    by check_workbook): no sheet is parsed.
    """
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        sheets = [_attributes(m) for m in _SHEET_ELEMENT.findall(_part_head(archive, "xl/workbook.xml", names))]
        rels = _part_head(archive, "xl/_rels/workbook.xml.rels", names)
        targets = {a.get("Id"): a.get("Target", "") for a in map(_attributes, _RELATIONSHIP.findall(rels))}
        found = {}
        for sheet in sheets:
            rel = next((value for key, value in sheet.items() if key.endswith(":id")), None)
            target = targets.get(rel, "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            match = _DIMENSION.search(_part_head(archive, part, names, 4096))
            if match and "name" in sheet:
                found[sheet["name"]] = int(match.group(2))
    return found


def _part_head(archive: zipfile.ZipFile, name: str, names: set[str], size: int = WORKBOOK_PART_BYTES) -> bytes:
    if name not in names:
        return b""
    with archive.open(name) as stream:
        return stream.read(size)


def _attributes(text: bytes) -> dict[str, str]:
    return {key.decode(): html.unescape(value.decode("utf-8", "replace")) for key, value in _ATTRIBUTE.findall(text)}


def _too_many_rows(name: str, rows: int, max_rows: int):
    return unreadable(
        f"Bladet {name!r} har för många rader ({rows}): högst {max_rows} rader läses. "
        "Ta bort tomma rader efter tabellen, eller dela upp listan i flera filer, och spara filen igen.",
        sheet=name,
        rows=rows,
        max_rows=max_rows,
    )


def _load_workbook(path: Path):
    """calamine picks its reader by the file name, and uploads are stored under any name: a file whose
    name does not say its format is given as bytes, which calamine tells apart by content."""
    kind = spreadsheet_format(path)
    if kind is None or path.suffix.lower() == f".{kind}":
        return python_calamine.load_workbook(str(path))
    with open(path, "rb") as handle:
        return python_calamine.load_workbook(handle)


def _rows(sheet, name: str) -> Iterator[list]:
    """The sheet's rows from Excel row 1 and column A: python-calamine (0.9) gives the empty rows above the
    first used one itself, but starts each row at the first used column, so only columns are padded."""
    _start_row, start_col = sheet.start or (0, 0)
    with _reader_panic(name):
        if start_col:
            padding = [""] * start_col
            for row in sheet.iter_rows():
                yield padding + row
        else:
            yield from sheet.iter_rows()


@contextmanager
def _reader_panic(sheet: str):
    """calamine panics (a BaseException, not an Exception) on some impossible cells, such as a date cell
    holding -1e308 (found by tests/fuzz): that is an unreadable workbook, not a crash."""
    try:
        yield
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise unreadable(
            f"Bladet {sheet!r} har en cell som inte kan läsas, till exempel ett datum utanför Excels kalender. "
            + SAVE_AGAIN,
            sheet=sheet,
            reason="calamine.PanicException",
        ) from None


def _exception_name(exc: BaseException) -> str:
    """``zipfile.BadZipFile``, ``zlib.error``: enough to tell a damaged zip's kind apart in details."""
    return f"{type(exc).__module__}.{type(exc).__qualname__}"
