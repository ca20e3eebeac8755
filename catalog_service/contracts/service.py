"""Contract operations: load a contract workbook, find the active one, derive supplier terms."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select, update
from sqlalchemy.orm import Session, object_session

from importers.contract import ContractData, read_contract, supplier_key
from importers.errors import ImportFileError
from importers.isolation import stream_from_child
from importers.values import MAX_PRICE_SEK, colour_key, normalise_key
from importers.workbook import check_workbook

from ..audit.service import record
from ..errors import Conflict
from ..files import sha256_of
from ..suppliers import profiles
from .models import BaseColour, ColourMapping, Contract, ProcuredModel
from .terms import ProcuredTerms, SupplierTerms

LEGAL_SUFFIX = re.compile(r"[\s,]+(ab|aktiebolag|gmbh|ag|inc|ltd|oy|as|a/s|sverige|sweden|nordic)\.?$")


def supplier_code(name: str) -> str | None:
    """The supplier profile a contract's supplier name means: 'Medi', 'medi', 'Medi Sverige AB' → 'medi'.

    Matches a profile's code or name, ignoring case and legal suffixes. None when no profile matches.
    """
    key = supplier_key(name)
    stripped = normalise_key(name)
    while LEGAL_SUFFIX.search(stripped):
        stripped = LEGAL_SUFFIX.sub("", stripped)
    for code, profile in profiles().items():
        if key == code or stripped in (code, normalise_key(profile.name)):
            return code
    return None


def _unknown_suppliers(data: ContractData) -> list[dict]:
    known = ", ".join(p.name for p in profiles().values())
    problems = []
    for sheet, rows in (("Sortiment", data.models), ("Basfärger", data.colours)):
        for item in rows:
            if supplier_code(item.supplier) is None:
                problems.append(
                    {
                        "sheet": sheet,
                        "row": item.row,
                        "column": "Leverantör",
                        "message": f"leverantören har ingen profil (kända: {known})",
                    }
                )
    return problems


def max_price_sek():
    """The configured ceiling of a price (CATALOG_MAX_PRICE_SEK): above it a contract or price-list price is refused."""
    return current_app.config.get("MAX_PRICE_SEK", MAX_PRICE_SEK) if has_app_context() else MAX_PRICE_SEK


def load_contract(
    session: Session, path: Path, *, actor: str, filename: str | None = None, contract_start: date | None = None
) -> Contract:
    """Read a contract workbook and make it the active contract.

    The previous active contract is deactivated in the same transaction.
    Raises ImportFileError (with every problem's sheet, row and column) when the
    workbook cannot be used; then nothing changes. Flushes; the caller commits.
    """
    check_workbook(path)
    (data,) = list(stream_from_child(read_contract, path, max_price_sek()))
    if problems := _unknown_suppliers(data):
        first = problems[0]
        raise ImportFileError(
            "unreadable",
            f"Avtalet kan inte läsas: {first['sheet']} rad {first['row']} kolumn Leverantör: {first['message']}. "
            "Lägg till en leverantörsprofil eller rätta namnet.",
            {"errors": problems},
        )
    start = contract_start or min(m.valid_from for m in data.models)
    ends = [m.valid_to for m in data.models if m.valid_to]
    session.execute(update(Contract).where(Contract.active.is_(True)).values(active=False))
    contract = Contract(
        filename=filename or path.name,
        sha256=sha256_of(path),
        start_date=start,
        end_date=max(ends) if ends else None,
        active=True,
        loaded_by=actor,
    )
    _fill(contract, data)
    session.add(contract)
    session.flush()
    record(
        session,
        actor=actor,
        action="contract.load",
        object_type="contract",
        object_id=contract.id,
        sha256=contract.sha256,
        models=len(contract.models),
        base_colours=len(contract.base_colours),
    )
    return contract


def _fill(contract: Contract, data: ContractData) -> None:
    for m in data.models:
        contract.models.append(
            ProcuredModel(
                supplier=supplier_code(m.supplier),
                supplier_name=m.supplier,
                position=m.position,
                model_number=m.model_number,
                model_key=normalise_key(m.model_number),
                name=m.name,
                iso_code=m.iso_code,
                compression_class=m.compression_class,
                garment_type=m.garment_type,
                made_to_measure=m.made_to_measure,
                price_ore=m.price_ore,
                valid_from=m.valid_from,
                valid_to=m.valid_to,
            )
        )
    for c in data.colours:
        contract.base_colours.append(
            BaseColour(supplier=supplier_code(c.supplier), name=c.base_colour, supplier_names=list(c.names))
        )


def active_contract(session: Session) -> Contract:
    """The active contract. Raises Conflict when none is loaded."""
    contract = session.scalar(select(Contract).where(Contract.active.is_(True)))
    if contract is None:
        raise Conflict("no_contract", "Inget avtal är inläst. Läs in avtalet först: catalog contract load FIL")
    return contract


def supplier_terms(contract: Contract, supplier: str) -> SupplierTerms:
    """What the contract says about one supplier, as plain data for the verdict rules."""
    models = {
        m.model_key: ProcuredTerms(m.model_number, m.position, m.price_ore, m.made_to_measure, m.id)
        for m in contract.models
        if m.supplier == supplier
    }
    colours: dict[str, str] = {}
    for base in contract.base_colours:
        if base.supplier == supplier:
            for name in (base.name, *base.supplier_names):
                colours.setdefault(colour_key(name), base.name)
    dismissed = set()
    for mapping in colour_mappings(contract, supplier):
        if mapping.base_colour is None:
            dismissed.add(mapping.value_key)
        else:
            colours.setdefault(mapping.value_key, mapping.base_colour)
    return SupplierTerms(
        supplier=supplier,
        contract_start=contract.start_date,
        models=models,
        colours=colours,
        dismissed=frozenset(dismissed),
    )


def colour_mappings(contract: Contract, supplier: str) -> list[ColourMapping]:
    """The colour values people have decided about for this supplier under this contract."""
    session = object_session(contract)
    if session is None or contract.id is None:
        return []
    return list(
        session.scalars(
            select(ColourMapping)
            .where(ColourMapping.contract_id == contract.id, ColourMapping.supplier == supplier)
            .order_by(ColourMapping.id)
        )
    )
