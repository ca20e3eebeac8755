"""HTTP: upload a price list; read stored imports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.http import current_actor, require_roles
from ..auth.models import Role
from ..extensions import db
from .schemas import (
    ImportListItemSchema,
    ImportListQuerySchema,
    ImportSummarySchema,
    UploadSchema,
)
from .service import get_import, import_price_list, list_imports, summarise

blp = Blueprint("pricelists", __name__, url_prefix="/api/v1/pricelists", description="Prislistor")


@blp.route("")
class PriceLists(MethodView):
    @require_roles(Role.upphandlare, Role.hmc)
    @blp.arguments(ImportListQuerySchema, location="query")
    @blp.response(200, ImportListItemSchema(many=True))
    def get(self, query):
        """The latest imports, newest first (optionally one supplier's)."""
        return list_imports(db.session, supplier=query.get("supplier"), limit=query["limit"])

    @require_roles(Role.upphandlare)
    @blp.arguments(UploadSchema, location="multipart")
    @blp.response(201, ImportSummarySchema)
    def post(self, form):
        """Import a supplier's price list as a new draft (multipart: file, supplier)."""
        upload = form["file"]
        with tempfile.TemporaryDirectory(prefix="catalog-upload-") as folder:
            path = Path(folder) / "upload.xlsx"
            upload.save(path)
            try:
                result = import_price_list(
                    db.session,
                    path,
                    form["supplier"],
                    actor=current_actor(),
                    filename=upload.filename,
                    dry_run=form["dry_run"],
                )
            except Exception:
                db.session.rollback()
                raise
            if form["dry_run"]:
                db.session.rollback()
            else:
                db.session.commit()
        return (result, 200) if result.status == "unchanged" else result


@blp.route("/<int:import_id>")
class PriceListImportView(MethodView):
    @require_roles(Role.upphandlare, Role.hmc)
    @blp.response(200, ImportSummarySchema)
    def get(self, import_id):
        """One import's summary: counts per verdict, invalid rows, unknown colours."""
        found = get_import(db.session, import_id)
        return summarise(db.session, found, status=found.status.value)
