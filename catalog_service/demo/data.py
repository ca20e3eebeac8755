"""Deterministic demo files: a small contract and four price lists in the suppliers' own layouts.

:func:`write_demo_files` writes ``avtal-demo.xlsx`` (the sample contract format: sheets
``Sortiment`` and ``Basfärger``) and one price list per supplier, laid out like the samples
(Essity: English headers on row 4 and an ``Info`` sheet; Juzo: German headers, text article
numbers; Medi: Swedish headers on row 2 under a merged title; Rama: validity dates, empty rows
and a trailing note). Each list has a few hundred rows: mostly models outside the contract,
procured models in base and other colours, three invalid rows (no article number, price
``POA``, a repeated article number) and one misspelt colour. Nothing is read from disk and
every run gives the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

SEED = "demo"
CREATED = datetime(2026, 1, 1)
CONTRACT_START = date(2026, 5, 1)
CONTRACT_END = date(2028, 4, 30)
CONTRACT_FILE = "avtal-demo.xlsx"
ISO_CODE = "04 06 06"

BASE_COLOURS = (
    ("Essity", "Beige", "Beige, Natural, BE, NA"),
    ("Essity", "Svart", "Black, BK"),
    ("Juzo", "Beige", "Beige, Mandel, 01, 03"),
    ("Juzo", "Sand", "Sand, 11"),
    ("Juzo", "Svart", "Schwarz, 04"),
    ("Medi", "Sand", "Sand"),
    ("Medi", "Karamell", "Caramel, Karamell"),
    ("Medi", "Svart", "Svart, Black"),
    ("Rama", "Beige", "Beige, Hudfärg, BE, HF"),
    ("Rama", "Svart", "Svart, SV"),
)

SORTIMENT_HEADERS = (
    "Leverantör",
    "Position",
    "Modellnummer",
    "Benämning",
    "ISO-kod",
    "Kompressionsklass",
    "Plaggtyp",
    "Måttsydd",
    "Avtalspris SEK",
    "Giltig från",
    "Giltig till",
)
BASFARGER_HEADERS = ("Leverantör", "Basfärg", "Leverantörens benämningar")

# Garment kind → (has lengths, has toe variants, list price range in SEK, Swedish garment type).
KINDS = {
    "AD": (True, True, (380, 520), "Knästrumpa"),
    "AG": (True, False, (560, 720), "Lårstrumpa"),
    "AT": (True, False, (800, 1000), "Strumpbyxa"),
    "CG": (True, False, (330, 420), "Armstrumpa"),
    "GL": (False, False, (450, 560), "Handske"),
    "BS": (False, False, (700, 900), "Cykelbyxa"),
}


@dataclass(frozen=True)
class Model:
    """A product model in a price list; ``position`` is set when the contract procures it."""

    code: str
    line: str
    garment: str
    klass: int
    kind: str
    sheet: str = ""
    position: int | None = None
    custom: bool = False


@dataclass(frozen=True)
class Variant:
    """One price-list row before layout: a model in one size, length, toe and colour."""

    model: Model
    size: str
    length: str | None
    toe: str | None
    colour: str
    colour_code: str
    price: float | str
    article: str | int | None = None
    gtin: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class Supplier:
    """What differs between the suppliers: models, vocabulary, colours and article numbering."""

    name: str
    models: tuple[Model, ...]
    sizes: tuple[str, ...]
    lengths: tuple[str, str]
    toes: tuple[str, str]
    base: tuple[tuple[str, str], ...]
    other: tuple[tuple[str, str], ...]
    typo: tuple[str, str]
    article: Callable[[int], str | int]
    gtin_prefix: str


ESSITY = Supplier(
    name="Essity",
    models=(
        Model("JAU-1AD", "Aura", "Knee-high (AD)", 1, "AD", "Leg"),
        Model("JSE-1AG", "Serena Sheer", "Thigh-high (AG)", 1, "AG", "Leg"),
        Model("JSE-2AD", "Serena Sheer", "Knee-high (AD)", 2, "AD", "Leg", position=2),
        Model("JCO-2AD", "Contura Cotton", "Knee-high (AD)", 2, "AD", "Leg"),
        Model("JVI-2AG", "Vita Opaque", "Thigh-high (AG)", 2, "AG", "Leg", position=3),
        Model("JFF-2AD", "FlatFit", "Knee-high (AD)", 2, "AD", "Leg", position=4, custom=True),
        Model("JVI-1AT", "Vita Opaque", "Pantyhose (AT)", 1, "AT", "Leg"),
        Model("JCO-2AT", "Contura Cotton", "Pantyhose (AT)", 2, "AT", "Leg"),
        Model("JAU-3AD", "Aura", "Knee-high (AD)", 3, "AD", "Leg"),
        Model("JAR-1CG", "Aura Arm", "Armsleeve", 1, "CG", "Arm"),
        Model("JAR-2GL", "Aura Arm", "Glove", 2, "GL", "Arm", position=7),
    ),
    sizes=("XS", "S", "M", "L", "XL"),
    lengths=("Regular", "Petite"),
    toes=("Open toe", "Closed toe"),
    base=(("Beige", ""), ("Black", "")),
    other=(("Natural", ""), ("Navy", ""), ("Crimson", ""), ("Chocolate", "")),
    typo=("Natrual", ""),
    article=lambda n: 31600001 + n,
    gtin_prefix="7350012",
)

JUZO = Supplier(
    name="Juzo",
    models=(
        Model("3310-AD", "Lumen", "Wadenstrumpf", 1, "AD"),
        Model("3120-AD", "Vivo", "Wadenstrumpf", 2, "AD", position=2),
        Model("3320-AD", "Lumen", "Wadenstrumpf", 2, "AD"),
        Model("4110-AG", "Aktiv", "Schenkelstrumpf", 1, "AG"),
        Model("4120-AG", "Aktiv", "Schenkelstrumpf", 2, "AG", position=3),
        Model("3510-AT", "Soft Plus", "Strumpfhose", 1, "AT"),
        Model("3520-AT", "Soft Plus", "Strumpfhose", 2, "AT", position=5),
        Model("3730-AD", "Terra", "Wadenstrumpf", 3, "AD"),
        Model("5120-CG", "Vivo Arm", "Armstrumpf", 2, "CG", position=6),
        Model("5130-CG", "Vivo Arm", "Armstrumpf", 3, "CG"),
        Model("5920-BS", "Vivo Capri", "Radlerhose", 2, "BS"),
    ),
    sizes=("I", "II", "III", "IV", "V"),
    lengths=("kurz", "normal"),
    toes=("offene Spitze", "geschlossene Spitze"),
    base=(("Beige", "01"), ("Sand", "11"), ("Schwarz", "04")),
    other=(("Mandel", "03"), ("Weiß", "09"), ("Marine", "05"), ("Rot", "27"), ("Anthrazit", "12")),
    typo=("Schwartz", ""),
    article=lambda n: f"{45010001 + n:010d}",
    gtin_prefix="4033121",
)

MEDI = Supplier(
    name="Medi",
    models=(
        Model("SOL1-AD", "Sol", "Knästrumpa", 1, "AD", position=1),
        Model("STE1-AD", "Stella", "Knästrumpa", 1, "AD"),
        Model("VEG2-AD", "Vega", "Knästrumpa", 2, "AD", position=2),
        Model("ACT2-AD", "Activa Sport", "Knästrumpa", 2, "AD"),
        Model("STE2-AG", "Stella", "Lårstrumpa", 2, "AG", position=3),
        Model("LUN2-AG", "Luna", "Lårstrumpa", 2, "AG"),
        Model("FOR2-AD", "Forma Flat", "Knästrumpa", 2, "AD", custom=True),
        Model("NOV1-AT", "Nova", "Strumpbyxa", 1, "AT"),
        Model("FLO2-AT", "Flora Bomull", "Strumpbyxa", 2, "AT", position=5),
        Model("NOV3-AD", "Nova", "Knästrumpa", 3, "AD"),
        Model("LUA1-CG", "Luna Arm", "Armstrumpa", 1, "CG"),
    ),
    sizes=("I", "II", "III", "IV"),
    lengths=("Kort", "Normal"),
    toes=("Öppen tå", "Sluten tå"),
    base=(("Sand", ""), ("Caramel", ""), ("Svart", "")),
    other=(("Beige", ""), ("Grafit", ""), ("Navy", ""), ("Rubinröd", ""), ("Mint", ""), ("Vit", "")),
    typo=("Caramell", ""),
    article=lambda n: f"MD{1400001 + n}",
    gtin_prefix="4048713",
)

RAMA = Supplier(
    name="Rama",
    models=(
        Model("R10-K1-AD", "Bas", "Knä", 1, "AD"),
        Model("R12-K1-AD", "Komfort", "Knä", 1, "AD", position=1),
        Model("R18-K1-AD", "Tunn", "Knä", 1, "AD"),
        Model("R16-K2-AD", "Bomull", "Knä", 2, "AD", position=2),
        Model("R16-K1-AG", "Bomull", "Lår", 1, "AG"),
        Model("R10-K2-AG", "Bas", "Lår", 2, "AG"),
        Model("R10-K2-AT", "Bas", "Strumpbyxa", 2, "AT", position=5),
        Model("R20-K3-AD", "Flat", "Knä", 3, "AD", custom=True),
        Model("R30-K2-GL", "Arm", "Handske", 2, "GL"),
    ),
    sizes=("S", "M", "L", "XL"),
    lengths=("Normal", "Lång"),
    toes=("Öppen tå", "Sluten tå"),
    base=(("Beige", ""), ("Svart", "")),
    other=(("Hudfärg", ""), ("Vit", ""), ("Röd", ""), ("Grå", ""), ("Marin", "")),
    typo=("Hudfarg", ""),
    article=lambda n: f"RK-{20001 + n}",
    gtin_prefix="",
)

SUPPLIERS = {"essity": ESSITY, "juzo": JUZO, "medi": MEDI, "rama": RAMA}

ESSITY_HEADERS = (
    "Article No",
    "EAN",
    "Description",
    "Product line",
    "Model",
    "Compression class",
    "Garment",
    "Size",
    "Length",
    "Colour",
    "Price SEK",
)
ESSITY_TITLE = "JOBST® compression garments – Price list Sweden 2026 (demo)"
ESSITY_NOTE = "Prices in SEK excluding VAT. Subject to change without notice."
ESSITY_INFO = (
    ESSITY_TITLE,
    "Essity Hygiene and Health AB",
    "",
    "Valid from 2026-01-01 until further notice.",
    "Sheet Leg: leg garments. Sheet Arm: arm garments.",
    "Questions: orders.se@example.com",
)
JUZO_HEADERS = (
    "Artikelnummer",
    "EAN-Code",
    "Bezeichnung",
    "Modell",
    "Kompressionsklasse",
    "Art",
    "Größe",
    "Länge",
    "Farbe",
    "Farbnummer",
    "Preis (SEK)",
)
MEDI_HEADERS = (
    "Art.nr",
    "GTIN",
    "Produktnamn",
    "Modell",
    "KKL",
    "Plaggtyp",
    "Storlek",
    "Längd",
    "Färg",
    "Pris exkl moms",
)
MEDI_TITLE = "medi – Prislista kompressionsprodukter 2026 (SEK exkl. moms)"
RAMA_HEADERS = (
    "Artikel",
    "Benämning",
    "Modell",
    "Klass",
    "Typ",
    "Strl",
    "Längd",
    "Färg",
    "Á-pris",
    "Giltig från",
    "Giltig till",
)
RAMA_NOTE = "Alla priser exkl. moms"
FILES = {
    "essity": "essity-prislista-demo.xlsx",
    "juzo": "juzo-preisliste-demo.xlsx",
    "medi": "medi-prislista-demo.xlsx",
    "rama": "rama-prislista-demo.xlsx",
}


def write_demo_files(directory: Path) -> dict:
    """Write the demo contract and price lists into ``directory``; return their paths.

    Returns ``{"contract": Path, "pricelists": {"essity": Path, "juzo": Path, "medi": Path,
    "rama": Path}}``. The files are byte-identical on every call.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    writers = {"essity": _write_essity, "juzo": _write_juzo, "medi": _write_medi, "rama": _write_rama}
    contract_rows, pricelists = [], {}
    for code, supplier in SUPPLIERS.items():
        variants, list_prices = _catalogue(supplier, rng)
        contract_rows += _contract_rows(supplier, list_prices, rng)
        pricelists[code] = writers[code](directory / FILES[code], variants, rng)
    contract_rows.sort(key=lambda row: (row[1], row[0], row[2]))  # position, supplier, model
    contract = _write_contract(directory / CONTRACT_FILE, contract_rows)
    return {"contract": contract, "pricelists": pricelists}


# --- the catalogue ----------------------------------------------------------------------------------


def _catalogue(supplier: Supplier, rng: random.Random) -> tuple[list[Variant], dict[str, float]]:
    """Every row of one supplier's list, numbered, with problems injected; plus list price per model."""
    variants, list_prices = [], {}
    for model in supplier.models:
        list_prices[model.code] = _list_price(model, rng)
        variants += _model_variants(supplier, model, list_prices[model.code], rng)
    variants = [_numbered(supplier, variant, number) for number, variant in enumerate(variants)]
    return _inject_problems(supplier, variants, rng), list_prices


def _list_price(model: Model, rng: random.Random) -> float:
    low, high = KINDS[model.kind][2]
    factor = (2.0 if model.custom else 1.0) * (1 + 0.08 * (model.klass - 1))
    return _half(rng.uniform(low, high) * factor)


def _model_variants(supplier: Supplier, model: Model, price: float, rng: random.Random) -> list[Variant]:
    """All variants of one model: its colours × sizes × lengths × toes."""
    has_length, has_toe = KINDS[model.kind][:2]
    colours = _model_colours(supplier, model, rng)
    lengths = supplier.lengths if has_length else (None,)
    toes = supplier.toes if has_toe else (None,)
    sizes = supplier.sizes
    return [
        Variant(model, size, length, toe, colour, code, _size_price(price, index, len(sizes)))
        for colour, code in colours
        for index, size in enumerate(sizes)
        for length in lengths
        for toe in toes
    ]


def _model_colours(supplier: Supplier, model: Model, rng: random.Random) -> list[tuple[str, str]]:
    """A procured model comes in every base colour and one other; the rest in a few of each."""
    if model.position:
        return list(supplier.base) + rng.sample(supplier.other, 1)
    base = supplier.base[: rng.randint(1, len(supplier.base))]
    return list(base) + rng.sample(supplier.other, rng.randint(1, 2))


def _size_price(price: float, index: int, count: int) -> float:
    """The two largest sizes cost about 8 % more."""
    return _half(price * 1.08) if index >= count - 2 else price


def _half(value: float) -> float:
    """Round to the nearest half krona."""
    return round(value * 2) / 2


def _numbered(supplier: Supplier, variant: Variant, number: int) -> Variant:
    gtin = _gtin(supplier.gtin_prefix, number) if supplier.gtin_prefix else ""
    return replace(variant, article=supplier.article(number), gtin=gtin)


def _gtin(prefix: str, number: int) -> str:
    """A 13-digit GTIN with a valid check digit."""
    body = f"{prefix}{50000 + number:05d}"
    total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _inject_problems(supplier: Supplier, variants: list[Variant], rng: random.Random) -> list[Variant]:
    """Plant a colour typo (procured, base colour), a missing article number, price POA and a repeat."""
    typo_at = rng.choice(
        [i for i, v in enumerate(variants) if v.model.position and (v.colour, v.colour_code) in supplier.base]
    )
    missing, poa, duplicate = rng.sample([i for i in range(10, len(variants)) if abs(i - typo_at) > 3], 3)
    source = next(i for i in range(duplicate - 1, 0, -1) if i not in (missing, poa, typo_at))
    colour, code = supplier.typo
    variants = list(variants)
    variants[typo_at] = replace(variants[typo_at], colour=colour, colour_code=code)
    variants[missing] = replace(variants[missing], article=None)
    variants[poa] = replace(variants[poa], price="POA")
    variants[duplicate] = replace(variants[duplicate], article=variants[source].article)
    return variants


def _contract_rows(supplier: Supplier, list_prices: dict[str, float], rng: random.Random) -> list[list]:
    """``Sortiment`` rows for the procured models: contract price somewhat below list price."""
    rows = []
    for model in supplier.models:
        if model.position is None:
            continue
        garment = KINDS[model.kind][3]
        name = f"{model.line} {garment.lower()} KKL {model.klass}"
        price = _half(list_prices[model.code] * rng.uniform(0.8, 0.92))
        rows.append(
            [
                supplier.name,
                model.position,
                model.code,
                name,
                ISO_CODE,
                f"KKL {model.klass}",
                garment,
                "Ja" if model.custom else "Nej",
                price,
                CONTRACT_START,
                CONTRACT_END,
            ]
        )
    return rows


# --- writing workbooks ------------------------------------------------------------------------------


class _Book:
    """An xlsxwriter workbook with fixed properties and the few cell formats the demo needs."""

    def __init__(self, path: Path, author: str, title: str):
        self.path = path
        self.book = xlsxwriter.Workbook(str(path))
        self.book.set_properties({"title": title, "author": author, "created": CREATED})
        self.bold = self.book.add_format({"bold": True})
        self.money = self.book.add_format({"num_format": "#,##0.00"})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.integer = self.book.add_format({"num_format": "0"})

    def sheet(self, name: str):
        """Add a worksheet."""
        return self.book.add_worksheet(name)

    def table(
        self,
        sheet,
        header_row: int,
        headers: Sequence[str],
        rows: Iterable[Sequence],
        formats: dict[int, object] | None = None,
    ) -> None:
        """Write a bold header row and the rows below it; freeze the panes under the header."""
        for column, header in enumerate(headers):
            sheet.write_string(header_row, column, header, self.bold)
        for number, row in enumerate(rows, start=header_row + 1):
            self.row(sheet, number, row, formats)
        sheet.freeze_panes(header_row + 1, 0)
        sheet.set_column(0, len(headers) - 1, 14)

    def row(self, sheet, number: int, values: Sequence, formats: dict[int, object] | None = None) -> None:
        """Write one row, each cell by its Python type; strings are never parsed."""
        for column, value in enumerate(values):
            cell_format = (formats or {}).get(column)
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(number, column, value)
            elif isinstance(value, date):
                sheet.write_datetime(number, column, value, self.date)
            else:
                sheet.write_number(number, column, value, cell_format)

    def close(self) -> Path:
        """Finish the file and return its path."""
        self.book.close()
        return self.path


def _write_contract(path: Path, rows: list[list]) -> Path:
    book = _Book(path, "Region HMC Upphandling", "Avtal kompressionsprodukter (demo)")
    sortiment = book.sheet("Sortiment")
    book.table(sortiment, 0, SORTIMENT_HEADERS, rows, {8: book.money})
    sortiment.set_column(3, 3, 38)
    book.table(book.sheet("Basfärger"), 0, BASFARGER_HEADERS, BASE_COLOURS)
    return book.close()


def _write_essity(path: Path, variants: list[Variant], rng: random.Random) -> Path:
    """English headers on row 4 below a title and a note; an ``Info`` sheet without header first."""
    book = _Book(path, "Essity", "JOBST price list Sweden 2026")
    info = book.sheet("Info")
    for number, line in enumerate(ESSITY_INFO):
        book.row(info, number, [line])
    for sheet_name in ("Leg", "Arm"):
        sheet = book.sheet(sheet_name)
        book.row(sheet, 0, [ESSITY_TITLE])
        book.row(sheet, 1, [ESSITY_NOTE])
        rows = [_essity_row(v) for v in variants if v.model.sheet == sheet_name]
        book.table(sheet, 3, ESSITY_HEADERS, rows, {1: book.integer, 10: book.money})
    return book.close()


def _essity_row(v: Variant) -> list:
    m = v.model
    parts = [f"JOBST {m.line} {m.garment} CCL{m.klass}", f"size {v.size}", v.length, v.colour, v.toe]
    description = ", ".join(filter(None, parts))
    return [
        v.article,
        int(v.gtin),
        description,
        m.line,
        m.code,
        f"CCL{m.klass}",
        m.garment,
        v.size,
        v.length,
        v.colour,
        v.price,
    ]


def _write_juzo(path: Path, variants: list[Variant], rng: random.Random) -> Path:
    """German headers on row 1; article numbers and EANs as text; some prices as ``1 234,50`` text."""
    book = _Book(path, "Juzo", "Juzo Preisliste Schweden 2026")
    rows = [_juzo_row(v, rng) for v in variants]
    book.table(book.sheet("Preisliste SE 2026"), 0, JUZO_HEADERS, rows, {10: book.money})
    return book.close()


def _juzo_row(v: Variant, rng: random.Random) -> list:
    m = v.model
    parts = [f"{m.line} {m.garment} KKL {m.klass} Gr. {v.size}", v.length, v.colour, v.toe]
    description = ", ".join(filter(None, parts))
    return [
        v.article,
        v.gtin,
        description,
        m.code,
        f"KKL {m.klass}",
        m.garment,
        v.size,
        v.length,
        v.colour,
        v.colour_code,
        _comma_price(v.price) if rng.random() < 0.15 else v.price,
    ]


def _comma_price(price: float | str) -> float | str:
    """A price as German/Swedish text: space thousands separator, comma decimals (``1 234,50``)."""
    if isinstance(price, str):
        return price
    return f"{price:,.2f}".replace(",", " ").replace(".", ",")


def _write_medi(path: Path, variants: list[Variant], rng: random.Random) -> Path:
    """Swedish headers on row 2 below a merged title; a few colours with odd case or spaces."""
    book = _Book(path, "Medi", "medi prislista 2026")
    sheet = book.sheet("Kompression")
    sheet.merge_range(0, 0, 0, len(MEDI_HEADERS) - 1, MEDI_TITLE, book.bold)
    rows = [_medi_row(v, rng) for v in variants]
    book.table(sheet, 1, MEDI_HEADERS, rows, {9: book.money})
    return book.close()


def _medi_row(v: Variant, rng: random.Random) -> list:
    m = v.model
    name = f"{m.line} {m.garment.lower()} kl {m.klass}" + (f", {v.toe}" if v.toe else "")
    colour = _sloppy(v.colour, rng) if rng.random() < 0.06 else v.colour
    return [v.article, v.gtin, name, m.code, m.klass, m.garment, v.size, v.length, colour, v.price]


def _sloppy(colour: str, rng: random.Random) -> str:
    """The colour in odd case or with surrounding spaces (``  SAND ``, ``caramel``)."""
    return rng.choice([colour.lower(), colour.upper(), f"  {colour.upper()} ", f" {colour}", f"{colour} "])


def _write_rama(path: Path, variants: list[Variant], rng: random.Random) -> Path:
    """Swedish headers with validity dates; two empty rows inside, a note row after the data."""
    book = _Book(path, "Rama", "Rama prislista 2026")
    rows: list[list] = [_rama_row(v, rng) for v in _with_validity(variants, rng)]
    for at in (len(rows) * 2 // 3, len(rows) // 3):
        rows.insert(at, [])
    rows += [[], [RAMA_NOTE]]
    book.table(book.sheet("Blad1"), 0, RAMA_HEADERS, rows, {8: book.money})
    return book.close()


def _with_validity(variants: list[Variant], rng: random.Random) -> list[Variant]:
    """Validity per row (open-ended or to 2027-12-31); one procured row expired before the contract start."""
    dated = [
        replace(
            v,
            valid_from=rng.choice([date(2025, 7, 1), date(2026, 1, 1)]),
            valid_to=rng.choice([None, date(2027, 12, 31)]),
        )
        for v in variants
    ]
    candidates = [
        i
        for i, v in enumerate(dated)
        if v.model.position and v.colour == "Beige" and v.article and isinstance(v.price, float)
    ]
    expired = rng.choice(candidates)
    dated[expired] = replace(dated[expired], valid_from=date(2026, 1, 1), valid_to=date(2026, 3, 31))
    return dated


def _rama_row(v: Variant, rng: random.Random) -> list:
    m = v.model
    name = f"{m.line} {KINDS[m.kind][3].lower()} klass {m.klass}" + (f", {v.toe}" if v.toe else "")
    valid_from, valid_to = v.valid_from, v.valid_to
    if rng.random() < 0.5:
        valid_from, valid_to = (d.isoformat() if d else None for d in (valid_from, valid_to))
    return [
        v.article,
        name,
        m.code,
        f"K{m.klass}",
        m.garment,
        v.size,
        v.length,
        v.colour,
        v.price,
        valid_from,
        valid_to,
    ]
