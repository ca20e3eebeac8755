from __future__ import annotations

from marshmallow import Schema, fields


class RecommendationQuerySchema(Schema):
    # Dates and the service level are read as text and checked by the service, which answers with
    # one clear Swedish message for the CLI, the API and the page alike.
    from_ = fields.String(data_key="from", metadata={"description": "first day, YYYY-MM-DD (default: contract start)"})
    to = fields.String(metadata={"description": "last day, YYYY-MM-DD (default: today)"})
    service_level = fields.String(metadata={"description": "target service level, 0.5 to below 1 (default 0.95)"})


class WindowSchema(Schema):
    from_ = fields.String(data_key="from")
    to = fields.String()


class RecommendedArticleSchema(Schema):
    supplier = fields.String()
    article_number = fields.String()
    units = fields.Integer()
    order_lines = fields.Integer()
    weeks_with_demand = fields.Integer()
    weekly_mean = fields.Float()
    weekly_sd = fields.Float(metadata={"description": "sample standard deviation over every week, zero weeks included"})
    value_sek = fields.Float(metadata={"description": "units × contract price"})
    abc = fields.String()
    xyz = fields.String()
    made_to_measure = fields.Boolean()
    lead_time_working_days = fields.Integer()
    recommend_stock = fields.Boolean()
    reorder_point = fields.Integer(allow_none=True)
    max_level = fields.Integer(allow_none=True)
    rule = fields.String(metadata={"description": "the rule that decided the recommendation (Swedish)"})
    cv = fields.Float(allow_none=True)
    in_assortment = fields.Boolean()
    contract_price_sek = fields.Float(allow_none=True)
    hmc_stock_item = fields.Boolean(allow_none=True, metadata={"description": "HMC's current decision, if any"})
    model = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class RecommendationReportSchema(Schema):
    """The `stock recommend --json` object of DESIGN.md."""

    window = fields.Nested(WindowSchema)
    service_level = fields.Float()
    settings = fields.Dict()
    articles = fields.List(fields.Nested(RecommendedArticleSchema))


class DecisionInSchema(Schema):
    supplier = fields.String(required=True)
    article_number = fields.String(required=True)
    stock = fields.Boolean(required=True, metadata={"description": "true: a stock item at HMC; false: not"})
    rationale = fields.String(required=True, metadata={"description": "why (at most 500 characters, no personal data)"})


class DecisionSchema(Schema):
    id = fields.Integer()
    supplier = fields.String()
    article_number = fields.String()
    number = fields.Integer(metadata={"description": "the article's decisions are numbered 1, 2, 3 …"})
    stock = fields.Boolean()
    rationale = fields.String()
    decided_by = fields.String()
    decided_at = fields.DateTime()


class DecisionQuerySchema(Schema):
    supplier = fields.String()
    article_number = fields.String(metadata={"description": "with supplier: the article's whole history"})
    stock_only = fields.Boolean(load_default=False)
