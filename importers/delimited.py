"""Reading a price list saved as CSV: the same row stream as a workbook's sheet.

A CSV file is one sheet (named ``CSV`` in messages). Its encoding is found from
the bytes by a strict decode order, never guessed: UTF-8 (a byte order mark is
allowed), then Windows-1252. A file that is valid UTF-8 is never read as
Windows-1252, and a Windows-1252 file is not valid UTF-8 as soon as it holds
one of å, ä, ö, so ``ä`` never silently becomes ``Ã¤``. A file that decodes in
neither is refused, naming the line of the first bad byte. The delimiter
(``;``, ``,`` or tab) is the one that splits the first lines most evenly.

Rows are lists of text cells (``''`` for empty ones), numbered by the file's
line numbers: a quoted cell spanning lines is followed by an empty row per
extra line, so the next row keeps its line number. Nothing is evaluated: a
cell ``=1+2`` is the text ``=1+2``.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from .errors import unreadable, unsupported

SHEET_NAME = "CSV"
DELIMITERS = (";", ",", "\t")
SNIFF_LINES = 50
MAX_FIELD_CHARACTERS = 100_000  # one cell; csv's own default is 131,072
SAVE_AS_CSV = "Spara filen på nytt som CSV (UTF-8) eller som Excel-arbetsbok (.xlsx) och ladda upp den igen."
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabb"}


def looks_like_text(head: bytes) -> bool:
    """Whether a file's first bytes may be text: no NUL byte (binary files have them), or a UTF-16
    byte order mark (text, which :func:`decode` refuses with advice)."""
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (bool(head) and b"\x00" not in head)


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and its encoding's name ("utf-8" or "windows-1252"); ImportFileError when neither fits."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise unsupported(
            "Filen är en textfil i UTF-16 eller ingen textfil alls, och läses inte. "
            "Spara den som CSV (UTF-8) eller som Excel-arbetsbok (.xlsx)."
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8"
        except UnicodeDecodeError as error:
            raise _undecodable(data, utf8=error.start + 3) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError as cp1252_error:
            raise _undecodable(data, utf8=utf8_error.start, cp1252=cp1252_error.start) from None


def _undecodable(data: bytes, *, utf8: int, cp1252: int | None = None):
    """The refusal of a text file in an unknown encoding, naming the line of the first bad byte in each.

    UTF-8 fails on any Windows-1252 file with å, ä or ö; the byte that Windows-1252 cannot read either
    is the one that makes the file unreadable, so its line is ``row`` in the details.
    """
    failures = [("UTF-8", utf8)] + ([] if cp1252 is None else [("Windows-1252", cp1252)])
    where = [(name, data.count(b"\n", 0, offset) + 1, f"0x{data[offset]:02X}") for name, offset in failures]
    if len(where) == 1:
        _name, line, byte = where[0]
        message = f"Filen kan inte läsas som text: rad {line} har ett tecken (byte {byte}) som inte är UTF-8. "
    elif where[0][1:] == where[1][1:]:
        _, line, byte = where[0]
        message = (
            f"Filen är varken UTF-8 eller Windows-1252: rad {line} har ett tecken (byte {byte}) "
            "som ingen av dem kan läsa. "
        )
    else:
        message = (
            "Filen är varken UTF-8 eller Windows-1252: "
            + " och ".join(f"som {name} kan rad {line} inte läsas (byte {byte})" for name, line, byte in where)
            + ". "
        )
    _name, line, byte = where[-1]  # the line that makes the file unreadable: Windows-1252 is the last try
    return unreadable(
        message + SAVE_AS_CSV,
        row=line,
        byte=byte,
        lines={name: line for name, line, _ in where},
    )


def check_csv(path: Path, max_rows: int) -> str:
    """Refuse a text file that cannot be read as a CSV price list; its encoding's name otherwise."""
    text, encoding = decode(path.read_bytes())
    lines = _line_count(text)
    if lines > max_rows:
        raise _too_many_rows(lines, max_rows)
    return encoding


def iter_csv(path: Path, max_rows: int) -> Iterator[tuple[str, int, Iterator[list]]]:
    """Yield the file as one sheet: (``CSV``, number of lines, rows), like :func:`importers.workbook.iter_sheets`."""
    text, _encoding = decode(path.read_bytes())
    lines = io.StringIO(text, newline="").readlines()  # \n, \r\n or \r, kept as csv wants them
    del text
    if len(lines) > max_rows:
        raise _too_many_rows(len(lines), max_rows)
    delimiter = sniff_delimiter(lines[:SNIFF_LINES])
    yield SHEET_NAME, len(lines), _rows(lines, delimiter)


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that gives the most lines the same number (above one) of cells; ``;`` when none does."""
    best, best_score = ";", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1)
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        if (count, width) > best_score:
            best, best_score = delimiter, (count, width)
    return best


def _rows(lines: list[str], delimiter: str) -> Iterator[list]:
    previous = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD_CHARACTERS)
    try:
        reader = csv.reader(lines, delimiter=delimiter, strict=False)
        line = 0  # the last line read so far
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise unreadable(
                    f"Rad {line + 1} i filen kan inte läsas som CSV ({error}). " + SAVE_AS_CSV, row=line + 1
                ) from None
            yield row
            # A quoted cell with line breaks spans lines: one empty row per extra line keeps the numbering.
            for _ in range(reader.line_num - line - 1):
                yield []
            line = reader.line_num
    finally:
        csv.field_size_limit(previous)


def _line_count(text: str) -> int:
    return len(io.StringIO(text, newline="").readlines())


def _too_many_rows(lines: int, max_rows: int):
    return unreadable(
        f"Filen har för många rader ({lines}): högst {max_rows} rader läses. "
        "Dela upp listan i flera filer och ladda upp dem var för sig.",
        sheet=SHEET_NAME,
        rows=lines,
        max_rows=max_rows,
    )
