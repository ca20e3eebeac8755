"""The sample price lists in other formats, as suppliers send them: converted by LibreOffice, or as CSV.

:func:`convert` runs one ``soffice --headless --convert-to`` for many files (LibreOffice starts in
seconds, so tests convert once per session). :func:`workbook_as_csv` writes a workbook's values as
the CSV a Swedish Excel saves (``;``, decimal comma, Windows-1252, CRLF) and says on which line each
sheet row ended up. :func:`password_xls` saves a real password-protected .xls through LibreOffice's
UNO bridge, which only Debian's ``python3`` (package python3-uno) has.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import python_calamine

SOFFICE = shutil.which("soffice")
SYSTEM_PYTHON = "/usr/bin/python3"
PASSWORD_SCRIPT = Path(__file__).with_name("libreoffice_password.py")


def has_uno() -> bool:
    """Whether LibreOffice can be driven from Debian's python3 (for password-protected files)."""
    if SOFFICE is None or not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


def convert(sources: list[Path], target_format: str, folder: Path, profile: Path) -> dict[Path, Path]:
    """Each source converted by LibreOffice to ``target_format`` (xls, ods, …) in one run: source → result."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target_format]
    command += ["--outdir", str(folder), *map(str, sources)]
    subprocess.run(command, check=True, timeout=600, capture_output=True)
    extension = target_format.split(":")[0]
    results = {source: folder / f"{source.stem}.{extension}" for source in sources}
    missing = [str(path) for path in results.values() if not path.exists()]
    assert not missing, f"LibreOffice wrote no {missing}"
    return results


def password_xls(source: Path, target: Path, password: str, profile: Path) -> Path:
    """``source`` saved by LibreOffice as an .xls that opens only with ``password``."""
    command = [SYSTEM_PYTHON, str(PASSWORD_SCRIPT), str(source), str(target), password, str(profile)]
    subprocess.run(command, check=True, timeout=300, capture_output=True)
    return target


def csv_cell(value) -> str:
    """A cell as a Swedish Excel writes it into CSV: decimal comma, dates as YYYY-MM-DD, whole numbers bare."""
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def workbook_as_csv(
    source: Path,
    target: Path,
    header_rows: dict[str, int],
    *,
    encoding: str = "cp1252",
    delimiter: str = ";",
) -> dict[tuple[str, int], int]:
    """The workbook's sheets as one CSV file; (sheet, row) → the line it is on.

    The first sheet is written whole (titles and notes above its header included); later sheets
    follow without their rows down to and including their header (``header_rows``), as a person
    pasting the sheets under one header would do. Line numbers are 1-based, like row numbers.
    """
    book = python_calamine.load_workbook(str(source))
    lines: dict[tuple[str, int], int] = {}
    written = 0
    with open(target, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        for index, name in enumerate(book.sheet_names):
            if name not in header_rows:
                continue
            sheet = book.get_sheet_by_name(name)
            start = (sheet.start or (0, 0))[0]
            for number, row in enumerate(sheet.iter_rows(), start=start + 1):
                if index and number <= header_rows[name]:
                    continue
                writer.writerow([csv_cell(value) for value in row])
                written += 1
                lines[(name, number)] = written
    return lines


# --- small files in other formats, built without LibreOffice --------------------------------------


def small_csv(
    directory: Path,
    *,
    name: str = "prislista.csv",
    rows: list[list] | None = None,
    encoding: str = "cp1252",
    delimiter: str = ";",
    above: list[str] = (),
    bom: bool = False,
) -> Path:
    """The small Medi list (tests.factories.workbooks.SMALL_ROWS) as CSV; ``above``: lines before the header."""
    from tests.factories import workbooks as wb

    path = Path(directory) / name
    with open(path, "w", encoding="utf-8-sig" if bom else encoding, newline="") as handle:
        for line in above:
            handle.write(line + "\r\n")
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        for row in [wb.SMALL_LAYOUT, *(wb.SMALL_ROWS if rows is None else rows)]:
            writer.writerow([csv_cell(value) for value in row])
    return path


def csv_in_neither_encoding(directory: Path, *, name: str = "prislista-okand-kodning.csv") -> Path:
    """A ';' CSV whose third line holds 0x81 and 0x8D, bytes that neither UTF-8 nor Windows-1252 defines
    (a list saved in an old DOS code page, where 0x81 is ü)."""
    path = small_csv(directory, name=name)
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace(b"Sol", b"Sol Gr\x81n\x8d", 1)
    path.write_bytes(b"\r\n".join(lines))
    return path


def binary_file(directory: Path, *, name: str = "bild.xlsx") -> Path:
    """A PNG image's first bytes: neither a workbook nor text."""
    path = Path(directory) / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    return path


ODS_CONTENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b'<office:body><office:spreadsheet><table:table table:name="Blad1"><table:table-row><table:table-cell '
    b'office:value-type="string"><text:p>Art.nr</text:p></table:table-cell></table:table-row></table:table>'
    b"</office:spreadsheet></office:body></office:document-content>"
)
ODS_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    b'<manifest:file-entry manifest:full-path="/" '
    b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>"
)
ODS_ENCRYPTED_MANIFEST = ODS_MANIFEST.replace(
    b'manifest:media-type="text/xml"/>',
    b'manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K" '
    b'manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
    b'manifest:initialisation-vector="AAAA"/></manifest:encryption-data></manifest:file-entry>',
)


def ods(
    directory: Path,
    *,
    name: str = "prislista.ods",
    manifest: bytes = ODS_MANIFEST,
    content: bytes = ODS_CONTENT,
    extra=None,
) -> Path:
    """A minimal OpenDocument spreadsheet (``mimetype`` first, stored), with ``extra`` parts added."""
    import zipfile

    path = Path(directory) / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
        for part, data in (extra or {}).items():
            archive.writestr(part, data)
    return path


def encrypted_ods(directory: Path) -> Path:
    """An .ods saved with a password: its manifest carries encryption data."""
    return ods(directory, name="losenord.ods", manifest=ODS_ENCRYPTED_MANIFEST)


def macro_ods(directory: Path) -> Path:
    """An .ods with a LibreOffice Basic module."""
    module = (
        b'<?xml version="1.0" encoding="UTF-8"?><script:module script:name="Module1">Sub Main\nEnd Sub</script:module>'
    )
    return ods(directory, name="makro.ods", extra={"Basic/Standard/Module1.xml": module})


def doctype_ods(directory: Path) -> Path:
    """An .ods whose settings part declares an entity (billion laughs' first step)."""
    settings = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    return ods(directory, name="dtd.ods", extra={"settings.xml": settings})


def macro_xls(source: Path, target: Path) -> Path:
    """An .xls (as LibreOffice writes it) whose ``\\x01CompObj`` stream is renamed ``_VBA_PROJECT_CUR``:
    to the file's directory it now carries a VBA project, which is all the guard looks at."""
    data = bytearray(source.read_bytes())
    old = "\x01CompObj".encode("utf-16-le") + b"\x00\x00"
    new = "_VBA_PROJECT_CUR".encode("utf-16-le") + b"\x00\x00"
    at = data.find(old)
    assert at > 0 and data.count(old) == 1, "no CompObj entry in the OLE directory"
    data[at : at + 64] = new.ljust(64, b"\x00")
    data[at + 64 : at + 66] = len(new).to_bytes(2, "little")
    target.write_bytes(bytes(data))
    return target
