"""The audit log page: who did what, when; filtered and paged."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for

from ..extensions import db
from ..web.access import page_roles
from ..web.queries import load_query
from .schemas import AuditPageQuerySchema
from .sentences import action_name, actor_name, object_name, sentence
from .service import audit_facets, find_entries

bp = Blueprint("audit_pages", __name__, template_folder="templates")

AUDIT_PER_PAGE = 50
AUDIT_CHOICES = (("actor", "actors"), ("action", "actions"), ("object_type", "object_types"))
AUDIT_QUERY = AuditPageQuerySchema(exclude=("limit",))
DATES = (("date_from", "Från"), ("date_to", "Till"))


@bp.get("/audit")
@page_roles("audit.read")
def audit():
    """The audit log, newest first, filtered by actor, action, object type and dates; paged."""
    facets = audit_facets(db.session)
    filters, errors = _audit_filters(request.args, facets)
    found = None
    if not errors:
        found = find_entries(db.session, **filters, per_page=AUDIT_PER_PAGE)
        found["pages"] = max(-(-found["total"] // AUDIT_PER_PAGE), 1)
        found["links"] = {
            label: url_for("audit_pages.audit", **_audit_args(filters), page=number)
            for label, number in (("previous", filters["page"] - 1), ("next", filters["page"] + 1))
            if 1 <= number <= found["pages"]
        }
    page = render_template(
        "audit/audit.html",
        filters=filters,
        facets=facets,
        found=found,
        errors=errors,
        sentence=sentence,
        action_name=action_name,
        actor_name=actor_name,
        object_name=object_name,
    )
    return page, (422 if errors else 200)


def _audit_filters(args, facets: dict) -> tuple[dict, list[str]]:
    """The filter form's values, read with the query schema; a choice that is not in the log is dropped (and
    never echoed), a bad date named, a bad page number is the first page."""
    query, refused = load_query(AUDIT_QUERY, args)
    filters = {key: query.get(key) if query.get(key) in facets[facet] else None for key, facet in AUDIT_CHOICES}
    filters.update(date_from=query.get("date_from"), date_to=query.get("date_to"), page=query["page"])
    errors = [f"{label}-datumet är inget datum. Skriv det som ÅÅÅÅ-MM-DD." for key, label in DATES if key in refused]
    if filters["date_from"] and filters["date_to"] and filters["date_from"] > filters["date_to"]:
        errors.append("Från-datumet ligger efter till-datumet.")
    return filters, errors


def _audit_args(filters: dict) -> dict:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in filters.items()
        if value and key != "page"
    }
