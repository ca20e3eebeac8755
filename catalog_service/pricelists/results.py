"""A stored import's rows for people and clients: one page of a verdict's rows, and the invalid rows as a workbook.

The upload pages and the API both read them here, so a summary's links lead to the same rows the pages show.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exports.formats.xlsx_format import write_workbook

from .models import PriceListImport, PriceListRow
from .service import invalid_rows
from .verdicts import Verdict

INVALID_HEADERS = ("Flik", "Rad", "Kolumn", "Fel", "Typ", "Artikelnummer")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_page(session: Session, import_id: int, verdict: Verdict, page: int, per_page: int):
    """One page (from 1) of the import's rows with ``verdict``, in file order, and how many there are in all."""
    where = (PriceListRow.import_id == import_id, PriceListRow.verdict == verdict)
    total = session.scalar(select(func.count()).select_from(PriceListRow).where(*where))
    rows = session.scalars(
        select(PriceListRow).where(*where).order_by(PriceListRow.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return rows, total


def invalid_rows_workbook(session: Session, draft: PriceListImport) -> tuple[bytes, str]:
    """The import's invalid rows with their messages as an .xlsx (to send back to the supplier), and its file name."""
    rows = invalid_rows(session, draft.id)  # in INVALID_HEADERS order
    moment = draft.created_at.astimezone(UTC).replace(tzinfo=None)  # the same import gives the same file
    body = write_workbook([("Ogiltiga rader", [INVALID_HEADERS, *rows])], moment)
    return body, f"ogiltiga-rader-{draft.supplier}-{draft.id}.xlsx"
