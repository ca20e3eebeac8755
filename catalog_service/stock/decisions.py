"""HMC's stock decisions: versioned (each decision a new row, the latest is current) and audited."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..assortment.models import AssortmentItem
from ..assortment.versions import current_version
from ..audit.service import record
from ..errors import Conflict, Invalid
from ..feeds.service import rerender_current
from ..privacy.guard import PersonalDataFound, check_structured, guard_text
from ..suppliers import profiles
from .flags import current_decisions_query
from .models import RATIONALE_MAX_LENGTH, StockDecision


def decide(
    session: Session, supplier: str, article_number: str, *, stock: bool, rationale: str, actor: str
) -> StockDecision:
    """Record that an article is (``stock=True``) or is not a stock item at HMC, and why.

    The article must be in the supplier's published assortment; an article that
    left it can still be taken off the stock list. A made-to-measure article is
    never a stock item. The rationale is required, at most 500 characters, and
    passes the privacy guard. When the article's flag changes, the supplier's
    current feed is re-rendered in the same transaction (``hmc_stock_item``).

    Raises Invalid (unknown supplier or article, bad article number, missing or
    long rationale, made to measure), PersonalDataFound, or Conflict when
    someone else decided about the same article at the same moment.
    Writes a StockDecision and an audit entry; flushes, the caller commits.
    """
    code, number = _supplier_code(supplier), _article_number(article_number)
    text = _rationale(rationale)
    item = _published_item(session, code, number)
    previous = current_decision(session, code, number)
    _check_article(code, number, item, previous, stock)
    decision = StockDecision(
        supplier=code,
        article_number=number,
        number=(previous.number + 1) if previous else 1,
        stock=bool(stock),
        rationale=text,
        decided_by=actor,
    )
    try:
        with session.begin_nested():  # a lost race rolls back this insert only
            session.add(decision)
            session.flush()
    except IntegrityError:
        raise Conflict(
            "decided_meanwhile", "Någon annan beslutade om artikeln samtidigt. Ladda om sidan och försök igen."
        ) from None
    changed = (previous.stock if previous else False) != decision.stock
    if changed and item is not None:
        rerender_current(session, code)
    record(
        session,
        actor=actor,
        action="stock.decide",
        object_type="stock_decision",
        object_id=decision.id,
        supplier=code,
        article_number=number,
        stock=decision.stock,
        number=decision.number,
        previous=None if previous is None else previous.stock,
    )
    return decision


def _supplier_code(supplier: str) -> str:
    code = (supplier or "").strip().lower()
    if code not in profiles():
        known = ", ".join(sorted(profiles()))
        raise Invalid("unknown_supplier", f"Okänd leverantör. Kända leverantörer: {known}.", {"field": "supplier"})
    return code


def _article_number(value: str) -> str:
    number = unicodedata.normalize("NFKC", value or "").strip()
    kind = check_structured("article_number", number)
    if kind in ("personnummer", "samordningsnummer"):
        raise PersonalDataFound("article_number", [kind])
    if kind:
        raise Invalid(
            "invalid_article_number",
            "Artikelnumret har fel form: bokstäver, siffror och - . / (högst 40 tecken).",
            {"field": "article_number"},
        )
    return number


def _rationale(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid("rationale_required", "Skriv en motivering till beslutet.", {"field": "rationale"})
    if len(text) > RATIONALE_MAX_LENGTH:
        raise Invalid(
            "rationale_too_long",
            f"Motiveringen får vara högst {RATIONALE_MAX_LENGTH} tecken (nu {len(text)}).",
            {"field": "rationale", "max_length": RATIONALE_MAX_LENGTH},
        )
    guard_text("rationale", text)
    return text


def _published_item(session: Session, supplier: str, number: str) -> AssortmentItem | None:
    version = current_version(session, supplier)
    if version is None:
        return None
    return session.scalar(
        select(AssortmentItem).where(AssortmentItem.version_id == version.id, AssortmentItem.article_number == number)
    )


def _check_article(code, number, item, previous, stock: bool) -> None:
    name = profiles()[code].name
    if item is None and (stock or previous is None):
        raise Invalid(
            "unknown_article",
            f"Artikel {number} finns inte i {name}s publicerade sortiment.",
            {"field": "article_number"},
        )
    if stock and item.made_to_measure:
        raise Invalid(
            "made_to_measure",
            f"Artikel {number} är måttsydd: den tillverkas för en brukare och kan inte bli lagerartikel.",
            {"field": "stock"},
        )


def current_decision(session: Session, supplier: str, article_number: str) -> StockDecision | None:
    """The article's current (latest) decision, or None."""
    return session.scalar(
        select(StockDecision)
        .where(StockDecision.supplier == supplier, StockDecision.article_number == article_number)
        .order_by(StockDecision.number.desc())
        .limit(1)
    )


def decision_history(session: Session, supplier: str, article_number: str) -> list[StockDecision]:
    """Every decision about one article, the newest first."""
    return list(
        session.scalars(
            select(StockDecision)
            .where(StockDecision.supplier == supplier, StockDecision.article_number == article_number)
            .order_by(StockDecision.number.desc())
        )
    )


def current_decisions(session: Session, *, supplier: str | None = None, stock_only: bool = False):
    """Every article's current decision, by supplier and article number."""
    query = current_decisions_query(supplier)
    if stock_only:
        query = query.where(StockDecision.stock.is_(True))
    return list(session.scalars(query.order_by(StockDecision.supplier, StockDecision.article_number)))
