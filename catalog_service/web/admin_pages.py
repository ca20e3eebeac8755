"""Pages for oversight and administration: the audit log, and e-shop tokens."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from ..audit.service import audit_facets, find_entries
from ..auth import service as tokens_service
from ..auth.models import Role
from ..errors import DomainError, status_of
from ..extensions import db
from ..suppliers import profiles
from ..transactions import discard
from .access import current_user, page_roles
from .views import bp

AUDIT_PER_PAGE = 50
AUDIT_CHOICES = (("actor", "actors"), ("action", "actions"), ("object_type", "object_types"))


@bp.get("/audit")
@page_roles(Role.upphandlare, Role.admin)
def audit():
    """The audit log, newest first, filtered by actor, action, object type and dates; paged."""
    facets = audit_facets(db.session)
    filters, errors = _audit_filters(request.args, facets)
    found = None
    if not errors:
        found = find_entries(db.session, **filters, per_page=AUDIT_PER_PAGE)
        found["pages"] = max(-(-found["total"] // AUDIT_PER_PAGE), 1)
        found["links"] = {
            label: url_for("web.audit", **_audit_args(filters), page=number)
            for label, number in (("previous", filters["page"] - 1), ("next", filters["page"] + 1))
            if 1 <= number <= found["pages"]
        }
    page = render_template("audit.html", filters=filters, facets=facets, found=found, errors=errors)
    return page, (422 if errors else 200)


def _audit_filters(args, facets: dict) -> tuple[dict, list[str]]:
    """The filter form's values; a choice that is not in the log is dropped (and never echoed), a bad date named."""
    filters: dict = {"date_from": None, "date_to": None}
    for key, facet in AUDIT_CHOICES:
        value = args.get(key, "").strip()
        filters[key] = value if value in facets[facet] else None
    errors = []
    for key, label in (("date_from", "Från"), ("date_to", "Till")):
        raw = args.get(key, "").strip()
        if raw:
            try:
                filters[key] = date.fromisoformat(raw)
            except ValueError:
                errors.append(f"{label}-datumet är inget datum. Skriv det som ÅÅÅÅ-MM-DD.")
    if filters["date_from"] and filters["date_to"] and filters["date_from"] > filters["date_to"]:
        errors.append("Från-datumet ligger efter till-datumet.")
    filters["page"] = max(args.get("page", default=1, type=int) or 1, 1)
    return filters, errors


def _audit_args(filters: dict) -> dict:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in filters.items()
        if value and key != "page"
    }


@bp.get("/tokens")
@page_roles(Role.admin)
def tokens():
    """E-shop and person tokens: prefix, owner, created, revoked; a form to create an e-shop token."""
    return _tokens_page()


@bp.post("/tokens")
@page_roles(Role.admin)
def create_token():
    """Create an e-shop token and show it on this one response; it is never stored or shown again."""
    supplier = request.form.get("supplier", "").strip().lower()
    if supplier not in profiles():
        return _tokens_page(errors=["Välj vilken leverantörs e-butik token ska gälla."], status=422)
    raw, token = tokens_service.create_token(db.session, actor=current_user().name, eshop=supplier)
    return _tokens_page(created={"raw": raw, "token": token}, status=201)


@bp.post("/tokens/<int:token_id>/revoke")
@page_roles(Role.admin)
def revoke_token(token_id: int):
    """Revoke a token at once: the next request with it is refused."""
    try:
        token = tokens_service.revoke_token(db.session, token_id, actor=current_user().name)
    except DomainError as refused:  # unknown or already revoked
        discard()
        return _tokens_page(errors=[refused.message], status=status_of(refused))
    flash(f"Token {token.prefix}… är återkallad. Den fungerar inte längre.")
    return redirect(url_for("web.tokens"))


def _tokens_page(*, created: dict | None = None, errors=(), status: int = 200):
    names = {code: profile.name for code, profile in profiles().items()}
    page = render_template(
        "tokens.html", tokens=tokens_service.list_tokens(db.session), names=names, created=created, errors=errors
    )
    return page, status
