"""A supplier's own person (role ``leverantor``) sees their own supplier's things and nothing else.

Checked once, before every request of such a person (session or API token), in one place:

- only the endpoints listed in ``SUPPLIER_ENDPOINTS`` (and the login, static and health endpoints) open to
  them; everything else answers 403 — also an endpoint added later, until it is listed here;
- anything of another supplier answers 404, never 403, so supplier names and ids cannot be probed: a
  ``supplier`` in the path, query or form, an import (``import_id``) or an import job (``job_id``);
- a list that spans suppliers (the versions page, the import list) is redirected to their own supplier's.

The permission table (auth/permissions.py) still decides what the role may do at all: publishing, rolling
back and mapping colours are not theirs, so those answer 403 for their own supplier too.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, redirect, request

from ..errors import Forbidden, NotFound
from ..extensions import db
from .models import Role

# endpoint → what in the request names a supplier's thing ("supplier", "import_id", "job_id", "form", "list")
SUPPLIER_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "pricelists.PriceLists": ("list", "form"),  # GET: own imports; POST: upload own list
    "pricelists.ImportJobView": ("job_id",),
    "pricelists.PriceListImportView": ("import_id",),
    "pricelists.ImportRowsView": ("import_id",),
    "pricelists.InvalidRowsWorkbookView": ("import_id",),
    "assortment.DraftReview": ("import_id",),
    "assortment.Versions": ("supplier",),
    "feeds.feed": ("supplier",),
    "feeds.FeedChanges": ("supplier",),
    "feeds.FeedFetches": ("supplier",),  # their own e-shop's fetch status
    "home_pages.start": (),  # their tasks: only pages the permission table and this fence let them open
    "pricelist_pages.upload": (),  # the page lists their own uploads only (pricelists/views.py)
    "pricelist_pages.start_upload": ("form",),
    "pricelist_pages.import_job": ("job_id",),
    "pricelist_pages.import_job_state": ("job_id",),
    "pricelist_pages.import_result": ("import_id",),
    "pricelist_pages.invalid_rows_xlsx": ("import_id",),
    "assortment_pages.review": ("supplier",),  # read-only: publishing is not theirs
    "assortment_pages.versions": ("list",),
}
# Open to anyone: logging in and out, the second factor, static files, health, the API description.
OPEN_BLUEPRINTS = frozenset({"login", "mfa", "oidc", "web", "health", "docs_assets", "api-docs"})
OPEN_ENDPOINTS = frozenset({"static"})

_GONE = "Finns inte."


def init_app(app: Flask) -> None:
    app.before_request(fence)
    app.add_template_global(submitted_by_supplier)


def submitted_by_supplier(actor: str | None) -> bool:
    """Whether ``actor`` (who uploaded a draft) is a supplier's own person: the pages mark such drafts
    "inskickad av leverantören" for the procurement officer."""
    from flask import g
    from sqlalchemy import select

    from .models import User

    known = g.setdefault("supplier_people", {})
    if actor not in known:
        roles = db.session.scalar(select(User.roles).where(User.name == actor)) if actor else None
        known[actor] = Role.leverantor.value in (roles or [])
    return known[actor]


def fence():
    """Refuse what a supplier's person may not reach (403), or what is another supplier's (404)."""
    bound = _bound_supplier()
    if bound is None or request.endpoint in OPEN_ENDPOINTS or request.blueprint in OPEN_BLUEPRINTS:
        return None
    checks = SUPPLIER_ENDPOINTS.get(request.endpoint or "")
    if checks is None:
        raise Forbidden("forbidden", "Din behörighet räcker inte för detta.")
    for check in checks:
        answer = _CHECKS[check](bound)
        if answer is not None:
            return answer
    return None


def _bound_supplier() -> str | None:
    """The supplier of a `leverantor` calling now, "" for one bound to none (refused everything), else None."""
    if request.path.startswith("/api/"):
        from .http import current_caller

        try:
            caller = current_caller()
        except Exception:  # no or a bad token: the endpoint itself answers as it always does
            return None
        roles, supplier = caller.roles if caller.user_name else frozenset(), caller.bound_supplier
    else:
        from ..web.access import current_user

        user = current_user()
        if user is None:
            return None
        roles, supplier = set(user.roles), user.supplier
    if Role.leverantor.value not in roles:
        return None
    if not supplier:
        raise Forbidden("forbidden", "Ditt konto är inte knutet till någon leverantör.")
    return supplier


def _supplier(bound: str):
    if str(request.view_args.get("supplier", "")).strip().lower() != bound:
        raise NotFound("unknown_supplier", _GONE)


def _import(bound: str):
    from ..pricelists.models import PriceListImport

    found = db.session.get(PriceListImport, request.view_args["import_id"])
    if found is None or found.supplier != bound:
        raise NotFound("import_not_found", _GONE)


def _job(bound: str):
    from ..pricelists.models import ImportJob

    found = db.session.get(ImportJob, request.view_args["job_id"])
    if found is None or found.supplier != bound:
        raise NotFound("job_not_found", _GONE)


def _form(bound: str):
    if request.method == "POST" and request.form.get("supplier", "").strip().lower() != bound:
        raise NotFound("unknown_supplier", _GONE)


def _list(bound: str):
    if request.method != "GET":
        return None
    asked = request.args.get("supplier", "").strip().lower()
    if not asked:
        query = urlencode([*request.args.items(multi=True), ("supplier", bound)])
        return redirect(f"{request.path}?{query}", code=307)
    if asked != bound:
        raise NotFound("unknown_supplier", _GONE)
    return None


_CHECKS = {"supplier": _supplier, "import_id": _import, "job_id": _job, "form": _form, "list": _list}
