from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, Date, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from importers.pricelist import PROBLEM, ParsedRow

from ..extensions import db
from ..models import UTCDateTime, utcnow
from .verdicts import Verdict

if TYPE_CHECKING:  # shared with orders and contracts (files.py); the mapper finds it by name
    from ..files import SourceFile


class ImportStatus(enum.StrEnum):
    draft = "draft"  # waiting for review
    superseded = "superseded"  # a newer draft of the same supplier replaced it
    published = "published"


class PriceListImport(db.Model):
    """One imported price list of one supplier: a draft until it is published."""

    __tablename__ = "pricelist_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[ImportStatus] = mapped_column(Enum(ImportStatus, native_enum=False, length=20))
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    data_rows: Mapped[int] = mapped_column(Integer, default=0)
    skipped_rows: Mapped[int] = mapped_column(Integer, default=0)
    allowed: Mapped[int] = mapped_column(Integer, default=0)
    excluded: Mapped[dict] = mapped_column(JSON, default=dict)  # reason → count
    invalid_by_kind: Mapped[dict] = mapped_column(JSON, default=dict)
    skipped_sheets: Mapped[list] = mapped_column(JSON, default=list)
    unknown_colours: Mapped[list] = mapped_column(JSON, default=list)
    layout: Mapped[list] = mapped_column(JSON, default=list)  # per sheet: name, header row, columns

    source_file: Mapped[SourceFile] = relationship()
    contract: Mapped[Contract] = relationship()  # noqa: F821 - resolved by name in the registry


class PriceListRow(db.Model):
    """One data row of an imported file with its cleaned values and its verdict.

    Written in bulk (driver executemany, COPY on PostgreSQL), never row by row
    through the ORM: an import can hold hundreds of thousands of rows. A row
    judged ``not_procured`` (most of a supplier's catalogue) keeps only what
    identifies it: sheet, row, article number, model, class and price; its other
    values stay in the stored source file. That halves the write time of a
    large import.
    """

    __tablename__ = "pricelist_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("pricelist_imports.id", ondelete="CASCADE"), index=True)
    sheet: Mapped[str] = mapped_column(String())
    row_number: Mapped[int] = mapped_column(Integer)
    article_number: Mapped[str | None] = mapped_column(String())
    gtin: Mapped[str | None] = mapped_column(String())
    model: Mapped[str | None] = mapped_column(String())
    name: Mapped[str | None] = mapped_column(String())
    compression_class: Mapped[int | None] = mapped_column(Integer)
    garment_type: Mapped[str | None] = mapped_column(String())
    size: Mapped[str | None] = mapped_column(String())
    length: Mapped[str | None] = mapped_column(String())
    colour: Mapped[str | None] = mapped_column(String())
    colour_code: Mapped[str | None] = mapped_column(String())
    base_colour: Mapped[str | None] = mapped_column(String())
    # The contract model the verdict rules matched (allowed, outside_validity, non_base_colour rows):
    # publishing takes the contract's terms from it instead of matching the model a second time.
    procured_model_id: Mapped[int | None] = mapped_column(ForeignKey("procured_models.id"))
    price_ore: Mapped[int | None] = mapped_column(BigInteger)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    verdict: Mapped[Verdict] = mapped_column(Enum(Verdict, native_enum=False, length=20))
    reason: Mapped[str | None] = mapped_column(String(40))  # the invalid_row kind
    error_column: Mapped[str | None] = mapped_column(String())
    error_message: Mapped[str | None] = mapped_column(String())


# Where a ParsedRow field is stored, when the column name differs from the field's.
FIELD_COLUMNS = {"row": "row_number"}
# Column order of the bulk writer: the import, a ParsedRow's fields but its problem, then what judging adds
# (the problem is stored as reason, error_column and error_message).
ROW_COLUMNS = (
    "import_id",
    *(FIELD_COLUMNS.get(name, name) for name in ParsedRow._fields[:PROBLEM]),
    "base_colour",
    "procured_model_id",
    "verdict",
    "reason",
    "error_column",
    "error_message",
)
# The fields kept for rows judged not_procured (with the import and the verdict).
SHORT_FIELDS = ("sheet", "row", "article_number", "model", "compression_class", "price_ore")
SHORT_ROW_COLUMNS = ("import_id", *(FIELD_COLUMNS.get(name, name) for name in SHORT_FIELDS), "verdict")


class JobStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class ImportJob(db.Model):
    """A price list uploaded through the pages, imported in a background process.

    Progress (rows done of rows expected) is written while the import runs; the
    import itself stays one transaction, so a failed job leaves nothing behind.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))  # safe display name, never a path
    status: Mapped[JobStatus] = mapped_column(Enum(JobStatus, native_enum=False, length=20), default=JobStatus.queued)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_expected: Mapped[int] = mapped_column(Integer, default=0)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("pricelist_imports.id"))
    result_status: Mapped[str | None] = mapped_column(String(20))  # draft | unchanged
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(String(2000))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
