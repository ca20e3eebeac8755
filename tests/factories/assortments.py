"""Small contracts and price lists for all four suppliers, and shortcuts to import and publish them.

Every supplier gets three procured models in the contract: ``<P>1-AD`` (standard, 450 SEK),
``<P>2-MTM`` (made to measure, 900 SEK) and ``<P>3-AG`` (standard, 600 SEK), where ``<P>`` is
the supplier's prefix (``ESS``, ``JUZ``, ``MED``, ``RAM``), and two base colours: Beige
(``Sand``, ``Natural``, ``01``) and Svart (``Black``, ``90``).

Price lists are written in each supplier's own header names (its importer profile), so a
test can import the same articles for any supplier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from catalog_service.extensions import db
from tests.factories.workbooks import ContractModel, contract, price_list, profile_headers

SUPPLIERS = ("essity", "juzo", "medi", "rama")
NAMES = {"essity": "Essity", "juzo": "Juzo", "medi": "Medi", "rama": "Rama"}
PREFIX = {"essity": "ESS", "juzo": "JUZ", "medi": "MED", "rama": "RAM"}
MODEL_SUFFIX = {1: "AD", 2: "MTM", 3: "AG"}


def model(supplier: str, number: int) -> str:
    """The contract's model number ``number`` (1, 2 or 3) of a supplier: ``model('medi', 2)`` → ``MED2-MTM``."""
    return f"{PREFIX[supplier]}{number}-{MODEL_SUFFIX[number]}"


def contract_models(supplier: str, index: int) -> list[ContractModel]:
    name = NAMES[supplier]
    return [
        ContractModel(name, 10 * index + 1, model(supplier, 1), price=450.0),
        ContractModel(name, 10 * index + 2, model(supplier, 2), custom_made="Ja", price=900.0),
        ContractModel(name, 10 * index + 3, model(supplier, 3), garment_type="Lårstrumpa", price=600.0),
    ]


def small_contract(directory: Path, *, name: str = "avtal-litet.xlsx") -> Path:
    """A contract for all four suppliers (three models each, base colours Beige and Svart)."""
    models = [m for index, supplier in enumerate(SUPPLIERS) for m in contract_models(supplier, index)]
    colours = [
        colour
        for supplier in SUPPLIERS
        for colour in ((NAMES[supplier], "Beige", "Sand, Natural, 01"), (NAMES[supplier], "Svart", "Black, 90"))
    ]
    return contract(directory, models, colours, name=name)


@dataclass(frozen=True)
class Article:
    """One price-list row, in field terms (written under each supplier's own headers)."""

    article_number: str
    model: str
    colour: str = "Sand"
    price: float = 400.0
    name: str = "Kompressionsstrumpa"
    gtin: str | None = None
    compression_class: int = 2
    garment_type: str = "Knästrumpa"
    size: str = "M"
    length: str = "Normal"

    def value(self, field: str):
        return getattr(self, field)


ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
# Field → header, per supplier: the bundled importer profiles' own names for the fields an Article has
# (Juzo's colour code and Rama's validity dates are left out). Rama has no GTIN column.
LAYOUTS = {
    supplier: {f: header for f, header in profile_headers(supplier).items() if f in ARTICLE_FIELDS}
    for supplier in SUPPLIERS
}


def articles(supplier: str, count: int, *, start: int = 1, model_number: int = 1, **values) -> list[Article]:
    """``count`` allowed articles of a supplier's model, numbered ``<P>-0001`` upwards from ``start``."""
    return [
        Article(f"{PREFIX[supplier]}-{n:04d}", model(supplier, model_number), **values)
        for n in range(start, start + count)
    ]


def write_price_list(
    directory: Path,
    supplier: str,
    rows: Iterable[Article],
    *,
    name: str | None = None,
    without: Sequence[str] = (),
) -> Path:
    """A price list of ``rows`` in the supplier's layout; ``without`` drops optional columns (e.g. ``gtin``)."""
    columns = [(f, header) for f, header in LAYOUTS[supplier].items() if f not in without]
    data = [[row.value(f) for f, _ in columns] for row in rows]
    return price_list(directory, [h for _, h in columns], data, name=name or f"{supplier}-prislista.xlsx")


# --- service shortcuts (each in its own app context, committed) ----------------------------------


def load_contract(app, path: Path, *, actor: str = "upphandlare1") -> int:
    from catalog_service.contracts.service import load_contract as load

    with app.app_context():
        loaded = load(db.session, path, actor=actor)
        db.session.commit()
        return loaded.id


def import_draft(app, path: Path, supplier: str, *, actor: str = "upphandlare1") -> int:
    """Import a price list as the supplier's draft; the import id."""
    from catalog_service.pricelists.service import import_price_list

    with app.app_context():
        result = import_price_list(db.session, path, supplier, actor=actor, filename=path.name)
        db.session.commit()
        assert result.status == "draft", result
        return result.import_id


def publish(app, supplier: str, *, actor: str = "upphandlare2", **options) -> int:
    """Publish the supplier's draft; the new version number."""
    from catalog_service.assortment.service import publish_assortment

    with app.app_context():
        version = publish_assortment(db.session, supplier, actor=actor, **options)
        db.session.commit()
        return version.number


def import_and_publish(app, directory: Path, supplier: str, rows: Iterable[Article], *, name: str | None = None) -> int:
    """Import ``rows`` as upphandlare1 and publish as upphandlare2; the new version number."""
    import_draft(app, write_price_list(directory, supplier, rows, name=name), supplier)
    return publish(app, supplier)
