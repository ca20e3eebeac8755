"""Reading the contract workbook (sheets ``Sortiment`` and ``Basfärger``) into plain data.

Every problem is collected with sheet, row and column, so a procurement officer
can fix the file in one go; any problem refuses the whole contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import values
from .errors import ImportFileError
from .profiles import header_key
from .workbook import iter_sheets

ASSORTMENT_SHEET = "Sortiment"
COLOUR_SHEET = "Basfärger"
ASSORTMENT_COLUMNS = {
    "supplier": ("Leverantör", "Supplier"),
    "position": ("Position", "Pos"),
    "model_number": ("Modellnummer", "Modell", "Model"),
    "name": ("Benämning", "Name"),
    "iso_code": ("ISO-kod", "ISO"),
    "compression_class": ("Kompressionsklass", "Klass"),
    "garment_type": ("Plaggtyp", "Typ"),
    "made_to_measure": ("Måttsydd",),
    "price": ("Avtalspris SEK", "Avtalspris", "Pris"),
    "valid_from": ("Giltig från",),
    "valid_to": ("Giltig till",),
}
ASSORTMENT_REQUIRED = ("supplier", "position", "model_number", "price", "valid_from")
COLOUR_COLUMNS = {
    "supplier": ("Leverantör",),
    "base_colour": ("Basfärg",),
    "names": ("Leverantörens benämningar", "Benämningar", "Namn och koder"),
}


@dataclass(frozen=True)
class ContractModel:
    supplier: str
    position: str
    model_number: str
    name: str | None
    iso_code: str | None
    compression_class: int | None
    garment_type: str | None
    made_to_measure: bool
    price_ore: int
    valid_from: date
    valid_to: date | None
    row: int


@dataclass(frozen=True)
class ContractColour:
    supplier: str
    base_colour: str
    names: tuple[str, ...]
    row: int


@dataclass
class ContractData:
    models: list[ContractModel] = field(default_factory=list)
    colours: list[ContractColour] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


def read_contract(path: Path, max_price_sek=values.MAX_PRICE_SEK) -> Iterator[ContractData]:
    """Yield one ContractData; raise ImportFileError listing every problem found (a price above
    ``max_price_sek`` is one)."""
    sheets = {name: list(rows) for name, _height, rows in iter_sheets(path)}
    data = ContractData()
    for wanted in (ASSORTMENT_SHEET, COLOUR_SHEET):
        if wanted not in sheets:
            data.errors.append({"sheet": wanted, "row": None, "column": None, "message": "fliken saknas"})
    if not data.errors:
        _read_models(sheets[ASSORTMENT_SHEET], data, max_price_sek)
        _read_colours(sheets[COLOUR_SHEET], data)
    if not data.errors and not data.models:
        data.errors.append({"sheet": ASSORTMENT_SHEET, "row": 2, "column": None, "message": "inga modeller"})
    if data.errors:
        first = data.errors[0]
        where = f"{first['sheet']}" + (f" rad {first['row']}" if first["row"] else "")
        where += f" kolumn {first['column']}" if first["column"] else ""
        raise ImportFileError(
            "unreadable",
            f"Avtalet kan inte läsas: {where}: {first['message']} ({len(data.errors)} fel totalt).",
            {"errors": data.errors},
        )
    yield data


def supplier_key(name: str) -> str:
    """The form suppliers are told apart by; the same as the service's supplier code ('Rama AB' → 'rama-ab')."""
    return values.normalise_key(name).replace(" ", "-")


def _columns(rows, wanted: dict, required, sheet: str, data: ContractData) -> dict[str, int] | None:
    if not rows:
        data.errors.append({"sheet": sheet, "row": 1, "column": None, "message": "bladet är tomt"})
        return None
    found = {}
    keys = [header_key(c) for c in rows[0]]
    for field_name, names in wanted.items():
        for name in names:
            if header_key(name) in keys:
                found[field_name] = keys.index(header_key(name))
                break
    for field_name in required:
        if field_name not in found:
            data.errors.append(
                {"sheet": sheet, "row": 1, "column": wanted[field_name][0], "message": "kolumnen saknas"}
            )
    return found if all(f in found for f in required) else None


def _read_models(rows, data: ContractData, max_price_sek) -> None:
    cols = _columns(rows, ASSORTMENT_COLUMNS, ASSORTMENT_REQUIRED, ASSORTMENT_SHEET, data)
    if cols is None:
        return
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if sum(not values.is_empty(v) for v in row) == 0:
            continue
        model = _model(row, number, cols, rows[0], data, max_price_sek)
        if model is None:
            continue
        key = (supplier_key(model.supplier), values.normalise_key(model.model_number))
        if key in seen:
            data.errors.append(
                {
                    "sheet": ASSORTMENT_SHEET,
                    "row": number,
                    "column": rows[0][cols["model_number"]],
                    "message": f"modellen finns redan på rad {seen[key]}",
                }
            )
            continue
        seen[key] = number
        data.models.append(model)


def _model(row, number, cols, header, data, max_price_sek) -> ContractModel | None:
    def cell(name):
        i = cols.get(name)
        return row[i] if i is not None and i < len(row) else ""

    def fail(name, message):
        data.errors.append({"sheet": ASSORTMENT_SHEET, "row": number, "column": header[cols[name]], "message": message})

    supplier, model_number = values.text(cell("supplier")), values.text(cell("model_number"))
    if not supplier or not model_number:
        fail("supplier" if not supplier else "model_number", "värde saknas")
        return None
    parsed = {}
    for name, parse, message in (
        ("price", lambda v: int(values.price(v, max_price_sek) * 100), "avtalspriset är inget tal"),
        ("valid_from", values.date_value, "datumet kan inte läsas"),
        ("valid_to", values.date_value, "datumet kan inte läsas"),
        ("made_to_measure", values.yes_no, "ange Ja eller Nej"),
    ):
        try:
            parsed[name] = parse(cell(name)) if name in cols else None
        except values.PriceTooHigh:
            fail(name, f"orimligt högt avtalspris: högst {int(max_price_sek):,} kr".replace(",", " "))
            return None
        except values.ValueProblem:
            fail(name, message)
            return None
    if parsed["valid_from"] is None:
        fail("valid_from", "giltig från saknas")
        return None
    klass = None
    if "compression_class" in cols and not values.is_empty(cell("compression_class")):
        try:
            klass = values.compression_class(cell("compression_class"))
        except values.ValueProblem:
            fail("compression_class", "okänd kompressionsklass")
            return None
    return ContractModel(
        supplier=supplier,
        position=values.article_number(cell("position")) or "",
        model_number=model_number,
        name=values.text(cell("name")),
        iso_code=values.text(cell("iso_code")),
        compression_class=klass,
        garment_type=values.text(cell("garment_type")),
        made_to_measure=bool(parsed["made_to_measure"]),
        price_ore=parsed["price"],
        valid_from=parsed["valid_from"],
        valid_to=parsed["valid_to"],
        row=number,
    )


def _read_colours(rows, data: ContractData) -> None:
    cols = _columns(rows, COLOUR_COLUMNS, tuple(COLOUR_COLUMNS), COLOUR_SHEET, data)
    if cols is None:
        return
    owner: dict[tuple[str, str], tuple[str, int]] = {}  # (supplier, name or code) → (base colour, row)
    bases: dict[tuple[str, str], int] = {}  # (supplier, base colour) → row
    for number, row in enumerate(rows[1:], start=2):
        supplier = values.text(row[cols["supplier"]])
        base = values.text(row[cols["base_colour"]])
        if not supplier and not base:
            continue
        if not supplier or not base:
            _colour_error(data, rows, cols, number, "supplier" if not supplier else "base_colour", "värde saknas")
            continue
        first = bases.setdefault((supplier_key(supplier), values.colour_key(base)), number)
        if first != number:
            _colour_error(data, rows, cols, number, "base_colour", f"basfärgen {base} finns redan på rad {first}")
            continue
        raw = values.text(row[cols["names"]]) or ""
        names = tuple(n.strip() for n in raw.split(",") if n.strip())
        for column, name in (("base_colour", base), *(("names", n) for n in names)):
            holder = owner.setdefault((supplier_key(supplier), values.colour_key(name)), (base, number))
            if holder[0] != base:
                message = f"{name!r} står redan under basfärgen {holder[0]} (rad {holder[1]})"
                _colour_error(data, rows, cols, number, column, message)
        data.colours.append(ContractColour(supplier, base, names, number))


def _colour_error(data: ContractData, rows, cols, number: int, field_name: str, message: str) -> None:
    column = rows[0][cols[field_name]]
    data.errors.append({"sheet": COLOUR_SHEET, "row": number, "column": column, "message": message})
