"""Marshmallow schemas of the webhook API (never a secret, except once in the answer to a registration)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class EndpointInSchema(Schema):
    eshop = fields.String(
        required=True, validate=validate.Length(min=1, max=40), metadata={"description": "supplier code"}
    )
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "https:// receiver (private, link-local and metadata addresses are refused)"},
    )


class AttemptSchema(Schema):
    started_at = fields.String()
    duration_ms = fields.Integer()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    ok = fields.Boolean()


class DeliverySchema(Schema):
    id = fields.Integer()
    endpoint_id = fields.Integer()
    event = fields.String(metadata={"description": "assortment.version_published or assortment.version_effective"})
    message_id = fields.String(metadata={"description": "the webhook-id header"})
    supplier = fields.String()
    version = fields.Integer()
    status = fields.String(metadata={"description": "pending, sending, succeeded or failed"})
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_try_at = fields.String(allow_none=True)
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)
    tries = fields.List(fields.Nested(AttemptSchema))


class EndpointSchema(Schema):
    id = fields.Integer()
    eshop = fields.String()
    url = fields.String()
    created_by = fields.String()
    created_at = fields.String()
    last_delivery = fields.Nested(DeliverySchema, allow_none=True)


class CreatedEndpointSchema(EndpointSchema):
    secret = fields.String(metadata={"description": "the signing secret (whsec_…), shown only in this answer"})
