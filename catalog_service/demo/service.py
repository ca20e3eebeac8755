"""Loading the bundled demo data: the same operations a procurement officer runs, on generated files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.values import normalise_key

from ..contracts.models import Contract
from ..contracts.service import load_contract
from ..orders.service import import_orders
from ..pricelists.models import PriceListRow
from ..pricelists.service import ImportResult, import_price_list
from ..pricelists.verdicts import Verdict
from ..suppliers import profile_for
from .data import write_demo_files
from .orders import write_demo_orders

DEMO_ACTOR = "demo"


# People to log in as on the demo (embedded database only; `catalog demo` prints the password).
DEMO_PEOPLE = (
    ("upphandlare1", ("upphandlare",)),
    ("upphandlare2", ("upphandlare",)),
    ("hmc1", ("hmc",)),
    ("forskrivare1", ("forskrivare",)),
    ("admin", ("admin",)),
    ("leverantor1", ("leverantor",)),  # Juzo's own person: uploads and follows Juzo's price lists
)
DEMO_SUPPLIER_OF = {"leverantor1": "juzo"}


def create_demo_people(session: Session, password: str) -> list[str]:
    """The demo's people, each with one role and ``password``; those that exist already are left alone."""
    from ..auth.models import User
    from ..auth.service import create_user

    made = []
    for name, roles in DEMO_PEOPLE:
        if session.scalar(select(User.id).where(User.name == name)) is None:
            create_user(
                session, name, list(roles), actor=DEMO_ACTOR, password=password, supplier=DEMO_SUPPLIER_OF.get(name)
            )
            made.append(name)
    return made


def load_demo(session: Session, folder: Path) -> dict[str, ImportResult]:
    """Write the demo files into ``folder``; load the contract, import the four price lists and some order lines.

    Running it again changes nothing: the contract is reloaded only when no
    contract is active, and identical price lists are recognised. Flushes;
    the caller commits.
    """
    files = write_demo_files(folder)
    if session.scalar(select(Contract.id).where(Contract.active.is_(True))) is None:
        load_contract(session, files["contract"], actor=DEMO_ACTOR)
    results = {
        supplier: import_price_list(session, path, supplier, actor=DEMO_ACTOR, filename=path.name)
        for supplier, path in files["pricelists"].items()
    }
    orders = write_demo_orders(folder / "websesam-orderrader-demo.xlsx", _allowed_articles(session, results))
    import_orders(session, orders, actor=DEMO_ACTOR, filename=orders.name)
    return results


def _allowed_articles(session: Session, results: dict[str, ImportResult]) -> dict[str, list[tuple[str, bool]]]:
    """Per supplier name, the allowed article numbers of its demo draft and whether they are made to measure."""
    articles = {}
    for supplier, result in results.items():
        contract = session.scalar(select(Contract).where(Contract.active.is_(True)))
        made_to_measure = {m.model_key: m.made_to_measure for m in contract.models if m.supplier == supplier}
        rows = session.execute(
            select(PriceListRow.article_number, PriceListRow.model)
            .where(PriceListRow.import_id == result.import_id, PriceListRow.verdict == Verdict.allowed)
            .order_by(PriceListRow.id)
        ).all()
        articles[profile_for(supplier).name] = [(a, made_to_measure[normalise_key(m)]) for a, m in rows]
    return articles
