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
