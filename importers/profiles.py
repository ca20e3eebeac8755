"""Supplier profiles: how one supplier's price list names its columns.

A profile is data, kept in a TOML file under ``importers/suppliers/`` (or in a
directory named by ``CATALOG_PROFILE_DIRS``). Adding a supplier means adding a
file; no code changes. Every profile also understands the common header names
below, so a supplier that renames "Art.nr" to "Artikelnummer" still imports.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .values import clean_text

BUNDLED_DIR = Path(__file__).parent / "suppliers"

REQUIRED_FIELDS = ("article_number", "model", "compression_class", "price")
COLOUR_FIELDS = ("colour", "colour_code")
OPTIONAL_FIELDS = ("gtin", "name", "garment_type", "size", "length", "valid_from", "valid_to")
ALL_FIELDS = REQUIRED_FIELDS + COLOUR_FIELDS + OPTIONAL_FIELDS

# Header names any supplier may use, in Swedish, English and German.
COMMON_HEADERS: dict[str, tuple[str, ...]] = {
    "article_number": (
        "Artikelnummer",
        "Artikelnr",
        "Art.nr",
        "Art nr",
        "Artikel",
        "Article No",
        "Article number",
        "Article",
        "Item number",
        "Item no",
        "SKU",
        "Art.-Nr.",
    ),
    "gtin": ("GTIN", "EAN", "EAN-kod", "EAN code", "EAN-Code", "EAN-Nummer", "Streckkod"),
    "name": (
        "Benämning",
        "Produktnamn",
        "Artikelbenämning",
        "Beskrivning",
        "Description",
        "Product name",
        "Name",
        "Bezeichnung",
        "Artikelbezeichnung",
    ),
    "model": ("Modell", "Modellnummer", "Modellnr", "Model", "Model number", "Model no", "Style"),
    "compression_class": (
        "Kompressionsklass",
        "Klass",
        "KKL",
        "Compression class",
        "CCL",
        "Class",
        "Kompressionsklasse",
    ),
    "garment_type": ("Plaggtyp", "Typ", "Produkttyp", "Garment", "Garment type", "Type", "Art", "Produktart"),
    "size": ("Storlek", "Strl", "Size", "Größe", "Grösse"),
    "length": ("Längd", "Length", "Länge"),
    "colour": ("Färg", "Färgnamn", "Colour", "Color", "Colour name", "Farbe", "Farbname"),
    "colour_code": ("Färgkod", "Färgnummer", "Colour code", "Color code", "Farbnummer", "Farbcode"),
    "price": (
        "Pris",
        "Pris SEK",
        "Pris (SEK)",
        "Pris exkl moms",
        "Á-pris",
        "A-pris",
        "Price",
        "Price SEK",
        "Unit price",
        "Preis",
        "Preis (SEK)",
        "Nettopreis",
    ),
    "valid_from": ("Giltig från", "Gäller från", "Valid from", "Gültig ab", "Gültig von"),
    "valid_to": ("Giltig till", "Gäller till", "Valid to", "Valid until", "Gültig bis"),
}


def header_key(name) -> str:
    """Loose comparison form of a header: case, accents on a/o kept, punctuation dropped."""
    if not isinstance(name, str):
        return ""
    folded = unicodedata.normalize("NFKC", clean_text(name)).casefold()
    return re.sub(r"[^0-9a-zåäöüßéá]+", "", folded)


@dataclass(frozen=True)
class SupplierProfile:
    """One supplier's layout knowledge: header names per field, colour columns, parsers."""

    code: str
    name: str
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    parsers: dict[str, str] = field(default_factory=dict)
    header_scan_rows: int = 30
    # The supplier's Peppol identifier (organisation number, scheme 0007, or GLN, scheme 0088): the
    # receiver of the Peppol catalogue feed. Without it no Peppol catalogue is made for the supplier.
    peppol_id: str | None = None
    peppol_scheme: str = "0007"

    def header_names(self, field_name: str) -> tuple[str, ...]:
        """Every header name this profile accepts for a field, its own first."""
        own = self.headers.get(field_name, ())
        return own + tuple(n for n in COMMON_HEADERS.get(field_name, ()) if n not in own)

    def header_index(self) -> dict[str, str]:
        """Map of header key → field; a profile's own names win over common ones."""
        index: dict[str, str] = {}
        for field_name in ALL_FIELDS:
            for name in self.headers.get(field_name, ()):
                index.setdefault(header_key(name), field_name)
        for field_name in ALL_FIELDS:
            for name in COMMON_HEADERS.get(field_name, ()):
                index.setdefault(header_key(name), field_name)
        return index

    def own_header_keys(self) -> frozenset[str]:
        """Header keys named by this profile itself (not the common list)."""
        return frozenset(header_key(n) for names in self.headers.values() for n in names)


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and why."""


def load_profile(path: Path) -> SupplierProfile:
    """Read one profile TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path.name}: {exc}") from exc
    unknown = set(data.get("headers", {})) - set(ALL_FIELDS)
    if unknown or "code" not in data:
        raise ProfileError(f"{path.name}: needs 'code'; unknown fields {sorted(unknown)}")
    return SupplierProfile(
        code=data["code"].strip().lower(),
        name=data.get("name", data["code"]),
        headers={k: tuple(v) for k, v in data.get("headers", {}).items()},
        parsers=dict(data.get("parsers", {})),
        header_scan_rows=int(data.get("header_scan_rows", 30)),
        peppol_id=str(data["peppol_id"]) if data.get("peppol_id") else None,
        peppol_scheme=str(data.get("peppol_scheme", "0007")),
    )


def profile_dirs() -> list[Path]:
    """The bundled profile folder plus any named in ``CATALOG_PROFILE_DIRS`` (os.pathsep-separated)."""
    extra = [Path(p) for p in os.environ.get("CATALOG_PROFILE_DIRS", "").split(os.pathsep) if p]
    return [BUNDLED_DIR, *extra]


def load_profiles(dirs: list[Path] | None = None) -> dict[str, SupplierProfile]:
    """All profiles by code; a later folder's profile replaces an earlier one's."""
    profiles: dict[str, SupplierProfile] = {}
    for folder in dirs if dirs is not None else profile_dirs():
        for path in sorted(Path(folder).glob("*.toml")):
            profile = load_profile(path)
            profiles[profile.code] = profile
    return profiles
