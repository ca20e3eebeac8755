"""A plain table as an XLSX workbook (one sheet, a header row): reports people download from the pages."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from exports.formats.xlsx_format import _append


def table_xlsx(sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """The rows under ``headers`` on sheet ``sheet``; text stays text (never a formula)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    _append(worksheet, headers)
    for row in rows:
        _append(worksheet, row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
