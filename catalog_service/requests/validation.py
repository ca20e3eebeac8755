"""Input checks of the request area: free text through the privacy guard, structured fields by format.

Every refusal names the field (``details["field"]``) and never the value. Nothing here writes.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import current_app, has_app_context

from ..errors import Invalid
from ..privacy.guard import check_structured, guard_text
from ..privacy.identity import full_identity_kind
from ..suppliers import profiles
from .models import UNIT_CODE_MAX

# A unit code is a short code such as "VGR-1234" or "KLIN12": letters and digits in up to three
# hyphen-joined parts. A strict format cannot hold a name, an address or an e-mail address.
_UNIT_CODE = re.compile(r"[A-Z0-9]{1,12}(?:-[A-Z0-9]{1,12}){0,2}")
COST_MAX = Decimal("10000000")
CENT = Decimal("0.01")


def setting(name: str, default):
    """A configuration value when running in the app, else ``default`` (the service also runs without Flask)."""
    return current_app.config.get(name, default) if has_app_context() else default


def free_text(field: str, value, limit: int, *, required: bool = False) -> str | None:
    """Trimmed free text, at most ``limit`` characters, without personal data; None when empty.

    Raises Invalid (missing or too long) or PersonalDataFound; both name the field only.
    """
    text = (value or "").strip() if isinstance(value, str | type(None)) else _not_text(field)
    if not text:
        if required:
            raise Invalid("missing_field", f'Fältet "{field}" måste fyllas i.', {"field": field})
        return None
    if len(text) > limit:
        raise Invalid(
            "too_long",
            f'Fältet "{field}" är för långt: högst {limit} tecken.',
            {"field": field, "max_length": limit},
        )
    guard_text(field, text)
    return text


def kundordernummer(value) -> str:
    """The customer order number, normalised; Invalid unless it matches KUNDORDERNUMMER_PATTERN."""
    text = _structured_text("kundordernummer", value)
    pattern = setting("KUNDORDERNUMMER_PATTERN", None)
    if check_structured("kundordernummer", text, **({"pattern": pattern} if pattern else {})):
        raise Invalid(
            "invalid_kundordernummer",
            "Kundordernumret har fel form (som KO-2600001). Skriv bara WebSesams kundordernummer, "
            "aldrig namn eller andra personuppgifter.",
            {"field": "kundordernummer"},
        )
    return text


def article_number(field: str, value) -> str | None:
    """An article number (letters, digits, - . / and spaces), or None when empty; Invalid otherwise."""
    text = _structured_text(field, value, required=False)
    if not text:
        return None
    kind = check_structured("article_number", text)
    if kind:
        raise Invalid(
            "invalid_article_number",
            "Artikelnumret har fel form: bokstäver, siffror, bindestreck, punkt och snedstreck, högst 40 tecken.",
            {"field": field, "kind": kind},
        )
    return text


def unit_code(field: str, value) -> str:
    """A unit code in upper case (``VGR-1234``); Invalid when missing, malformed or an identity number."""
    text = _structured_text(field, value).upper()
    if len(text) > UNIT_CODE_MAX or not _UNIT_CODE.fullmatch(text) or full_identity_kind(text, date.today()):
        raise Invalid(
            "invalid_unit_code",
            f"Enhetskoden har fel form: bokstäver och siffror, gärna med bindestreck (som VGR-1234), "
            f"högst {UNIT_CODE_MAX} tecken.",
            {"field": field},
        )
    return text


def supplier(field: str, value, *, required: bool = False) -> str | None:
    """A known supplier's code (``Medi`` → ``medi``), or None when empty and not required."""
    text = (value or "").strip().lower() if isinstance(value, str | type(None)) else _not_text(field)
    if not text and not required:
        return None
    if text not in profiles():
        known = ", ".join(sorted(profiles()))
        # the value is not echoed: it is the caller's free text
        raise Invalid("unknown_supplier", f"Okänd leverantör. Kända leverantörer: {known}.", {"field": field})
    return text


def choice(field: str, kind: type[enum.StrEnum], value) -> enum.StrEnum:
    """One of an enum's values; Invalid naming the field and the allowed values otherwise."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise Invalid("invalid_choice", f'Fältet "{field}" måste vara ett av: {allowed}.', {"field": field}) from None


def cost_sek(field: str, value) -> Decimal:
    """A cost in SEK: more than 0, below 10 million, at most two decimals (ören)."""
    amount = _decimal(value)
    if amount is None or not Decimal(0) < amount < COST_MAX or amount != amount.quantize(CENT):
        raise Invalid(
            "invalid_cost",
            "Ange kostnaden i kronor, större än 0 och med högst två decimaler (som 4500 eller 4500,50).",
            {"field": field},
        )
    return amount.quantize(CENT)


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _structured_text(field: str, value, *, required: bool = True) -> str:
    text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        _not_text(field)
    if required and not text:
        raise Invalid("missing_field", f'Fältet "{field}" måste fyllas i.', {"field": field})
    return text


def _not_text(field: str):
    raise Invalid("not_text", f'Fältet "{field}" ska vara text.', {"field": field})
