"""Pages for HMC: the stock analysis with its pictures, one article's weekly demand, and the decision form."""

from __future__ import annotations

import io

from flask import Blueprint, redirect, render_template, request, send_file, url_for

from ..errors import DomainError, status_of
from ..extensions import db
from ..privacy.guard import PersonalDataFound, describe
from ..suppliers import profiles
from ..transactions import discard
from ..web.access import current_user, page_roles
from .charts import abc_xyz_matrix, pareto_chart, pareto_table, weekly_chart
from .decisions import decide, decision_history
from .export import XLSX_MEDIA_TYPE, stock_list_xlsx
from .service import parse_service_level, recommendations, stock_list, weekly_demand, window

bp = Blueprint("stock_pages", __name__, template_folder="templates")

SHOWN_ROWS = 300  # the table lists recommended and decided articles first; the XLSX report has them all


def _names() -> dict[str, str]:
    return {code: profile.name for code, profile in profiles().items()}


def _period_args(args) -> dict:
    return {key: args.get(key, "").strip() for key in ("from", "to", "service_level")}


NO_PERIOD = {"from": "", "to": "", "service_level": ""}  # the defaults: contract start to today, 95 %


def _report(period: dict) -> tuple[dict, list[str]]:
    """The report for the chosen period; refused choices give their messages and the default period."""
    refused = []
    for check in (
        lambda: window(db.session, period["from"], period["to"]),
        lambda: parse_service_level(period["service_level"]),
    ):
        try:
            check()
        except DomainError as error:
            refused.append(error.message)
    if refused:
        return recommendations(db.session), refused
    return recommendations(
        db.session, start=period["from"], end=period["to"], service_level=period["service_level"]
    ), []


@bp.get("/stock")
@page_roles("stock.manage")
def stock_page():
    """The analysis: Pareto curve, ABC × XYZ matrix, the recommended and decided articles, the decision form."""
    return _stock_page(_period_args(request.args))


def _stock_page(period: dict, *, errors=(), form=None, status: int | None = None):
    report, refused = _report(period)
    articles = report["articles"]
    shown = sorted(articles, key=lambda a: (not a["recommend_stock"], a["hmc_stock_item"] is None, -a["value_sek"]))
    page = render_template(
        "stock/index.html",
        report=report,
        period=period,
        errors=[*refused, *errors],
        pareto=pareto_chart(articles, tuple(report["settings"]["abc_cutoffs"])),
        pareto_rows=pareto_table(articles),
        matrix=abc_xyz_matrix(articles),
        rows=[a for a in shown if a["recommend_stock"] or a["hmc_stock_item"] is not None][:SHOWN_ROWS],
        recommended=sum(1 for a in articles if a["recommend_stock"]),
        shown_rows=SHOWN_ROWS,
        names=_names(),
        form=form or {},
    )
    return page, status or (422 if refused or errors else 200)


@bp.get("/stock/<supplier>/<path:article_number>")
@page_roles("stock.manage")
def article_page(supplier: str, article_number: str):
    """One article: its weekly demand as a chart, its figures and rule, its decisions, the decision form."""
    code = supplier.strip().lower()
    if code not in profiles():
        return _stock_page(_period_args(request.args), errors=["Okänd leverantör."], status=404)
    return _article_page(code, article_number, _period_args(request.args))


def _article_page(code: str, article_number: str, period: dict, *, errors=(), form=None, status=None):
    try:
        found = weekly_demand(db.session, code, article_number, start=period["from"], end=period["to"])
    except DomainError as error:
        errors = [*errors, error.message]
        found = weekly_demand(db.session, code, article_number)
    name = _names()[code]
    title = f"Efterfrågan per vecka: {name} {article_number}"
    page = render_template(
        "stock/article.html",
        supplier=code,
        supplier_name=name,
        article_number=article_number,
        article=found["article"],
        window=found["window"],
        chart=weekly_chart(found["weeks"], title),
        weeks=found["weeks"],
        history=decision_history(db.session, code, article_number),
        period=period,
        errors=errors,
        saved=request.args.get("sparat") == "1",
        names=_names(),
        form=form or {"supplier": code, "article_number": article_number},
    )
    return page, status or (422 if errors else 200)


@bp.post("/stock/decisions")
@page_roles("stock.manage")
def record_decision():
    """Record a decision from the form; a refused one re-renders the page with the reason (nothing is saved)."""
    form = {key: request.form.get(key, "") for key in ("supplier", "article_number", "stock", "rationale", "back")}
    try:
        decision = decide(
            db.session,
            form["supplier"],
            form["article_number"],
            stock=form["stock"] == "ja",
            rationale=form["rationale"],
            actor=current_user().name,
        )
    except DomainError as error:
        discard()
        return _refused(form, error)
    target = url_for("stock_pages.article_page", supplier=decision.supplier, article_number=decision.article_number)
    return redirect(f"{target}?sparat=1", code=303)


FIELD_LABELS = {"rationale": "Motiveringen", "article_number": "Artikelnumret"}


def _refused(form: dict, error: DomainError):
    if isinstance(error, PersonalDataFound):
        label = FIELD_LABELS.get(error.field, error.field)
        message = f"{label} innehåller personuppgifter ({describe(error.kinds)}). Ta bort dem och försök igen."
        form = {**form, error.field: ""}  # personal data is never shown back
    else:
        message = error.message
    status = status_of(error)
    code = form["supplier"].strip().lower()
    if form["back"] == "article" and code in profiles() and error_field(error) != "article_number":
        return _article_page(
            code, form["article_number"].strip(), NO_PERIOD, errors=[message], form=form, status=status
        )
    if error_field(error) == "article_number":
        form = {**form, "article_number": ""}  # a refused article number is not shown back either
    return _stock_page(NO_PERIOD, errors=[message], form=form, status=status)


def error_field(error: DomainError) -> str | None:
    return error.details.get("field") if isinstance(error.details, dict) else None


@bp.get("/stock/lagerlista.xlsx")
@page_roles("stock.manage")
def stock_list_download():
    """The current stock list as XLSX."""
    current = stock_list(db.session)
    return send_file(
        io.BytesIO(stock_list_xlsx(current)),
        mimetype=XLSX_MEDIA_TYPE,
        as_attachment=True,
        download_name=f"lagerartiklar-{current['window']['to']}.xlsx",
    )
