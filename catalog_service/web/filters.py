"""Template filters every page may use: amounts, counts, shares and times formatted by Babel for Swedish readers
(sv_SE: "1 234,50 kr", "13 883", "12,5 %", Swedish local time), and Swedish plural forms."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.dates import format_date, format_datetime, get_timezone
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask

LOCALE = "sv_SE"
TIMEZONE = get_timezone("Europe/Stockholm")
MISSING = "–"


def init_app(app: Flask) -> None:
    for function in (local_time, local_date, sek, kronor, number, decimal, percent, plural, role_name):
        app.add_template_filter(function)


def local_time(moment) -> str:
    """A timestamp as Swedish local time, the way people here read it: '2026-03-01 14:05'."""
    return format_datetime(moment, "yyyy-MM-dd HH:mm", tzinfo=TIMEZONE, locale=LOCALE) if moment else ""


def local_date(day) -> str:
    """A calendar day (or the day of a timestamp in Swedish time): '2026-03-01'."""
    if not day:
        return ""
    if hasattr(day, "hour"):
        day = day.astimezone(TIMEZONE).date() if day.tzinfo else day.date()
    return format_date(day, "yyyy-MM-dd", locale=LOCALE)


def sek(ore: int | None) -> str:
    """Öre as Swedish kronor: 123450 → '1 234,50 kr'."""
    if ore is None:
        return MISSING
    return format_currency(Decimal(ore) / 100, "SEK", locale=LOCALE)


def kronor(value) -> str:
    """An amount in kronor (a Decimal, a number or the API's text "1234.50") as '1 234,50 kr'; '–' when missing."""
    return _kronor_text(str(value)) if value is not None else MISSING


@lru_cache(maxsize=4096)
def _kronor_text(text: str) -> str:
    # Babel takes about 50 µs an amount, and a page of articles repeats a few prices hundreds of times.
    amount = _decimal(text)
    return MISSING if amount is None else format_currency(amount, "SEK", locale=LOCALE)


def number(value) -> str:
    """A count with Swedish digit grouping: 13883 → '13 883'."""
    return MISSING if value is None else format_decimal(value, locale=LOCALE)


def decimal(value, places: int = 2) -> str:
    """A measured figure with ``places`` decimals: 1234.5 → '1 234,50'."""
    amount = _decimal(value)
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return MISSING if amount is None else format_decimal(amount, format=pattern, locale=LOCALE)


def percent(share, places: int = 1) -> str:
    """A share (0.125) as a Swedish percentage: '12,5 %'."""
    amount = _decimal(share)
    pattern = "#,##0." + "0" * places + "\u00a0%" if places else "#,##0\u00a0%"
    return MISSING if amount is None else format_percent(amount, format=pattern, locale=LOCALE)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def plural(count, singular: str, plural_form: str) -> str:
    """The noun for ``count`` things: ``{{ n }} {{ n|plural("ärende", "ärenden") }}`` → "1 ärende", "2 ärenden".

    Swedish has one singular (exactly one) and one plural (zero and more than one); no library is needed for that.
    """
    return singular if count in (1, -1) else plural_form


def role_name(role: str) -> str:
    """A role's Swedish name: 'forskrivare' → 'förskrivare', 'hmc' → 'HMC-personal'."""
    from ..audit.sentences import ROLE_NAMES

    return ROLE_NAMES.get(role, role)
