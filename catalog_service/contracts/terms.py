"""What the contract says about one supplier, as plain data for the verdict rules.

Built by ``contracts.service.supplier_terms`` and read by ``pricelists.verdicts``:
no database, no Flask, so the rules stay fast and testable row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


class ProcuredTerms(NamedTuple):
    model_number: str
    position: str
    price_ore: int
    made_to_measure: bool
    procured_model_id: int | None = None  # the contract's row: stored with each judged row that matched it


@dataclass(frozen=True)
class SupplierTerms:
    """What the contract says about one supplier."""

    supplier: str
    contract_start: date
    models: dict[str, ProcuredTerms]  # model key → terms
    colours: dict[str, str]  # colour key (name or code) → base colour name
    dismissed: frozenset[str] = frozenset()  # colour keys a person decided are not base colours
