"""Consultation requests, the work orders made from them, their shared timeline and the number counters.

No column holds personal data: a request is known by its own number and the WebSesam customer
order number; every free-text column has passed the privacy guard before it is written.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import UTCDateTime, utcnow

# Length limits of the free-text columns, shared by the service's checks, the schemas and the forms.
DESCRIPTION_MAX = 500
MODEL_MAX = 100
COMMENT_MAX = 500
SPECIFICATION_MAX = 500
UNIT_CODE_MAX = 20


class RequestStatus(enum.StrEnum):
    submitted = "submitted"
    in_review = "in_review"
    resolved_with_alternative = "resolved_with_alternative"
    awaiting_cost_approval = "awaiting_cost_approval"
    approved = "approved"
    work_order_created = "work_order_created"
    rejected = "rejected"
    closed = "closed"
    resolved_in_assortment = "resolved_in_assortment"


class RequestReason(enum.StrEnum):
    no_procured_model_fits = "no_procured_model_fits"
    measurements_outside_sizes = "measurements_outside_sizes"
    medical_need_material_or_colour = "medical_need_material_or_colour"
    no_longer_orderable = "no_longer_orderable"
    other = "other"


class Urgency(enum.StrEnum):
    normal = "normal"
    urgent = "urgent"


class WorkOrderStatus(enum.StrEnum):
    created = "created"
    ordered = "ordered"
    received_at_hmc = "received_at_hmc"
    delivered = "delivered"
    closed = "closed"


class NumberCounter(db.Model):
    """The last number handed out per series (``KONS``, ``AO``) and year.

    A new number is one UPDATE ... RETURNING on this row, in the transaction that stores the
    request or work order: the row lock (PostgreSQL) or the write lock (SQLite) makes concurrent
    callers take turns, and a rolled-back transaction gives its number back, so there are no gaps.
    """

    __tablename__ = "request_number_counters"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class ConsultationRequest(db.Model):
    """A prescriber's request for something outside the assortment (a consultation work order)."""

    __tablename__ = "consultation_requests"
    __table_args__ = (
        Index("ix_consultation_requests_kundordernummer", "kundordernummer"),
        Index("ix_consultation_requests_status", "status"),
        Index("ix_consultation_requests_submitted_at", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # KONS-2026-000123
    kundordernummer: Mapped[str] = mapped_column(String(40))
    supplier: Mapped[str | None] = mapped_column(String(40))
    article_number: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(MODEL_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    reason: Mapped[RequestReason] = mapped_column(Enum(RequestReason, native_enum=False, length=40))
    urgency: Mapped[Urgency] = mapped_column(Enum(Urgency, native_enum=False, length=20))
    unit_code: Mapped[str] = mapped_column(String(UNIT_CODE_MAX))
    status: Mapped[RequestStatus] = mapped_column(Enum(RequestStatus, native_enum=False, length=40))
    # In-assortment answer: where the article was found (the item itself is read from that version).
    found_supplier: Mapped[str | None] = mapped_column(String(40))
    found_in_version: Mapped[int | None] = mapped_column(Integer)
    # Not in the current assortment, but in an earlier published version of this supplier.
    last_seen_supplier: Mapped[str | None] = mapped_column(String(40))
    last_seen_version: Mapped[int | None] = mapped_column(Integer)
    alternative_article_number: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by: Mapped[str] = mapped_column(String(100))
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_by: Mapped[str] = mapped_column(String(100))

    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id", cascade="all, delete-orphan"
    )
    work_order: Mapped[WorkOrder | None] = relationship(back_populates="request", uselist=False)


class WorkOrder(db.Model):
    """HMC's order to a supplier for an approved request; delivered through HMC."""

    __tablename__ = "work_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # AO-2026-000123
    request_id: Mapped[int] = mapped_column(ForeignKey("consultation_requests.id"), unique=True)
    supplier: Mapped[str] = mapped_column(String(40))
    article_number: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(MODEL_MAX))
    specification: Mapped[str | None] = mapped_column(String(SPECIFICATION_MAX))
    made_to_measure: Mapped[bool] = mapped_column(Boolean, default=False)
    cost_estimate_sek: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    cost_unit_code: Mapped[str] = mapped_column(String(UNIT_CODE_MAX))
    # The contract lead time when the order was made: a later configuration change keeps its promise.
    lead_time_working_days: Mapped[int] = mapped_column(Integer)
    status: Mapped[WorkOrderStatus] = mapped_column(Enum(WorkOrderStatus, native_enum=False, length=20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_by: Mapped[str] = mapped_column(String(100))

    request: Mapped[ConsultationRequest] = relationship(back_populates="work_order")


class RequestEvent(db.Model):
    """One step of a request's timeline (its work order's steps included): from, to, who, when, comment."""

    __tablename__ = "request_events"
    __table_args__ = (Index("ix_request_events_request_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("consultation_requests.id", ondelete="CASCADE"))
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))

    request: Mapped[ConsultationRequest] = relationship(back_populates="events")
