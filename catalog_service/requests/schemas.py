"""Marshmallow schemas of the request API.

Input schemas declare types and document limits; the checks themselves (formats, lengths, the
privacy guard) run in the service, so the API, the pages and the CLI refuse the same input the
same way, naming the field and never the value.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .candidates import DEFAULT_MIN_COUNT, DEFAULT_MONTHS
from .models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    MODEL_MAX,
    SPECIFICATION_MAX,
    UNIT_CODE_MAX,
    RequestReason,
    RequestStatus,
    Urgency,
)
from .workflow import RequestAction, WorkOrderAction


def _text(max_length: int, description: str, **options):
    return fields.String(allow_none=True, metadata={"maxLength": max_length, "description": description}, **options)


class RequestInSchema(Schema):
    kundordernummer = fields.String(required=True, metadata={"description": "WebSesam customer order number"})
    supplier = fields.String(allow_none=True, metadata={"description": "supplier code (optional), e.g. medi"})
    article_number = fields.String(allow_none=True, metadata={"description": "the supplier's article number"})
    model = _text(MODEL_MAX, "model asked for (free text, privacy-checked)")
    description = _text(DESCRIPTION_MAX, "short description of the need (free text, privacy-checked)", required=True)
    reason = fields.Enum(RequestReason, by_value=True, required=True)
    urgency = fields.Enum(Urgency, by_value=True, load_default=Urgency.normal)
    unit_code = fields.String(
        required=True, metadata={"maxLength": UNIT_CODE_MAX, "description": "prescribing unit's code, e.g. VGR-1234"}
    )


class EventSchema(Schema):
    action = fields.String()
    from_ = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String()
    actor = fields.String()
    at = fields.DateTime()
    comment = fields.String(allow_none=True)
    work_order = fields.Boolean(metadata={"description": "a step of the request's work order"})


class SeenSchema(Schema):
    supplier = fields.String()
    version = fields.Integer()


class FoundSchema(Schema):
    supplier = fields.String()
    eshop = fields.String(metadata={"description": "the supplier's e-shop, where to order"})
    version = fields.Integer()
    item = fields.Dict(allow_none=True, metadata={"description": "the feed item"})


class RequestSchema(Schema):
    number = fields.String()
    status = fields.Enum(RequestStatus, by_value=True)
    kundordernummer = fields.String()
    supplier = fields.String(allow_none=True)
    article_number = fields.String(allow_none=True)
    model = fields.String(allow_none=True)
    description = fields.String()
    reason = fields.Enum(RequestReason, by_value=True)
    urgency = fields.Enum(Urgency, by_value=True)
    unit_code = fields.String()
    note = fields.String(allow_none=True, metadata={"description": "in which version the article was last present"})
    last_seen = fields.Nested(SeenSchema, allow_none=True)
    found = fields.Nested(FoundSchema, allow_none=True)
    alternative_article_number = fields.String(allow_none=True)
    submitted_at = fields.DateTime()
    submitted_by = fields.String()
    status_changed_at = fields.DateTime()
    status_changed_by = fields.String()
    waiting_working_days = fields.Integer(allow_none=True, metadata={"description": "while open; null when answered"})
    overdue = fields.Boolean()
    work_order = fields.String(allow_none=True)
    history = fields.List(fields.Nested(EventSchema))
    actions = fields.List(fields.String(), metadata={"description": "steps the caller may take now"})


class InAssortmentSchema(Schema):
    """The answer when the article is in the current assortment: order it in the supplier's e-shop."""

    number = fields.String()
    status = fields.String(metadata={"description": "resolved_in_assortment"})
    supplier = fields.String()
    eshop = fields.String()
    version = fields.Integer()
    item = fields.Dict(metadata={"description": "the feed item"})
    message = fields.String()


class RequestQuerySchema(Schema):
    status = fields.List(
        fields.Enum(RequestStatus, by_value=True), metadata={"description": "one or more (repeat the parameter)"}
    )
    supplier = fields.String()
    urgency = fields.Enum(Urgency, by_value=True)
    age = fields.Integer(
        validate=validate.Range(min=0, max=1000), metadata={"description": "waited at least this many working days"}
    )
    overdue = fields.Boolean(metadata={"description": "only open requests waiting longer than the limit"})
    kundordernummer = fields.String()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class RequestPageSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    overdue_working_days = fields.Integer(metadata={"description": "the overdue limit in working days"})
    requests = fields.List(fields.Nested(RequestSchema))


class ActionSchema(Schema):
    action = fields.Enum(RequestAction, by_value=True, required=True)
    comment = _text(COMMENT_MAX, "comment on the step (free text, privacy-checked)")
    alternative_article_number = fields.String(allow_none=True, metadata={"description": "propose_alternative"})
    cost_estimate_sek = fields.Decimal(allow_none=True, metadata={"description": "approve: the approved cost, SEK"})
    cost_unit_code = fields.String(allow_none=True, metadata={"description": "approve: the cost-responsible unit"})
    made_to_measure = fields.Boolean(allow_none=True, metadata={"description": "approve: lead time 10, else 5 days"})
    supplier = fields.String(allow_none=True, metadata={"description": "approve: when the request names none"})
    article_number = fields.String(allow_none=True, metadata={"description": "approve: when it differs"})
    specification = _text(SPECIFICATION_MAX, "approve: article specification (default: the description)")


class WorkOrderSchema(Schema):
    number = fields.String()
    status = fields.String()
    request = fields.String()
    kundordernummer = fields.String()
    supplier = fields.String()
    article_number = fields.String(allow_none=True)
    model = fields.String(allow_none=True)
    specification = fields.String(allow_none=True)
    made_to_measure = fields.Boolean()
    cost_estimate_sek = fields.Decimal(as_string=True)
    cost_unit_code = fields.String()
    lead_time_working_days = fields.Integer()
    created_at = fields.DateTime()
    created_by = fields.String()
    ordered_at = fields.DateTime(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    expected_at_hmc = fields.Date(allow_none=True)
    expected_at_home = fields.Date(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "ordered, not arrived, expected date passed"})
    history = fields.List(fields.Nested(EventSchema))
    actions = fields.List(fields.String())


class WorkOrderActionSchema(Schema):
    action = fields.Enum(WorkOrderAction, by_value=True, required=True)
    comment = _text(COMMENT_MAX, "comment on the step (free text, privacy-checked)")


class CandidateQuerySchema(Schema):
    min_count = fields.Integer(load_default=DEFAULT_MIN_COUNT, validate=validate.Range(min=1, max=1000))
    months = fields.Integer(load_default=DEFAULT_MONTHS, validate=validate.Range(min=1, max=120))


class CandidateWindowSchema(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()


class _CandidateFields(Schema):
    supplier = fields.String(allow_none=True)
    count = fields.Integer()
    first_requested = fields.Date()
    last_requested = fields.Date()
    reasons = fields.Dict(keys=fields.String(), values=fields.Integer())
    requests = fields.List(fields.String())


class ArticleCandidateSchema(_CandidateFields):
    article_number = fields.String()


class ModelCandidateSchema(_CandidateFields):
    model = fields.String(metadata={"description": "as first spelled; grouped trimmed and case-insensitively"})


class CandidatesSchema(Schema):
    window = fields.Nested(CandidateWindowSchema)
    min_count = fields.Integer()
    months = fields.Integer()
    articles = fields.List(fields.Nested(ArticleCandidateSchema))
    models = fields.List(fields.Nested(ModelCandidateSchema))
