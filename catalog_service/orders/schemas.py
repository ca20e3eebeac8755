from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, post_load, validate


class FindingSchema(Schema):
    sheet = fields.String()
    row = fields.Integer()
    column = fields.String()
    kind = fields.String()


class OrderImportSummarySchema(Schema):
    """The `orders import --json` object of DESIGN.md."""

    status = fields.String(metadata={"description": "stored or refused"})
    import_id = fields.Integer(allow_none=True)
    data_rows = fields.Integer()
    stored = fields.Integer()
    before_contract_start = fields.Integer()
    already_present = fields.Integer()
    updated = fields.Integer()
    findings = fields.List(fields.Nested(FindingSchema))
    errors = fields.List(fields.Dict())


class OrderFileSchema(Schema):
    file = Upload(required=True)


class OrderQuerySchema(Schema):
    kundordernummer = fields.String(metadata={"description": "exact customer order number"})
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class OrderLineSchema(Schema):
    supplier = fields.String()
    article_number = fields.String()
    quantity = fields.Integer()
    made_to_measure = fields.Boolean()
    order_date = fields.Date()
    expected_at_hmc = fields.Date()
    arrived_at_hmc = fields.Date(allow_none=True)
    expected_at_home = fields.Date()
    delivered_at = fields.Date(allow_none=True)


class OrderSchema(Schema):
    kundordernummer = fields.String()
    lines = fields.List(fields.Nested(OrderLineSchema))


class OrderPageSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    orders = fields.List(fields.Nested(OrderSchema))


class ReorderSchema(Schema):
    kundordernummer = fields.String()
    allowed = fields.List(fields.Dict())
    not_allowed = fields.List(fields.Dict())


def _known_supplier(value: str) -> None:
    from ..suppliers import profiles

    if value.strip() and value.strip().lower() not in profiles():
        # the value is not echoed: it is the caller's free text
        raise ValidationError(f"Okänd leverantör. Kända leverantörer: {', '.join(sorted(profiles()))}.")


class DeliveryReportQuerySchema(Schema):
    supplier = fields.String(
        validate=_known_supplier,
        metadata={"description": "supplier code, e.g. medi; empty (a form's empty choice) means every supplier"},
    )

    @post_load
    def _normalise(self, data, **_kwargs):
        supplier = (data.pop("supplier", None) or "").strip().lower()
        if supplier:
            data["supplier"] = supplier
        return data


class DeliveryReportRowSchema(Schema):
    """Lead-time figures of one supplier and month (of the order date)."""

    supplier = fields.String(metadata={"description": "supplier code"})
    month = fields.String(metadata={"description": "YYYY-MM of the order date"})
    lines = fields.Integer()
    arrived = fields.Integer(metadata={"description": "lines with an arrival date at HMC"})
    within_lead_time = fields.Integer(metadata={"description": "arrived on or before the contract lead time"})
    share_within = fields.Float(allow_none=True, metadata={"description": "within / arrived; null when none arrived"})
    median_working_days = fields.Float(
        allow_none=True, metadata={"description": "median working days from order to arrival at HMC"}
    )
    overdue_now = fields.Integer(metadata={"description": "not arrived, expected date before today"})
