"""Loading the bundled demo data: the same operations a procurement officer runs, on generated files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..contracts.models import Contract
from ..contracts.service import load_contract
from ..pricelists.service import ImportResult, import_price_list
from .data import write_demo_files

DEMO_ACTOR = "demo"


def load_demo(session: Session, folder: Path) -> dict[str, ImportResult]:
    """Write the demo files into ``folder``, load the demo contract and import the four price lists.

    Running it again changes nothing: the contract is reloaded only when no
    contract is active, and identical price lists are recognised. Flushes;
    the caller commits.
    """
    files = write_demo_files(folder)
    if session.scalar(select(Contract.id).where(Contract.active.is_(True))) is None:
        load_contract(session, files["contract"], actor=DEMO_ACTOR)
    return {
        supplier: import_price_list(session, path, supplier, actor=DEMO_ACTOR, filename=path.name)
        for supplier, path in files["pricelists"].items()
    }
