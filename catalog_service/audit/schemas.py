from marshmallow import Schema, fields, validate


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    object_type = fields.String()
    object_id = fields.String(allow_none=True)
    details = fields.Dict()


class AuditQuerySchema(Schema):
    action = fields.String()
    actor = fields.String()
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditPageQuerySchema(AuditQuerySchema):
    """The audit page's filters: the API's, and object type, a date range and a page number."""

    object_type = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
