"""HTTP: stock recommendations, HMC's decisions and the stock list (role hmc)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.http import current_actor, require_roles
from ..extensions import db
from .decisions import current_decisions, decide, decision_history
from .export import XLSX_MEDIA_TYPE, report_xlsx, stock_list_xlsx
from .schemas import (
    DecisionInSchema,
    DecisionQuerySchema,
    DecisionSchema,
    RecommendationQuerySchema,
    RecommendationReportSchema,
)
from .service import recommendations, stock_list

blp = Blueprint("stock", __name__, url_prefix="/api/v1/stock", description="Lagerartiklar på HMC")

XLSX_RESPONSE = {"200": {"description": "XLSX workbook", "content": {XLSX_MEDIA_TYPE: {}}}}


def _query(query: dict) -> dict:
    return {"start": query.get("from_"), "end": query.get("to"), "service_level": query.get("service_level")}


def _xlsx(body: bytes, filename: str) -> Response:
    return Response(
        body, mimetype=XLSX_MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@blp.route("/recommendations")
class Recommendations(MethodView):
    @require_roles("stock.manage")
    @blp.arguments(RecommendationQuerySchema, location="query")
    @blp.response(200, RecommendationReportSchema)
    def get(self, query):
        """Per article in the window: demand, value, ABC/XYZ, the recommendation with its rule, reorder point."""
        return recommendations(db.session, **_query(query))


@blp.route("/recommendations.xlsx")
class RecommendationsWorkbook(MethodView):
    @require_roles("stock.manage")
    @blp.arguments(RecommendationQuerySchema, location="query")
    @blp.doc(responses=XLSX_RESPONSE)
    def get(self, query):
        """The recommendation report as XLSX (the same figures as the JSON)."""
        report = recommendations(db.session, **_query(query))
        return _xlsx(report_xlsx(report), f"lagerrekommendationer-{report['window']['to']}.xlsx")


@blp.route("/decisions")
class Decisions(MethodView):
    @require_roles("stock.manage")
    @blp.arguments(DecisionQuerySchema, location="query")
    @blp.response(200, DecisionSchema(many=True))
    def get(self, query):
        """Current decisions (newest per article); with supplier and article_number, that article's history."""
        if query.get("supplier") and query.get("article_number"):
            return decision_history(db.session, query["supplier"].strip().lower(), query["article_number"].strip())
        supplier = query.get("supplier", "").strip().lower() or None
        return current_decisions(db.session, supplier=supplier, stock_only=query["stock_only"])

    @require_roles("stock.manage")
    @blp.arguments(DecisionInSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data):
        """Mark an article as a stock item at HMC, or not, with a rationale; a new version of the decision.

        A change of the flag changes the supplier's e-shop feed (hmc_stock_item) and its ETag at once.
        """
        return decide(
            db.session,
            data["supplier"],
            data["article_number"],
            stock=data["stock"],
            rationale=data["rationale"],
            actor=current_actor(),
        )


@blp.route("/list.xlsx")
class StockListWorkbook(MethodView):
    @require_roles("stock.manage")
    @blp.arguments(RecommendationQuerySchema, location="query")
    @blp.doc(responses=XLSX_RESPONSE)
    def get(self, query):
        """The current stock list as XLSX: each stock item with its decision and today's levels."""
        current = stock_list(db.session, **_query(query))
        return _xlsx(stock_list_xlsx(current), f"lagerartiklar-{current['window']['to']}.xlsx")
