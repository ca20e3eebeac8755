"""Thin page views; each calls one area operation and renders a template."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from sqlalchemy import select

from ..assortment.service import current_version
from ..auth.models import Role
from ..contracts.models import Contract
from ..extensions import db
from ..feeds.service import fetch_status
from ..pricelists.models import ImportStatus
from ..pricelists.service import list_imports
from ..privacy.guard import check_structured
from ..suppliers import profiles
from .access import page_roles

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")


@bp.get("/")
@page_roles(Role.upphandlare, Role.hmc)
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
        "overview.html",
        contract=contract,
        suppliers=profiles(),
        latest=latest,
        drafts=drafts,
        published=published,
        fetches=fetches,
    )


docs_assets = Blueprint("docs_assets", __name__)


@docs_assets.get("/api/v1/docs/assets/<path:filename>")
def swagger_ui_asset(filename: str):
    """Swagger UI's scripts and styles, from the installed swagger-ui-bundle package."""
    import swagger_ui_bundle
    from flask import send_from_directory

    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


@bp.app_template_filter("local_time")
def local_time(moment) -> str:
    """A timestamp as Swedish local time, the way people here read it."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M") if moment else ""


@bp.get("/healthz")
def healthz():
    """The process is up (no database access: load balancers call this often)."""
    return {"status": "ok"}


ORDERS_PER_PAGE = 20
NOT_AN_ORDER_NUMBER = (
    "Kundordernumret har fel form (som KO-2600001). "
    "Skriv bara kundordernumret, aldrig namn eller andra personuppgifter."
)


@bp.get("/orders")
@page_roles(Role.hmc, Role.forskrivare)
def orders():
    """Order history: by exact customer order number or by order-date range, paged. Read-only."""
    search, errors = _order_search(request.args)
    return _orders_page(search, errors=errors)


@bp.post("/orders/<kundordernummer>/labels")
@page_roles(Role.hmc)
def order_labels_pdf(kundordernummer: str):
    """The label sheet (PDF) of the order's made-to-measure lines; a refused batch number re-renders the order."""
    from ..errors import DomainError, Invalid, status_of
    from ..orders.labels import order_labels

    number = unicodedata.normalize("NFKC", kundordernummer).strip()
    if check_structured("kundordernummer", number):
        return _orders_page(_empty_search(), errors=["Ordern finns inte i historiken."], status=404)
    try:
        pdf = order_labels(db.session, number, batch_number=request.form.get("batch_number", ""))
    except DomainError as error:  # the messages never hold the batch number
        search = {**_empty_search(), "kundordernummer": number}
        if isinstance(error, Invalid):  # shown at the order's label form
            return _orders_page(search, label_errors={number: error.message}, status=status_of(error))
        return _orders_page(search, notices=[f"Etiketterna skrevs inte ut: {error.message}"], status=status_of(error))
    return send_file(
        io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=f"etiketter-{number}.pdf"
    )


def _empty_search() -> dict:
    return {"kundordernummer": "", "from": None, "to": None, "page": 1}


def _order_search(args) -> tuple[dict, list[str]]:
    """The search form's values and Swedish messages for the refused ones (a refused value is not kept)."""
    search, errors = _empty_search(), []
    number = unicodedata.normalize("NFKC", args.get("kundordernummer", "")).strip()
    if number and check_structured("kundordernummer", number):
        errors.append(NOT_AN_ORDER_NUMBER)
    else:
        search["kundordernummer"] = number
    for key, label in (("from", "Från"), ("to", "Till")):
        raw = args.get(key, "").strip()
        if not raw:
            continue
        try:
            search[key] = date.fromisoformat(raw)
        except ValueError:
            errors.append(f"{label}-datumet är inget datum. Skriv det som ÅÅÅÅ-MM-DD.")
    if search["from"] and search["to"] and search["from"] > search["to"]:
        errors.append("Från-datumet ligger efter till-datumet.")
    search["page"] = max(args.get("page", default=1, type=int) or 1, 1)
    return search, errors


def _orders_page(search: dict, *, errors=(), notices=(), label_errors=None, status: int | None = None):
    """The order page; ``errors`` are refused search values (no search is made), ``notices`` other messages."""
    from ..orders.service import find_orders, line_view

    found = None
    if not errors and (search["kundordernummer"] or search["from"] or search["to"]):
        found = find_orders(
            db.session,
            kundordernummer=search["kundordernummer"] or None,
            date_from=search["from"],
            date_to=search["to"],
            page=search["page"],
            per_page=ORDERS_PER_PAGE,
        )
        for order in found["orders"]:
            order["lines"] = [line_view(line) for line in order["lines"]]
            order["made_to_measure"] = any(line["made_to_measure"] for line in order["lines"])
        found["pages"] = max(-(-found["total"] // ORDERS_PER_PAGE), 1)
        found["links"] = {
            name: url_for("web.orders", **_search_args(search), page=page)
            for name, page in (("previous", search["page"] - 1), ("next", search["page"] + 1))
            if 1 <= page <= found["pages"]
        }
    if status is None:
        status = 422 if errors else 200
    page = render_template(
        "orders.html",
        search=search,
        errors=[*errors, *notices],
        label_errors=label_errors or {},
        found=found,
        names={code: profile.name for code, profile in profiles().items()},
    )
    return page, status


def _search_args(search: dict) -> dict:
    args = {"kundordernummer": search["kundordernummer"], "from": search["from"], "to": search["to"]}
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in args.items() if value}


@bp.get("/orders/delivery")
@page_roles(Role.hmc, Role.upphandlare)
def delivery():
    """The supplier delivery report: a table and a bar chart of the share within the contract lead time."""
    from ..orders.delivery import delivery_report, swedish_today

    suppliers = profiles()
    supplier = request.args.get("supplier", "").strip().lower()
    errors = []
    if supplier and supplier not in suppliers:
        errors.append("Okänd leverantör. Rapporten visar alla leverantörer.")  # the value is not echoed
        supplier = ""
    config = current_app.config
    standard_days = int(config.get("LEAD_TIME_STANDARD_DAYS", 5))
    made_to_measure_days = int(config.get("LEAD_TIME_MADE_TO_MEASURE_DAYS", 10))
    today = swedish_today()
    rows = delivery_report(
        db.session,
        supplier=supplier or None,
        today=today,
        standard_days=standard_days,
        made_to_measure_days=made_to_measure_days,
    )
    names = {code: profile.name for code, profile in suppliers.items()}
    return render_template(
        "delivery.html",
        rows=rows,
        chart=_delivery_chart(rows, names),
        names=names,
        supplier=supplier,
        errors=errors,
        today=today,
        standard_days=standard_days,
        made_to_measure_days=made_to_measure_days,
    ), (422 if errors else 200)


def _delivery_chart(rows: list[dict], names: dict[str, str]) -> str | None:
    """A bar chart (inline SVG, pygal) of the share within lead time per supplier and month; None without arrivals."""
    if all(row["share_within"] is None for row in rows):
        return None
    from ..charts import chart_options, pygal_module, render_svg

    months = sorted({row["month"] for row in rows})
    chart = pygal_module().Bar(
        **chart_options(
            width=800,
            height=360,
            range=(0, 100),
            title="Andel rader som nådde HMC inom avtalad ledtid",
            x_title="Månad (orderdatum)",
            y_title="Procent",
            value_formatter=lambda value: f"{value:.0f} %",
            print_values=True,
            legend_at_bottom=True,
        )
    )
    chart.x_labels = months
    for code in sorted({row["supplier"] for row in rows}):
        shares = {row["month"]: row["share_within"] for row in rows if row["supplier"] == code}
        values = [None if shares.get(month) is None else round(shares[month] * 100, 1) for month in months]
        chart.add(names.get(code, code), values)
    return render_svg(chart)
