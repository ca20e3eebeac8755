"""Template filters every page may use."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time)
    app.add_template_filter(sek)
    app.add_template_filter(plural)


def local_time(moment) -> str:
    """A timestamp as Swedish local time, the way people here read it."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M") if moment else ""


def sek(ore: int | None) -> str:
    """Öre as Swedish kronor: 123450 → '1 234,50 kr'."""
    if ore is None:
        return "–"
    return f"{ore // 100:,}".replace(",", "\u00a0") + f",{ore % 100:02d}\u00a0kr"


def plural(count, singular: str, plural_form: str) -> str:
    """The noun for ``count`` things: ``{{ n }} {{ n|plural("ärende", "ärenden") }}`` → "1 ärende", "2 ärenden".

    Swedish has one singular (exactly one) and one plural (zero and more than one); no library is needed for that.
    """
    return singular if count in (1, -1) else plural_form
