"""HTTP: upload a price list; read stored imports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.http import current_actor, require_roles
from ..extensions import db
from ..transactions import discard
from .schemas import (
    ImportListItemSchema,
    ImportListQuerySchema,
    ImportSummarySchema,
    UploadFileSchema,
    UploadFormSchema,
)
from .service import get_import, import_price_list, list_imports, summarise

blp = Blueprint("pricelists", __name__, url_prefix="/api/v1/pricelists", description="Prislistor")


@blp.route("")
class PriceLists(MethodView):
    @require_roles("pricelists.read")
    @blp.arguments(ImportListQuerySchema, location="query")
    @blp.response(200, ImportListItemSchema(many=True))
    def get(self, query):
        """The latest imports, newest first (optionally one supplier's)."""
        return list_imports(db.session, supplier=query.get("supplier"), limit=query["limit"])

    @require_roles("pricelists.upload")
    @blp.arguments(UploadFileSchema, location="files")
    @blp.arguments(UploadFormSchema, location="form")
    @blp.response(201, ImportSummarySchema)
    def post(self, files, form):
        """Import a supplier's price list as a new draft (multipart: file, supplier)."""
        upload = files["file"]
        with tempfile.TemporaryDirectory(prefix="catalog-upload-") as folder:
            path = Path(folder) / "upload.xlsx"
            upload.save(path)
            result = import_price_list(
                db.session,
                path,
                form["supplier"],
                actor=current_actor(),
                filename=upload.filename,
                dry_run=form["dry_run"],
            )
            if form["dry_run"]:
                discard()  # a dry run is the real import, undone
        return (result, 200) if result.status == "unchanged" else result


@blp.route("/<int:import_id>")
class PriceListImportView(MethodView):
    @require_roles("pricelists.read")
    @blp.response(200, ImportSummarySchema)
    def get(self, import_id):
        """One import's summary: counts per verdict, invalid rows, unknown colours."""
        found = get_import(db.session, import_id)
        return summarise(db.session, found, status=found.status.value)
