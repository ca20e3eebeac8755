"""HTTP: the audit log, read-only (it is append-only)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.http import require_roles
from ..extensions import db
from .schemas import AuditEntrySchema, AuditQuerySchema
from .service import list_entries

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Granskningslogg")


@blp.route("")
class AuditLog(MethodView):
    @require_roles("audit.read")
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    def get(self, query):
        """Audit entries, newest first: who did what, when."""
        return list_entries(db.session, **query)
