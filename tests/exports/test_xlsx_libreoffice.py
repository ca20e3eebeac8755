"""A reader nobody here wrote: LibreOffice converts our XLSX to CSV, and the values must match the JSON feed."""

import csv
import json
import shutil
import subprocess

import pytest

from exports.feed import ITEM_KEYS, item_row
from exports.formats.json_format import JsonFormat
from exports.formats.xlsx_format import XlsxFormat

SOFFICE = shutil.which("soffice")
# Filter options: comma, double quote, UTF-8 (76), first line 1.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice, Debian package libreoffice-calc) is not installed")
def test_libreoffice_reads_the_xlsx_values_as_json_has_them(document, tmp_path):
    source = tmp_path / "feed.xlsx"
    source.write_bytes(XlsxFormat().write(document))
    out = tmp_path / "out"
    command = [
        SOFFICE,
        f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
        "--headless",
        "--convert-to",
        CSV_FILTER,
        "--outdir",
        str(out),
        str(source),
    ]
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    with (out / "feed.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    booleans = [ITEM_KEYS.index("made_to_measure"), ITEM_KEYS.index("hmc_stock_item")]
    for row in rows[1:]:
        for index in booleans:
            row[index] = row[index].lower()  # LibreOffice writes TRUE/FALSE
    items = json.loads(JsonFormat().write(document))["items"]
    expected = [[_as_text(value) for value in item_row(item)] for item in items]
    assert rows[0] == list(ITEM_KEYS)
    assert rows[1:] == expected
