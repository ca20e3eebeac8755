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
    effective_from = fields.DateTime(metadata={"description": "when the version takes effect (UTC)"})
    state = fields.Function(
        lambda v: v.state.value,
        metadata={"description": "by the clock now: scheduled, in_effect, superseded or cancelled"},
    )
    superseded_by = fields.Function(
        lambda v: _successor(v),
        allow_none=True,
        metadata={
            "description": "the version that takes over from this one and when ({version, effective_from}); "
            "after a publish-now or rollback, a pending schedule that still takes effect at its time"
        },
    )
    cancelled_at = fields.DateTime(allow_none=True)
    cancelled_by = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


def _successor(version) -> dict | None:
    successor = version.successor
    if successor is None:
        return None
    return {"version": successor.number, "effective_from": successor.effective_from.isoformat()}


class PublishSchema(Schema):
    confirm_removal = fields.Boolean(load_default=False, metadata={"description": "needed above 20 % removed"})
    reason = fields.String(load_default=None, allow_none=True, metadata={"description": "why; needed with confirm"})
    effective_from = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={
            "description": "schedule the version: ISO 8601, e.g. 2026-05-01T00:00+02:00; without an offset "
            "Europe/Stockholm local time; omitted: takes effect at once"
        },
    )


class CancelScheduleSchema(Schema):
    reason = fields.String(required=True, metadata={"minLength": 1, "pattern": r"\S"})
    version = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "the scheduled version; needed when several are pending"},
    )


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
