"""Stock operations: the recommendation report over the order history, and HMC's decisions.

The figures and rules are in ``analysis`` (plain Python, documented there);
this module reads what they need from the database and records decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.values import normalise_key

from ..assortment.models import AssortmentItem
from ..assortment.versions import current_version
from ..config import lead_times
from ..contracts.service import active_contract
from ..errors import Invalid
from ..orders.delivery import swedish_today
from ..orders.leadtime import working_days_between
from ..orders.models import OrderLine
from ..pricelists.models import PriceListImport, PriceListRow
from .analysis import Article, Settings, Window, analyse
from .decisions import current_decisions
from .flags import current_decisions_query

CHUNK = 500  # article numbers per IN list


# --- settings, window, service level --------------------------------------------------------------


def settings(service_level=None) -> Settings:
    """The analysis settings from the app's configuration, with ``service_level`` checked. Raises Invalid."""
    config = current_app.config if has_app_context() else {}
    defaults = Settings()
    level = parse_service_level(service_level if service_level is not None else config.get("STOCK_SERVICE_LEVEL"))
    return Settings(
        service_level=level,
        abc_cutoffs=tuple(config.get("STOCK_ABC_CUTOFFS", defaults.abc_cutoffs)),
        xyz_cutoffs=tuple(config.get("STOCK_XYZ_CUTOFFS", defaults.xyz_cutoffs)),
        min_weeks=int(config.get("STOCK_MIN_WEEKS", defaults.min_weeks)),
        review_days=int(config.get("STOCK_REVIEW_DAYS", defaults.review_days)),
    )


def parse_service_level(value) -> float:
    """A service level from 0.5 up to (not including) 1; None gives 0.95. Accepts "0,95". Raises Invalid."""
    if value is None or value == "":
        return Settings().service_level
    try:
        level = float(str(value).strip().replace(",", ".")) if not isinstance(value, float) else value
    except ValueError:
        level = None
    if level is None or not 0.5 <= level < 1:
        raise Invalid(
            "bad_service_level",
            "Servicenivån ska vara ett tal från 0,5 till under 1, till exempel 0,95 för 95 %.",
            {"field": "service_level"},
        )
    return level


def window(session: Session, start=None, end=None) -> Window:
    """The analysed days: ``start`` (default the contract start) to ``end`` (default today), both inclusive.

    Accepts dates or ``YYYY-MM-DD`` text. Raises Invalid for a date that cannot be read, a start after
    the end, or a window without a working day (no demand per working day can be computed).
    """
    first = _date(start, "from", "Från") if start not in (None, "") else active_contract(session).start_date
    last = _date(end, "to", "Till") if end not in (None, "") else swedish_today()
    if first > last:
        raise Invalid("bad_window", "Från-datumet ligger efter till-datumet.", {"field": "from"})
    working_days = working_days_between(first - timedelta(days=1), last)
    if working_days < 1:
        raise Invalid("bad_window", "Perioden har ingen arbetsdag. Välj en längre period.", {"field": "to"})
    return Window(first, last, working_days)


def _date(value, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        # the value is not echoed: it is the caller's free text
        raise Invalid(
            "bad_window", f"{label}-datumet är inget datum. Skriv det som ÅÅÅÅ-MM-DD.", {"field": field}
        ) from None


# --- the recommendation report --------------------------------------------------------------------


@dataclass
class Terms:
    """What the assortment and the contract say about one article."""

    price_ore: int | None
    made_to_measure: bool
    in_assortment: bool
    model: str | None = None
    name: str | None = None


def analysed_articles(session: Session, span: Window, config: Settings) -> list[Article]:
    """Every article ordered in the window, with its figures, classes, levels and recommendation."""
    articles = _demand(session, span)
    terms = article_terms(session, list(articles))
    times = lead_times()
    for key, article in articles.items():
        found = terms.get(key)
        if found is not None:
            article.price_ore, article.in_assortment = found.price_ore, found.in_assortment
            article.made_to_measure = article.made_to_measure or found.made_to_measure
            article.extra = {"model": found.model, "name": found.name}
        article.lead_time_working_days = times.for_article(article.made_to_measure)
    return analyse(list(articles.values()), span, config)


def _demand(session: Session, span: Window) -> dict[tuple[str, str], Article]:
    """Units per ISO week and order lines per article; an article is made to measure if any line says so."""
    weeks = len(span.weeks)
    articles: dict[tuple[str, str], Article] = {}
    rows = session.execute(
        select(
            OrderLine.supplier,
            OrderLine.article_number,
            OrderLine.order_date,
            OrderLine.quantity,
            OrderLine.made_to_measure,
        ).where(OrderLine.order_date >= span.start, OrderLine.order_date <= span.end)
    )
    for supplier, number, ordered, quantity, made_to_measure in rows:
        article = articles.get((supplier, number))
        if article is None:
            article = articles[(supplier, number)] = Article(supplier, number, [0] * weeks)
        article.weekly[span.week_index(ordered)] += quantity
        article.order_lines += 1
        article.made_to_measure = article.made_to_measure or made_to_measure
    return articles


def article_terms(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Terms]:
    """Contract price and made-to-measure flag per article.

    From the supplier's current published version when the article is in it;
    otherwise from the article's model in the supplier's latest price list and
    the active contract's terms for that model (the article is then not in the
    assortment). Articles found in neither have no terms.
    """
    found: dict[tuple[str, str], Terms] = {}
    for supplier in sorted({s for s, _ in keys}):
        wanted = sorted({n for s, n in keys if s == supplier})
        found.update(_published_terms(session, supplier, wanted))
        missing = [n for n in wanted if (supplier, n) not in found]
        if missing:
            found.update(_price_list_terms(session, supplier, missing))
    return found


def _published_terms(session: Session, supplier: str, numbers: list[str]) -> dict:
    version = current_version(session, supplier)
    if version is None:
        return {}
    found = {}
    for part in _chunks(numbers):
        rows = session.execute(
            select(
                AssortmentItem.article_number,
                AssortmentItem.price_ore,
                AssortmentItem.made_to_measure,
                AssortmentItem.model,
                AssortmentItem.name,
            ).where(AssortmentItem.version_id == version.id, AssortmentItem.article_number.in_(part))
        )
        for number, price, made_to_measure, model, name in rows:
            found[(supplier, number)] = Terms(price, made_to_measure, True, model, name)
    return found


def _price_list_terms(session: Session, supplier: str, numbers: list[str]) -> dict:
    latest = session.scalar(
        select(PriceListImport.id)
        .where(PriceListImport.supplier == supplier)
        .order_by(PriceListImport.id.desc())
        .limit(1)
    )
    if latest is None:
        return {}
    contract = active_contract(session)
    procured = {m.model_key: m for m in contract.models if m.supplier == supplier}
    found = {}
    for part in _chunks(numbers):
        rows = session.execute(
            select(PriceListRow.article_number, PriceListRow.model, PriceListRow.name)
            .where(PriceListRow.import_id == latest, PriceListRow.article_number.in_(part))
            .order_by(PriceListRow.id)
        )
        for number, model, name in rows:
            terms = procured.get(normalise_key(model)) if model else None
            if terms is not None and (supplier, number) not in found:
                found[(supplier, number)] = Terms(
                    terms.price_ore, terms.made_to_measure, False, terms.model_number, name
                )
    return found


def _chunks(values: list[str]):
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def recommendations(session: Session, *, start=None, end=None, service_level=None) -> dict:
    """The recommendation report of DESIGN.md (``catalog stock recommend --json``). Changes nothing.

    Raises Invalid for a bad window or service level, Conflict when no contract is loaded.
    """
    config = settings(service_level)
    span = window(session, start, end)
    stock = _current_flags(session)
    articles = analysed_articles(session, span, config)
    return {
        "window": {"from": span.start.isoformat(), "to": span.end.isoformat()},
        "service_level": config.service_level,
        "settings": {
            "abc_cutoffs": list(config.abc_cutoffs),
            "xyz_cutoffs": list(config.xyz_cutoffs),
            "min_weeks": config.min_weeks,
            "review_days": config.review_days,
            "regular_classes": list(config.regular_classes),
            "z": round(config.z, 4),
            "weeks": len(span.weeks),
            "working_days": span.working_days,
        },
        "articles": [article_json(a, stock.get(a.key)) for a in articles],
    }


def article_json(article: Article, hmc_stock_item: bool | None = None) -> dict:
    """One article of the report: the DESIGN.md keys, then a few more for people."""
    return {
        "supplier": article.supplier,
        "article_number": article.article_number,
        "units": article.units,
        "order_lines": article.order_lines,
        "weeks_with_demand": article.weeks_with_demand,
        "weekly_mean": round(article.weekly_mean, 3),
        "weekly_sd": round(article.weekly_sd, 3),
        "value_sek": round(article.value_ore / 100, 2),
        "abc": article.abc,
        "xyz": article.xyz,
        "made_to_measure": article.made_to_measure,
        "lead_time_working_days": article.lead_time_working_days,
        "recommend_stock": article.recommend_stock,
        "reorder_point": article.reorder_point,
        "max_level": article.max_level,
        "rule": article.rule,
        "cv": None if article.cv is None else round(article.cv, 3),
        "in_assortment": article.in_assortment,
        "contract_price_sek": None if article.price_ore is None else round(article.price_ore / 100, 2),
        "hmc_stock_item": hmc_stock_item,  # the current decision; None when HMC has not decided
        **article.extra,
    }


def _current_flags(session: Session) -> dict[tuple[str, str], bool]:
    return {(d.supplier, d.article_number): d.stock for d in session.scalars(current_decisions_query())}


def weekly_demand(session: Session, supplier: str, article_number: str, *, start=None, end=None) -> dict:
    """One article's units per ISO week of the window, with its figures (for the weekly chart)."""
    span = window(session, start, end)
    articles = {a.key: a for a in analysed_articles(session, span, settings())}
    article = articles.get((supplier, article_number)) or Article(supplier, article_number, [0] * len(span.weeks))
    return {
        "window": span,
        "weeks": [(monday, units) for monday, units in zip(span.weeks, article.weekly, strict=True)],
        "article": article_json(article, _current_flags(session).get(article.key)),
    }


def stock_list(session: Session, *, start=None, end=None, service_level=None) -> dict:
    """The current stock items: each with its decision, what the assortment says and today's levels.

    Levels come from the recommendation figures for the window (default contract
    start to today); an article without demand in the window has none. Changes nothing.
    """
    report = recommendations(session, start=start, end=end, service_level=service_level)
    figures = {(a["supplier"], a["article_number"]): a for a in report["articles"]}
    items = []
    for decision in current_decisions(session, stock_only=True):
        key = (decision.supplier, decision.article_number)
        item = _item_details(session, *key)
        figure = figures.get(key, {})
        items.append(
            {
                "supplier": decision.supplier,
                "article_number": decision.article_number,
                **item,
                "in_assortment": bool(item),
                **{k: figure.get(k) for k in ("abc", "xyz", "units", "reorder_point", "max_level")},
                "decision_number": decision.number,
                "decided_by": decision.decided_by,
                "decided_at": decision.decided_at,
                "rationale": decision.rationale,
            }
        )
    return {"window": report["window"], "service_level": report["service_level"], "items": items}


def _item_details(session: Session, supplier: str, number: str) -> dict:
    version = current_version(session, supplier)
    if version is None:
        return {}
    row = session.execute(
        select(
            AssortmentItem.model, AssortmentItem.name, AssortmentItem.size, AssortmentItem.length, AssortmentItem.colour
        ).where(AssortmentItem.version_id == version.id, AssortmentItem.article_number == number)
    ).first()
    return {} if row is None else dict(zip(("model", "name", "size", "length", "colour"), row, strict=True))
