"""Marshmallow schemas: the import summary (CLI --json and API), and the upload form."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

REASONS = ("invalid_row", "not_procured", "outside_validity", "non_base_colour")


class ImportErrorSchema(Schema):
    sheet = fields.String()
    row = fields.Integer()
    column = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    article_number = fields.String(allow_none=True)


class UnknownColourSchema(Schema):
    colour = fields.String(allow_none=True)
    colour_code = fields.String(allow_none=True)
    rows = fields.Integer()


class SheetSchema(Schema):
    sheet = fields.String()
    header_row = fields.Integer()
    columns = fields.Dict(keys=fields.String(), values=fields.String())


class ImportSummarySchema(Schema):
    """The `pricelist import --json` object of DESIGN.md, plus details."""

    supplier = fields.String()
    status = fields.String(metadata={"description": "draft, dry_run or unchanged"})
    import_id = fields.Integer(allow_none=True)
    sha256 = fields.String()
    data_rows = fields.Integer()
    skipped_rows = fields.Integer()
    skipped_sheets = fields.List(fields.String())
    allowed = fields.Integer()
    excluded = fields.Dict(keys=fields.String(validate=validate.OneOf(REASONS)), values=fields.Integer())
    invalid_by_kind = fields.Dict(keys=fields.String(), values=fields.Integer())
    unknown_colours = fields.Method("_unknown_names", metadata={"description": "colour values to review"})
    unknown_colour_details = fields.Function(
        lambda result: result.unknown_colours, metadata={"description": "value, code and row count"}
    )
    errors = fields.List(
        fields.Nested(ImportErrorSchema), metadata={"description": "the first invalid rows (at most 100 by default)"}
    )
    errors_total = fields.Integer(metadata={"description": "all invalid rows; `errors` lists the first of them"})
    links = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "over HTTP: `invalid_rows` (paged) and `invalid_rows_xlsx` (all, as a workbook)"},
    )
    sheets = fields.List(fields.Nested(SheetSchema))
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        allow_none=True,
        metadata={"description": "a Peppol Update catalogue: lines added, updated and deleted"},
    )

    def _unknown_names(self, result) -> list[str]:
        return [(u["colour"] or u["colour_code"]).strip() for u in result.unknown_colours]


class UploadFileSchema(Schema):
    file = Upload(
        required=True,
        metadata={"description": "the supplier's price list: .xlsx, .xlsb, .xls, .ods or CSV (read by content)"},
    )


class UploadFormSchema(Schema):
    supplier = fields.String(required=True, metadata={"description": "supplier code, e.g. juzo"})
    dry_run = fields.Boolean(load_default=False)


class UploadSchema(UploadFileSchema, UploadFormSchema):
    """The whole upload, one multipart/form-data body (location "multipart", extensions.py)."""


class ImportListQuerySchema(Schema):
    supplier = fields.String(metadata={"description": "supplier code"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ImportListItemSchema(Schema):
    """One stored import in a list."""

    id = fields.Integer()
    supplier = fields.String()
    status = fields.Function(lambda item: item.status.value)
    filename = fields.Function(lambda item: item.source_file.filename)
    sha256 = fields.Function(lambda item: item.source_file.sha256)
    created_at = fields.DateTime()
    created_by = fields.String()
    data_rows = fields.Integer()
    allowed = fields.Integer()
    excluded = fields.Dict(keys=fields.String(), values=fields.Integer())


class JobErrorSchema(Schema):
    code = fields.String()
    message = fields.String()


class ImportJobSchema(Schema):
    """A background import: where it is, and its summary once it is done."""

    id = fields.Integer()
    url = fields.String(metadata={"description": "this job's URL, to poll"})
    supplier = fields.String()
    filename = fields.String()
    status = fields.String(validate=validate.OneOf(("queued", "running", "done", "failed")))
    rows_done = fields.Integer()
    rows_expected = fields.Integer()
    percent = fields.Integer()
    import_id = fields.Integer(allow_none=True)
    result_status = fields.String(allow_none=True, metadata={"description": "draft or unchanged, once done"})
    error = fields.Nested(JobErrorSchema, allow_none=True, metadata={"description": "why it failed"})
    summary = fields.Nested(ImportSummarySchema, allow_none=True, metadata={"description": "once done"})


class RowsQuerySchema(Schema):
    verdict = fields.String(
        load_default="invalid_row",
        validate=validate.OneOf(("allowed", *REASONS)),
        metadata={"description": "allowed or an exclusion reason"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))


class RowSchema(Schema):
    """One stored row of an import and its verdict."""

    sheet = fields.String()
    row = fields.Integer(attribute="row_number")
    article_number = fields.String(allow_none=True)
    gtin = fields.String(allow_none=True)
    model = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    compression_class = fields.Integer(allow_none=True)
    garment_type = fields.String(allow_none=True)
    size = fields.String(allow_none=True)
    length = fields.String(allow_none=True)
    colour = fields.String(allow_none=True)
    colour_code = fields.String(allow_none=True)
    base_colour = fields.String(allow_none=True)
    price_ore = fields.Integer(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    verdict = fields.Function(lambda row: row.verdict.value)
    kind = fields.String(attribute="reason", allow_none=True)
    column = fields.String(attribute="error_column", allow_none=True)
    message = fields.String(attribute="error_message", allow_none=True)


class RowsPageSchema(Schema):
    items = fields.List(fields.Nested(RowSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    total = fields.Integer()
