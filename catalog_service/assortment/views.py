"""The assortment's pages: the overview, a draft's review and publishing, versions and rollback."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..auth.permissions import may
from ..config import four_eyes
from ..contracts.models import Contract
from ..contracts.service import active_contract
from ..errors import Conflict, DomainError, status_of
from ..extensions import db
from ..feeds.service import fetch_status
from ..pricelists.models import ImportStatus
from ..pricelists.service import list_imports
from ..privacy.guard import PersonalDataFound, describe
from ..suppliers import profile_for, profiles
from ..transactions import discard
from ..web.access import current_user, page_roles
from .review import review_draft
from .service import (
    REMOVAL_GUARD_SHARE,
    latest_draft,
    list_versions,
    publish_assortment,
    rollback_assortment,
)
from .versions import current_version

bp = Blueprint("assortment_pages", __name__, template_folder="templates")

PER_PAGE = 100  # rows per page in the long lists of a review
# Refusals of a publish that are part of the normal work, shown on the review page as plain messages.
PLAIN_REFUSALS = {"four_eyes", "removal_guard"}
FIELD_LABELS = {
    "article_number": "Artikelnummer",
    "gtin": "GTIN",
    "model": "Modell",
    "name": "Benämning",
    "position": "Position",
    "iso_code": "ISO-kod",
    "compression_class": "Kompressionsklass",
    "garment_type": "Plaggtyp",
    "size": "Storlek",
    "length": "Längd",
    "colour": "Färg",
    "base_colour": "Basfärg",
    "made_to_measure": "Måttbeställd",
    "contract_price_sek": "Avtalspris (kr)",
    "lead_time_working_days": "Ledtid (arbetsdagar)",
    "list_price_sek": "Listpris (kr)",
}
MISSING_REASONS = {
    "missing": "Modellen finns inte i prislistan.",
    "only_non_base_colours": "Modellen finns bara i andra färger än basfärgerna.",
    "no_usable_rows": "Modellens rader kunde inte användas (ogiltiga eller utanför giltighetstiden).",
}
VERDICT_LABELS = {
    "allowed": "tillåtna",
    "invalid_row": "ogiltiga",
    "not_procured": "ej upphandlade",
    "outside_validity": "utanför giltighet",
    "non_base_colour": "ej basfärg",
}


@bp.get("/")
@page_roles("overview.read")
def overview():
    """Per supplier: the latest import, a draft waiting for review, the published version, e-shop fetches."""
    contract = db.session.scalar(select(Contract).where(Contract.active.is_(True)))
    latest = {}
    for item in list_imports(db.session, limit=200):
        latest.setdefault(item.supplier, item)
    drafts = {code: item for code, item in latest.items() if item.status is ImportStatus.draft}
    published = {code: current_version(db.session, code) for code in profiles()}
    fetches = {code: fetch_status(db.session, code) for code in profiles()}
    return render_template(
        "assortment/overview.html",
        contract=contract,
        suppliers=profiles(),
        latest=latest,
        drafts=drafts,
        published=published,
        fetches=fetches,
    )


@bp.get("/review/<supplier>")
@page_roles("assortment.read")
def review(supplier: str):
    """The supplier's draft against the published version, the reconciliation report, and the publish form."""
    return _review_page(profile_for(supplier).code)


@bp.post("/review/<supplier>/publish")
@page_roles("assortment.publish")
def publish(supplier: str):
    """Publish the draft; the four-eyes rule and the removal guard answer on the review page."""
    code = profile_for(supplier).code
    actor = current_user().name
    confirm = request.form.get("confirm_removal") == "yes"
    reason = request.form.get("reason", "").strip() or None
    try:
        version = publish_assortment(
            db.session, code, actor=actor, four_eyes=_four_eyes(), confirm_removal=confirm, reason=reason
        )
    except Conflict as refused:
        discard()  # also returns the reserved version number
        if refused.code not in PLAIN_REFUSALS:
            raise
        return _review_page(code, message=refused.message, ask_removal=refused.code == "removal_guard", status=409)
    except PersonalDataFound as found:  # in the reason; the message names the field, never the value
        discard()
        return _review_page(code, message=_personal_data(found), ask_removal=confirm, status=422)
    flash(f"Version {version.number} publicerad för {_names()[code]} med {version.item_count} artiklar.")
    return redirect(url_for("assortment_pages.versions", supplier=code))


def _review_page(code: str, *, message: str | None = None, ask_removal: bool = False, status: int = 200):
    names = _names()
    try:
        draft = latest_draft(db.session, code)
    except Conflict as none:
        page = render_template(
            "assortment/review.html", supplier=code, name=names[code], draft=None, message=none.message
        )
        return page, status
    found = review_draft(db.session, draft)
    diff, reconciliation = found["diff"], found["reconciliation"]
    published = current_version(db.session, code)
    user = current_user()
    lists = {
        name: _paged(items, name, code)
        for name, items in (
            ("added", diff["added"]),
            ("removed", diff["removed"]),
            ("changed", diff["changed"]),
            ("above", reconciliation["priced_above_contract"]),
            ("gtin", found["invalid_gtins"]),
        )
    }
    page = render_template(
        "assortment/review.html",
        supplier=code,
        name=names[code],
        draft=draft,
        review=found,
        published=published,
        lists=lists,
        unchanged=diff["unchanged"],
        message=message,
        ask_removal=ask_removal or _guard_expected(published, diff),
        own_draft=_four_eyes() and draft.created_by.casefold() == user.name.casefold(),
        can_publish=may(user, "assortment.publish"),
        labels=FIELD_LABELS,
        missing_reasons=MISSING_REASONS,
        verdict_labels=VERDICT_LABELS,
    )
    return page, status


def _guard_expected(published, diff: dict) -> bool:
    """Whether publishing will ask for a confirmation, so the form can offer it at once (the service decides)."""
    if published is None or not published.item_count:
        return False
    return len(diff["removed"]) / published.item_count > REMOVAL_GUARD_SHARE


def _four_eyes() -> bool:
    return four_eyes(current_app.config)


def _paged(items: list, name: str, supplier: str) -> dict:
    """One page of a long list; its links keep the other lists on their pages."""
    pages = max(-(-len(items) // PER_PAGE), 1)
    page = min(max(request.args.get(f"{name}_page", default=1, type=int) or 1, 1), pages)
    start = (page - 1) * PER_PAGE
    args = {key: value for key, value in request.args.items() if key.endswith("_page")}
    links = {
        label: url_for("assortment_pages.review", supplier=supplier, **{**args, f"{name}_page": number}, _anchor=name)
        for label, number in (("previous", page - 1), ("next", page + 1))
        if 1 <= number <= pages
    }
    return {
        "items": items[start : start + PER_PAGE],
        "page": page,
        "pages": pages,
        "total": len(items),
        "first": start + 1,
        "links": links,
    }


@bp.get("/versions")
@page_roles("assortment.read")
def versions():
    """The published versions per supplier (or one supplier with ?supplier=), with rollback forms."""
    supplier = request.args.get("supplier", "").strip().lower()
    if supplier and supplier not in profiles():
        return _versions_page("", errors=["Okänd leverantör. Sidan visar alla leverantörer."], status=404)
    return _versions_page(supplier)


@bp.post("/versions/<supplier>/rollback")
@page_roles("assortment.publish")
def rollback(supplier: str):
    """Publish an earlier version's content again as a new version; a refusal answers on the versions page."""
    code = profile_for(supplier).code
    to_number = request.form.get("to_version", type=int)
    if to_number is None:
        return _versions_page(code, errors=["Välj vilken version som ska återställas."], status=422)
    try:
        version = rollback_assortment(
            db.session, code, to_number, actor=current_user().name, reason=request.form.get("reason", "")
        )
    except DomainError as refused:
        discard()
        text = _personal_data(refused) if isinstance(refused, PersonalDataFound) else refused.message
        return _versions_page(code, errors=[text], status=status_of(refused))
    flash(f"Version {version.number} publicerad för {_names()[code]}: innehållet från version {to_number}.")
    return redirect(url_for("assortment_pages.versions", supplier=code))


def _versions_page(supplier: str, *, errors=(), status: int = 200):
    names = _names()
    shown = [supplier] if supplier else sorted(names)
    try:
        contract_id = active_contract(db.session).id
    except Conflict:
        contract_id = None
    page = render_template(
        "assortment/versions.html",
        supplier=supplier,
        names=names,
        history={code: list_versions(db.session, code) for code in shown},
        contract_id=contract_id,
        can_rollback=may(current_user(), "assortment.publish"),
        errors=errors,
    )
    return page, status


def _personal_data(found: PersonalDataFound) -> str:
    return f"Skälet innehåller personuppgifter ({describe(found.kinds)}). Ta bort dem och försök igen."


def _names() -> dict[str, str]:
    return {code: profile.name for code, profile in profiles().items()}
