"""Upload a price list, watch it import in the background, and read the result; map unknown colours."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from importers.formats import ACCEPTED_FILES

from ..auth.permissions import may
from ..errors import DomainError, status_of
from ..extensions import db
from ..files import safe_name
from ..jobs.queue import enqueue
from ..suppliers import profiles
from ..transactions import after_commit, discard
from ..web.access import current_user, page_roles
from .colours import decide_unknown_colour
from .jobs import get_job, job_folder, job_state, queue_upload
from .models import ImportJob, ImportStatus
from .results import XLSX, invalid_rows_workbook, rows_page
from .service import get_import, list_imports
from .verdicts import EXCLUSIONS, Verdict

bp = Blueprint("pricelist_pages", __name__, template_folder="templates")

ROWS_PER_PAGE = 50
ALREADY_IMPORTED = (
    "Filen är redan inläst: en fil med exakt samma innehåll lästes in tidigare för leverantören. "
    "Inget nytt utkast skapades."
)
VERDICT_LABELS = {
    Verdict.allowed: "Tillåtna",
    Verdict.invalid_row: "Ogiltiga rader",
    Verdict.not_procured: "Ej upphandlad modell",
    Verdict.outside_validity: "Utanför giltighetstid",
    Verdict.non_base_colour: "Ej basfärg",
}


@bp.app_context_processor
def _labels():
    return {"verdict_labels": {v.value: label for v, label in VERDICT_LABELS.items()}}


@bp.get("/pricelists/upload")
@page_roles("pricelists.upload")
def upload():
    """Pick supplier and file; below, the latest uploads and how they went."""
    return _upload_page()


def _upload_page(error: str | None = None, status: int = 200, supplier: str = ""):
    bound = current_user().supplier  # a supplier's own person sees their own supplier only (auth/supplier_fence.py)
    jobs_query = select(ImportJob).order_by(ImportJob.id.desc()).limit(10)
    if bound:
        jobs_query = jobs_query.where(ImportJob.supplier == bound)
    return render_template(
        "pricelists/upload.html",
        suppliers={code: p for code, p in profiles().items() if code == bound} if bound else profiles(),
        jobs=db.session.scalars(jobs_query).all(),
        error=error,
        chosen=bound or supplier,
        imports=list_imports(db.session, supplier=bound),
        accept=",".join(ACCEPTED_FILES),
    ), status


@bp.post("/pricelists/upload")
@page_roles("pricelists.upload")
def start_upload():
    """Check the file at once (cheap checks), then import it in a background process and show its progress."""
    supplier = request.form.get("supplier", "").strip().lower()
    upload_file = request.files.get("file")
    if supplier not in profiles():
        return _upload_page("Välj leverantör.", 422)
    if upload_file is None or not upload_file.filename:
        return _upload_page(
            "Välj en fil (.xlsx, .xls, .ods, .csv eller Peppol-katalog .xml) att ladda upp.", 422, supplier
        )
    folder = job_folder(current_app)
    with tempfile.NamedTemporaryFile(dir=folder, prefix="upload-", suffix=".xlsx", delete=False) as handle:
        upload_file.save(handle)
    staged = Path(handle.name)
    try:
        job = queue_upload(
            db.session,
            folder,
            staged,
            supplier=supplier,
            filename=safe_name(upload_file.filename, fallback="prislista.xlsx"),
            actor=current_user().name,
        )
    except DomainError as error:
        discard()  # the page below lists the jobs: not the refused one
        staged.unlink(missing_ok=True)
        return _upload_page(error.message, status_of(error), supplier)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    app, job_id = current_app._get_current_object(), job.id
    after_commit(lambda: enqueue(app, "import_upload", job_id))  # the worker reads the committed row
    return redirect(url_for("pricelist_pages.import_job", job_id=job_id))


def _state(job_id: int) -> dict:
    job = get_job(db.session, job_id)
    return job_state(
        db.session, job, job_folder(current_app), stale_seconds=current_app.config["IMPORT_JOB_STALE_SECONDS"]
    )


@bp.get("/pricelists/jobs/<int:job_id>")
@page_roles("pricelists.upload")
def import_job(job_id: int):
    """The progress bar; a small script polls the state, and without scripts the page reloads itself."""
    state = _state(job_id)
    return render_template(
        "pricelists/import_job.html",
        state=state,
        supplier_name=profiles()[state["supplier"]].name,
        already_imported=ALREADY_IMPORTED if state["result_status"] == "unchanged" else None,
    )


@bp.get("/pricelists/jobs/<int:job_id>/state")
@page_roles("pricelists.upload")
def import_job_state(job_id: int):
    state = _state(job_id)
    if state["status"] == "done":
        state["result_url"] = url_for("pricelist_pages.import_result", import_id=state["import_id"])
        if state["result_status"] == "unchanged":
            state["message"] = ALREADY_IMPORTED
    return state


@bp.get("/pricelists/<int:import_id>")
@page_roles("pricelists.read")
def import_result(import_id: int):
    """Counts per verdict (they add up), a paged list per reason, invalid rows, unknown colours."""
    draft = get_import(db.session, import_id)
    reason = request.args.get("reason", Verdict.invalid_row.value)
    if reason not in Verdict.__members__:
        reason = Verdict.invalid_row.value
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = _rows(import_id, Verdict(reason), page)
    counts = {v.value: draft.excluded.get(v.value, 0) for v in EXCLUSIONS} | {"allowed": draft.allowed}
    bases = sorted(b.name for b in draft.contract.base_colours if b.supplier == draft.supplier)
    return render_template(
        "pricelists/import_result.html",
        draft=draft,
        counts=counts,
        counted=sum(counts.values()),
        reason=reason,
        rows=rows,
        page=page,
        pages=max(-(-total // ROWS_PER_PAGE), 1),
        total=total,
        bases=bases,
        supplier_name=profiles()[draft.supplier].name,
        can_decide=draft.status is ImportStatus.draft and may(current_user(), "pricelists.colours"),
        review_url=url_for("assortment_pages.review", supplier=draft.supplier)
        if "assortment_pages.review" in current_app.view_functions
        else None,
    )


def _rows(import_id: int, verdict: Verdict, page: int):
    return rows_page(db.session, import_id, verdict, page, ROWS_PER_PAGE)


@bp.get("/pricelists/<int:import_id>/invalid.xlsx")
@page_roles("pricelists.read")
def invalid_rows_xlsx(import_id: int):
    """The invalid rows with their messages, to send back to the supplier."""
    body, name = invalid_rows_workbook(db.session, get_import(db.session, import_id))
    return send_file(io.BytesIO(body), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.post("/pricelists/<int:import_id>/colours")
@page_roles("pricelists.colours")
def decide_colour(import_id: int):
    """Map an unknown colour to a base colour, or mark it as not one; the counts change at once. The form on the
    review page sends ``back=review`` and is answered there."""
    draft = get_import(db.session, import_id)
    back = (
        url_for("assortment_pages.review", supplier=draft.supplier, _anchor="unknown-colours")
        if request.form.get("back") == "review"
        else url_for("pricelist_pages.import_result", import_id=import_id)
    )
    value = request.form.get("value", "")
    base = request.form.get("base_colour", "").strip() or None
    try:
        moved = decide_unknown_colour(db.session, draft, value, base, actor=current_user().name)
    except DomainError as error:
        discard()
        flash(error.message)
        return redirect(back)
    if base:
        rows = "rad blev tillåten" if moved == 1 else "rader blev tillåtna"
        flash(f"Färgen {value!r} räknas nu som {base}: {moved} {rows}.")
    else:
        flash(f"Färgen {value!r} är markerad som inte basfärg.")
    return redirect(back)
