"""The assortment's pages: the overview, a draft's review and publishing, versions and rollback."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..auth.permissions import may
from ..config import four_eyes
from ..contracts.models import Contract
from ..contracts.service import active_contract
from ..errors import Conflict, DomainError, Invalid, status_of
from ..extensions import db
from ..feeds.alerts import alert_hours, eshops_behind
from ..feeds.service import fetch_status
from ..models import utcnow
from ..pricelists.models import ImportStatus
from ..pricelists.service import list_imports
from ..privacy.guard import PersonalDataFound, describe
from ..suppliers import profile_for, profiles
from ..transactions import discard
from ..web.access import current_user, page_roles
from .review import draft_review
from .service import (
    REMOVAL_GUARD_SHARE,
    cancel_schedule,
    latest_draft,
    list_versions,
    local_text,
    parse_effective_time,
    publish_assortment,
    rollback_assortment,
)
from .versions import current_version, scheduled_versions

bp = Blueprint("assortment_pages", __name__, template_folder="templates")

PER_PAGE = 100  # rows per page in the long lists of a review
# Refusals of a publish that are part of the normal work, shown on the review page as plain messages.
PLAIN_REFUSALS = {"four_eyes", "removal_guard", "schedule_not_later"}
STATE_LABELS = {"scheduled": "schemalagd", "in_effect": "gäller nu", "superseded": "ersatt", "cancelled": "avbruten"}
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
    now = utcnow()
    published = {code: current_version(db.session, code, now) for code in profiles()}
    fetches = {code: fetch_status(db.session, code) for code in profiles()}
    scheduled, behind = {}, {}
    for version in scheduled_versions(db.session, now):
        scheduled.setdefault(version.supplier, []).append(version)
    for eshop in eshops_behind(db.session, now):
        behind.setdefault(eshop["supplier"], []).append(eshop)
    return render_template(
        "assortment/overview.html",
        contract=contract,
        suppliers=profiles(),
        latest=latest,
        drafts=drafts,
        published=published,
        fetches=fetches,
        scheduled=scheduled,
        behind=behind,
        alert_hours=_hours_text(alert_hours()),
    )


def _hours_text(hours: float) -> str:
    return str(int(hours)) if float(hours).is_integer() else str(hours).replace(".", ",")


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
    raw_time = request.form.get("effective_from", "").strip()[:64]
    try:
        effective_from = parse_effective_time(raw_time) if raw_time else None  # datetime-local: Swedish time
        version = publish_assortment(
            db.session,
            code,
            actor=actor,
            four_eyes=_four_eyes(),
            confirm_removal=confirm,
            reason=reason,
            effective_from=effective_from,
        )
    except Conflict as refused:
        discard()  # also returns the reserved version number
        if refused.code not in PLAIN_REFUSALS:
            raise
        return _review_page(
            code,
            message=refused.message,
            ask_removal=refused.code == "removal_guard",
            effective_from=raw_time,
            status=409,
        )
    except PersonalDataFound as found:  # in the reason; the message names the field, never the value
        discard()
        return _review_page(code, message=_personal_data(found), ask_removal=confirm, status=422)
    except Invalid as refused:  # the effective time: unreadable or not in the future
        discard()
        return _review_page(code, message=refused.message, ask_removal=confirm, effective_from=raw_time, status=422)
    name = _names()[code]
    if effective_from is not None:
        flash(
            f"Version {version.number} schemalagd för {name} med {version.item_count} artiklar: gäller från "
            f"{local_text(version.effective_from)} (svensk tid)."
        )
    else:
        flash(f"Version {version.number} publicerad för {name} med {version.item_count} artiklar.")
    _flash_successor(version)
    return redirect(url_for("assortment_pages.versions", supplier=code))


def _flash_successor(version) -> None:
    """Say when a pending schedule will take over from a version that took effect at once."""
    successor = version.successor
    if successor is not None:
        flash(
            f"Version {successor.number} är schemalagd och ersätter version {version.number} "
            f"{local_text(successor.effective_from)}. Avbryt den på sidan Versioner om den inte ska gälla."
        )


def _review_page(
    code: str,
    *,
    message: str | None = None,
    ask_removal: bool = False,
    effective_from: str | None = None,
    status: int = 200,
):
    names = _names()
    try:
        draft = latest_draft(db.session, code)
    except Conflict as none:
        page = render_template(
            "assortment/review.html", supplier=code, name=names[code], draft=None, message=none.message
        )
        return page, status
    found = draft_review(db.session, draft)
    published = found.published
    user = current_user()
    scheduled = scheduled_versions(db.session, supplier=code)
    # Each list is paged before its rows are built: the page shows 100 of each, not all 20,000.
    lists = {
        name: _paged(items, name, code, convert)
        for name, items, convert in (
            ("added", found.added, found.feed_items),
            ("removed", found.removed, found.feed_items),
            ("changed", found.changed, found.changes),
            ("above", found.reconciliation["priced_above_contract"], None),
            ("gtin", found.invalid_gtins, None),
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
        unchanged=found.unchanged,
        message=message,
        ask_removal=ask_removal or _guard_expected(published, len(found.removed)),
        own_draft=_four_eyes() and draft.created_by.casefold() == user.name.casefold(),
        can_publish=may(user, "assortment.publish"),
        can_map=may(user, "pricelists.upload"),
        bases=sorted(b.name for b in draft.contract.base_colours if b.supplier == code),
        labels=FIELD_LABELS,
        missing_reasons=MISSING_REASONS,
        verdict_labels=VERDICT_LABELS,
        scheduled=scheduled,
        next_number=_next_number(code),
        effective_from=effective_from,
    )
    return page, status


def _next_number(code: str) -> int:
    from .models import VersionCounter

    counter = db.session.get(VersionCounter, code)
    return (counter.last_number if counter else 0) + 1


def _guard_expected(published, removed: int) -> bool:
    """Whether publishing will ask for a confirmation, so the form can offer it at once (the service decides)."""
    if published is None or not published.item_count:
        return False
    return removed / published.item_count > REMOVAL_GUARD_SHARE


def _four_eyes() -> bool:
    return four_eyes(current_app.config)


def _paged(items: list, name: str, supplier: str, convert=None) -> dict:
    """One page of a long list; its links keep the other lists on their pages. ``convert`` builds the page's rows."""
    pages = max(-(-len(items) // PER_PAGE), 1)
    page = min(max(request.args.get(f"{name}_page", default=1, type=int) or 1, 1), pages)
    start = (page - 1) * PER_PAGE
    args = {key: value for key, value in request.args.items() if key.endswith("_page")}
    links = {
        label: url_for("assortment_pages.review", supplier=supplier, **{**args, f"{name}_page": number}, _anchor=name)
        for label, number in (("previous", page - 1), ("next", page + 1))
        if 1 <= number <= pages
    }
    shown = items[start : start + PER_PAGE]
    return {
        "items": convert(shown) if convert is not None else shown,
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
    _flash_successor(version)
    return redirect(url_for("assortment_pages.versions", supplier=code))


@bp.post("/versions/<supplier>/cancel")
@page_roles("assortment.publish")
def cancel(supplier: str):
    """Cancel a scheduled version with a reason; a refusal answers on the versions page."""
    code = profile_for(supplier).code
    number = request.form.get("version", type=int)
    try:
        version = cancel_schedule(
            db.session, code, actor=current_user().name, reason=request.form.get("reason", ""), number=number
        )
    except DomainError as refused:
        discard()
        text = _personal_data(refused) if isinstance(refused, PersonalDataFound) else refused.message
        return _versions_page(code, errors=[text], status=status_of(refused))
    flash(
        f"Version {version.number} för {_names()[code]} är avbruten och börjar inte gälla "
        f"{local_text(version.effective_from)}."
    )
    return redirect(url_for("assortment_pages.versions", supplier=code))


def _versions_page(supplier: str, *, errors=(), status: int = 200):
    names = _names()
    shown = [supplier] if supplier else sorted(names)
    try:
        contract_id = active_contract(db.session).id
    except Conflict:
        contract_id = None
    now = utcnow()
    history = {code: list_versions(db.session, code) for code in shown}
    in_effect = {code: current_version(db.session, code, now) for code in shown}
    states = {}
    for code, rows in history.items():
        for row in rows:
            version = row["version"]
            if version.cancelled_at is not None:
                states[version.id] = "cancelled"
            elif version.effective_from > now:
                states[version.id] = "scheduled"
            elif in_effect[code] is not None and in_effect[code].id == version.id:
                states[version.id] = "in_effect"
            else:
                states[version.id] = "superseded"
    page = render_template(
        "assortment/versions.html",
        supplier=supplier,
        names=names,
        history=history,
        states=states,
        state_labels=STATE_LABELS,
        scheduled=[v for v in scheduled_versions(db.session, now) if v.supplier in shown],
        behind=[e for e in eshops_behind(db.session, now) if e["supplier"] in shown],
        contract_id=contract_id,
        can_rollback=may(current_user(), "assortment.publish"),
        errors=errors,
    )
    return page, status


def _personal_data(found: PersonalDataFound) -> str:
    return f"Skälet innehåller personuppgifter ({describe(found.kinds)}). Ta bort dem och försök igen."


def _names() -> dict[str, str]:
    return {code: profile.name for code, profile in profiles().items()}
