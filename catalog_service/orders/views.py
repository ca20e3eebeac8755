"""The order pages: history search by customer order number or dates, label sheets (PDF), the delivery report."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, send_file, url_for

from ..config import lead_times
from ..extensions import db
from ..privacy.guard import check_structured
from ..suppliers import profiles
from ..web.access import page_roles
from ..web.queries import load_query
from .schemas import OrderQuerySchema

bp = Blueprint("order_pages", __name__, template_folder="templates")


ORDERS_PER_PAGE = 20
ORDER_QUERY = OrderQuerySchema(only=("kundordernummer", "from_", "to", "page"))
DATES = (("from", "Från"), ("to", "Till"))
DATE_FORMAT = "ÅÅÅÅ-MM-DD"
NOT_AN_ORDER_NUMBER = (
    "Kundordernumret har fel form (som KO-2600001). "
    "Skriv bara kundordernumret, aldrig namn eller andra personuppgifter."
)


@bp.get("/orders")
@page_roles("orders.read")
def orders():
    """Order history: by exact customer order number or by order-date range, paged. Read-only."""
    search, errors = _order_search(request.args)
    return _orders_page(search, errors=errors)


@bp.post("/orders")
@page_roles("orders.read")
def search_orders():
    """The search form is POSTed so that free text (perhaps a personal identity number typed in the wrong
    field) never reaches a URL, the browser history or a proxy's log; only validated values are redirected to.
    """
    search, errors = _order_search(request.form)
    if errors:  # re-rendered here, never redirected: the refused value stays out of every URL
        return _orders_page(search, errors=errors)
    return redirect(url_for("order_pages.orders", **_search_args(search)), code=303)


@bp.get("/orders/import")
@page_roles("orders.import")
def import_page():
    """The form for WebSesam's order-line export."""
    return render_template("orders/import.html", result=None, error=None)


@bp.post("/orders/import")
@page_roles("orders.import")
def import_upload():
    """Import the export as `catalog orders import` does; a refusal lists sheet, row, column and kind, never a value."""
    import tempfile
    from pathlib import Path

    from ..errors import DomainError, status_of
    from ..files import safe_name
    from ..transactions import discard
    from ..web.access import current_user
    from .service import import_orders

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("orders/import.html", result=None, error="Välj en fil (.xlsx) att läsa in."), 422
    with tempfile.TemporaryDirectory(prefix="catalog-upload-") as folder:
        path = Path(folder) / "orders.xlsx"
        upload.save(path)
        try:
            result = import_orders(
                db.session,
                path,
                actor=current_user().name,
                filename=safe_name(upload.filename, fallback="orderrader.xlsx"),
                kundordernummer_pattern=current_app.config.get("KUNDORDERNUMMER_PATTERN"),
            )
        except DomainError as error:
            discard()
            return render_template("orders/import.html", result=None, error=error.message), status_of(error)
    if result.status == "refused":
        discard()  # nothing of a refused file is stored
        return render_template("orders/import.html", result=result, kind_labels=_kind_labels(), error=None), 422
    return render_template("orders/import.html", result=result, error=None), 201


def _kind_labels() -> dict[str, str]:
    from ..privacy.guard import LABELS

    return LABELS


@bp.post("/orders/<kundordernummer>/reorder")
@page_roles("orders.reorder")
def start_reorder(kundordernummer: str):
    """The "Beställ igen" button (a POST, like the API's reorder): on to the reorder page of that order."""
    return redirect(url_for("order_pages.reorder_page", kundordernummer=kundordernummer), code=303)


@bp.get("/orders/<kundordernummer>/reorder")
@page_roles("orders.reorder")
def reorder_page(kundordernummer: str):
    """The "Beställ igen" page: which lines can be ordered in which e-shop at the contract price, and why not the
    others, each with a consultation request filled in (the API's reorder draft, POST /api/v1/orders/<nr>/reorder)."""
    from ..errors import DomainError, status_of
    from ..requests.workflow import REASON_LABELS, URGENCY_LABELS
    from .reorder import reorder_draft

    number = unicodedata.normalize("NFKC", kundordernummer).strip()
    if _not_an_order_number(number):
        return _orders_page(_empty_search(), errors=["Ordern finns inte i historiken."], status=404)
    try:
        draft = reorder_draft(db.session, number)
    except DomainError as error:
        return _orders_page(_empty_search(), notices=[error.message], status=status_of(error))
    return render_template(
        "orders/reorder.html",
        draft=draft,
        names={code: profile.name for code, profile in profiles().items()},
        reason_labels=REASON_LABELS,
        urgency_labels=URGENCY_LABELS,
    )


@bp.post("/orders/<kundordernummer>/labels")
@page_roles("orders.labels")
def order_labels_pdf(kundordernummer: str):
    """The label sheet (PDF) of the order's made-to-measure lines; a refused batch number re-renders the order."""
    from ..errors import DomainError, Invalid, status_of
    from ..orders.labels import order_labels

    number = unicodedata.normalize("NFKC", kundordernummer).strip()
    if _not_an_order_number(number):
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


def _not_an_order_number(number: str) -> str | None:
    """The privacy guard's error kind for a customer order number not in the configured form, else None."""
    pattern = current_app.config.get("KUNDORDERNUMMER_PATTERN")
    return check_structured("kundordernummer", number, **({"pattern": pattern} if pattern else {}))


def _empty_search() -> dict:
    return {"kundordernummer": "", "from": None, "to": None, "page": 1}


def _order_search(args) -> tuple[dict, list[str]]:
    """The search form's values (read with the API's query schema) and Swedish messages for the refused ones.

    A refused value is not kept; a bad page number is the first page.
    """
    query, refused = load_query(ORDER_QUERY, args)
    search, errors = _empty_search(), []
    number = unicodedata.normalize("NFKC", query.get("kundordernummer", "")).strip()
    if number and _not_an_order_number(number):
        errors.append(NOT_AN_ORDER_NUMBER)
    else:
        search["kundordernummer"] = number
    search["from"], search["to"], search["page"] = query.get("from_"), query.get("to"), query["page"]
    errors.extend(
        f"{label}-datumet är inget datum. Skriv det som ÅÅÅÅ-MM-DD." for key, label in DATES if key in refused
    )
    if search["from"] and search["to"] and search["from"] > search["to"]:
        errors.append("Från-datumet ligger efter till-datumet.")
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
            name: url_for("order_pages.orders", **_search_args(search), page=page)
            for name, page in (("previous", search["page"] - 1), ("next", search["page"] + 1))
            if 1 <= page <= found["pages"]
        }
    if status is None:
        status = 422 if errors else 200
    page = render_template(
        "orders/orders.html",
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
@page_roles("orders.delivery")
def delivery():
    """The supplier delivery report: a table and a bar chart of the share within the contract lead time."""
    from ..orders.delivery import delivery_report, swedish_today

    suppliers = profiles()
    supplier = request.args.get("supplier", "").strip().lower()
    errors = []
    if supplier and supplier not in suppliers:
        errors.append("Okänd leverantör. Rapporten visar alla leverantörer.")  # the value is not echoed
        supplier = ""
    times = lead_times(current_app.config)
    standard_days, made_to_measure_days = times.standard, times.made_to_measure
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
        "orders/delivery.html",
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
            # the values are in the table below the chart: printed on narrow bars they ran together ("100 %100 %")
            print_values=False,
            legend_at_bottom=True,
            x_label_rotation=45 if len(months) > 6 else 0,
        )
    )
    chart.x_labels = months
    for code in sorted({row["supplier"] for row in rows}):
        shares = {row["month"]: row["share_within"] for row in rows if row["supplier"] == code}
        values = [None if shares.get(month) is None else round(shares[month] * 100, 1) for month in months]
        chart.add(names.get(code, code), values)
    return render_svg(chart)
