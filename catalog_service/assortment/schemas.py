from __future__ import annotations

from marshmallow import Schema, fields, validate


class VersionSchema(Schema):
    supplier = fields.String()
    number = fields.Integer(data_key="version")
    kind = fields.Function(lambda v: v.kind.value)
    published_at = fields.DateTime()
    published_by = fields.String()
    item_count = fields.Integer(data_key="items")
    import_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)


class PublishSchema(Schema):
    confirm_removal = fields.Boolean(load_default=False, metadata={"description": "needed above 20 % removed"})
    reason = fields.String(load_default=None, allow_none=True, metadata={"description": "why; needed with confirm"})


class RollbackSchema(Schema):
    to_version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    # Documented as the service checks it: at least one character that is not a space.
    reason = fields.String(required=True, metadata={"minLength": 1, "pattern": r"\S"})


class ReviewSchema(Schema):
    import_id = fields.Integer()
    supplier = fields.String()
    status = fields.String()
    uploaded_by = fields.String()
    against_version = fields.Integer(allow_none=True)
    diff = fields.Dict()
    reconciliation = fields.Dict()
    layout_warnings = fields.List(fields.String())
    invalid_gtins = fields.List(fields.Dict(), metadata={"description": "GTIN med fel kontrollsiffra: sheet, row"})
