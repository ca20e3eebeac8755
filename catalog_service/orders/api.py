"""HTTP: order exports in, order history out, reorder drafts. Customer order numbers only."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.http import current_actor, require_roles
from ..config import lead_times
from ..errors import ErrorResponseSchema
from ..extensions import db
from .delivery import delivery_report
from .reorder import reorder_draft
from .schemas import (
    DeliveryReportQuerySchema,
    DeliveryReportRowSchema,
    OrderFileSchema,
    OrderImportSummarySchema,
    OrderPageSchema,
    OrderQuerySchema,
    ReorderSchema,
)
from .service import find_orders, import_orders, line_view, refusal

blp = Blueprint("orders", __name__, url_prefix="/api/v1/orders", description="Orderhistorik (kundordernummer)")


@blp.route("/imports")
class OrderImports(MethodView):
    @require_roles("orders.import")
    @blp.arguments(OrderFileSchema, location="files")
    @blp.response(201, OrderImportSummarySchema)
    @blp.alt_response(
        422,
        schema=ErrorResponseSchema,
        description="refused: code personal_data (details.findings: sheet, row, column, kind) or invalid_rows "
        "(details.errors); or a request without a file",
    )
    def post(self, files):
        """Import WebSesam order lines; a file with personal data anywhere is refused whole."""
        upload = files["file"]
        with tempfile.TemporaryDirectory(prefix="catalog-upload-") as folder:
            path = Path(folder) / "orders.xlsx"
            upload.save(path)
            result = import_orders(db.session, path, actor=current_actor(), filename=upload.filename)
        if result.status == "refused":
            raise refusal(result)  # the one error shape; nothing of it is committed
        return result


@blp.route("")
class Orders(MethodView):
    @require_roles("orders.read")
    @blp.arguments(OrderQuerySchema, location="query")
    @blp.response(200, OrderPageSchema)
    def get(self, query):
        """Orders by exact customer order number, or by order date range; newest first, paged."""
        found = find_orders(
            db.session,
            kundordernummer=query.get("kundordernummer"),
            date_from=query.get("from_"),
            date_to=query.get("to"),
            page=query["page"],
            per_page=query["per_page"],
        )
        for order in found["orders"]:
            order["lines"] = [line_view(line) for line in order["lines"]]
        return found


@blp.route("/<kundordernummer>/reorder")
class Reorder(MethodView):
    @require_roles("orders.reorder")
    @blp.response(200, ReorderSchema)
    def post(self, kundordernummer):
        """A reorder draft: lines still in the published assortment, and the others with the reason."""
        return reorder_draft(db.session, kundordernummer)


@blp.route("/delivery-report")
class DeliveryReport(MethodView):
    @require_roles("orders.delivery")
    @blp.arguments(DeliveryReportQuerySchema, location="query")
    @blp.response(200, DeliveryReportRowSchema(many=True))
    def get(self, query):
        """Per supplier and month: share of lines at HMC within the contract lead time, median working days, overdue."""
        times = lead_times(current_app.config)
        return delivery_report(
            db.session,
            supplier=query.get("supplier"),
            standard_days=times.standard,
            made_to_measure_days=times.made_to_measure,
        )
