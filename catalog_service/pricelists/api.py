"""HTTP: upload a price list (at once, or as a background job for big files); read stored imports and jobs."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import current_app, jsonify, send_file, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.http import current_actor, require_roles
from ..config import ReaderLimits
from ..extensions import db
from ..files import safe_name
from ..jobs.queue import enqueue
from ..transactions import after_commit, discard
from .jobs import DryRunTooLarge, get_job, job_folder, job_state, queue_upload
from .results import XLSX, invalid_rows_workbook, rows_page
from .schemas import (
    ImportJobSchema,
    ImportListItemSchema,
    ImportListQuerySchema,
    ImportSummarySchema,
    RowsPageSchema,
    RowsQuerySchema,
    UploadSchema,
)
from .service import get_import, import_price_list, list_imports, summarise
from .verdicts import Verdict

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
    @blp.arguments(UploadSchema, location="multipart")
    @blp.response(201, ImportSummarySchema, description="A small file, imported in the request: its summary.")
    @blp.alt_response(
        202,
        schema=ImportJobSchema,
        description="A file larger than SYNC_IMPORT_MAX_BYTES (2 MB by default), checked and queued as a "
        "background job: poll the job's URL (also in `Location`) until its status is done or failed; "
        "a done job carries the same summary as a 201.",
        headers={"Location": {"description": "the job's URL", "schema": {"type": "string"}}},
        success=True,
    )
    def post(self, form):
        """Import a supplier's price list as a new draft (multipart: file, supplier)."""
        upload = form["file"]
        with tempfile.TemporaryDirectory(prefix="catalog-upload-") as folder:
            path = Path(folder) / "upload.xlsx"
            upload.save(path)
            if path.stat().st_size > current_app.config["SYNC_IMPORT_MAX_BYTES"]:
                return _queue(path, upload.filename, form)  # the job takes the file to its own folder
            return _import_now(path, upload.filename, form)


def _import_now(staged: Path, filename: str | None, form: dict):
    result = import_price_list(
        db.session,
        staged,
        form["supplier"],
        actor=current_actor(),
        filename=filename,
        dry_run=form["dry_run"],
        limits=ReaderLimits.from_config(current_app.config),
    )
    if form["dry_run"]:
        discard()  # a dry run is the real import, undone
    result.links = _links(result.import_id)
    return (result, 200) if result.status == "unchanged" else result


def _queue(staged: Path, filename: str | None, form: dict):
    if form["dry_run"]:
        raise DryRunTooLarge(current_app.config["SYNC_IMPORT_MAX_BYTES"])
    job = queue_upload(
        db.session,
        job_folder(current_app),
        staged,
        supplier=form["supplier"],
        filename=safe_name(filename, fallback="prislista.xlsx"),
        actor=current_actor(),
    )
    app, job_id = current_app._get_current_object(), job.id
    after_commit(lambda: enqueue(app, "import_upload", job_id))  # the worker reads the committed row
    url = url_for("pricelists.ImportJobView", job_id=job_id)
    response = jsonify(ImportJobSchema().dump(_job(job_id)))
    response.status_code, response.headers["Location"] = 202, url
    return response


def _job(job_id: int) -> dict:
    stale = current_app.config["IMPORT_JOB_STALE_SECONDS"]
    state = job_state(db.session, get_job(db.session, job_id), job_folder(current_app), stale_seconds=stale)
    state["url"], state["summary"] = url_for("pricelists.ImportJobView", job_id=job_id), None
    if state["status"] == "done":
        found = get_import(db.session, state["import_id"])
        state["summary"] = summarise(db.session, found, status=state["result_status"])
        state["summary"].links = _links(found.id)
    return state


def _links(import_id: int | None) -> dict:
    """Where a summary's invalid rows are, all of them (a dry run stores none)."""
    if import_id is None:
        return {}
    return {
        "invalid_rows": url_for("pricelists.ImportRowsView", import_id=import_id, verdict=Verdict.invalid_row.value),
        "invalid_rows_xlsx": url_for("pricelists.InvalidRowsWorkbookView", import_id=import_id),
    }


@blp.route("/jobs/<int:job_id>")
class ImportJobView(MethodView):
    @require_roles("pricelists.read")
    @blp.response(200, ImportJobSchema)
    def get(self, job_id):
        """A background import: status and progress; once done, its summary (as a 201 upload gives)."""
        return _job(job_id)


@blp.route("/<int:import_id>")
class PriceListImportView(MethodView):
    @require_roles("pricelists.read")
    @blp.response(200, ImportSummarySchema)
    def get(self, import_id):
        """One import's summary: counts per verdict, the first invalid rows, unknown colours."""
        found = get_import(db.session, import_id)
        result = summarise(db.session, found, status=found.status.value)
        result.links = _links(found.id)
        return result


@blp.route("/<int:import_id>/rows")
class ImportRowsView(MethodView):
    @require_roles("pricelists.read")
    @blp.arguments(RowsQuerySchema, location="query")
    @blp.response(200, RowsPageSchema)
    def get(self, query, import_id):
        """One page of an import's rows with one verdict (invalid_row by default), in file order."""
        get_import(db.session, import_id)
        page, per_page = query["page"], query["per_page"]
        rows, total = rows_page(db.session, import_id, Verdict(query["verdict"]), page, per_page)
        return {
            "items": rows,
            "page": page,
            "per_page": per_page,
            "pages": max(-(-total // per_page), 1),
            "total": total,
        }


@blp.route("/<int:import_id>/invalid-rows.xlsx")
class InvalidRowsWorkbookView(MethodView):
    @require_roles("pricelists.read")
    @blp.doc(
        responses={
            "200": {
                "description": "All invalid rows with sheet, row, column and reason, as a workbook.",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    )
    def get(self, import_id):
        """An import's invalid rows as an .xlsx, to send back to the supplier."""
        body, name = invalid_rows_workbook(db.session, get_import(db.session, import_id))
        return send_file(io.BytesIO(body), mimetype=XLSX, as_attachment=True, download_name=name)
