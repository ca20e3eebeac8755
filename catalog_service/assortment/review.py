"""Reviewing a draft before publishing: the diff, a reconciliation against the contract, layout changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from importers.values import normalise_key

from ..contracts.models import Contract, ProcuredModel
from ..feeds.items import as_feed_item, sek_text
from ..pricelists.models import PriceListImport, PriceListRow
from ..pricelists.verdicts import Verdict
from ..privacy.structured import GTIN_LENGTHS, check_structured, gtin_check_digit_ok
from ..stock.flags import stock_article_numbers
from .items import diff_items, diff_rows, draft_rows, version_rows
from .models import ITEM_COLUMNS, AssortmentVersion
from .versions import current_version


class LazyRows(Sequence):
    """A list read from the database a page at a time: its length is counted once, a slice is one query.

    The review page shows 100 rows of a list that may hold 20,000; the API iterates the whole list.
    """

    def __init__(self, count: Callable[[], int], fetch: Callable[[int, int | None], list]):
        self._count, self._fetch, self._length = count, fetch, None

    def __len__(self) -> int:
        if self._length is None:
            self._length = self._count()
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("only contiguous slices")
            return self._fetch(start, max(stop - start, 0)) if stop > start else []
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._fetch(index % len(self), 1)[0]

    def __iter__(self):
        return iter(self._fetch(0, None))


@dataclass
class DraftReview:
    """A draft against the published version, with the article lists kept as item tuples.

    The review page shows counts and one page of each list, so only the rows it shows
    become feed items (``feed_items``, ``changes``); at 20,000 items building every one
    took most of the page's time. ``as_dict`` is the whole review, as the API gives it.
    """

    draft: PriceListImport
    published: AssortmentVersion | None
    stock: frozenset[str]
    added: list[tuple]
    removed: list[tuple]
    changed: list[tuple[tuple, tuple]]
    unchanged: int
    reconciliation: dict
    layout_warnings: list[str]
    invalid_gtins: Sequence[dict]

    def feed_items(self, rows: list[tuple]) -> list[dict]:
        """Item tuples as feed items (prices as SEK text, today's stock flag)."""
        return [as_feed_item(dict(zip(ITEM_COLUMNS, row, strict=True)), self.stock) for row in rows]

    def changes(self, pairs: list[tuple[tuple, tuple]]) -> list[dict]:
        """Changed items as ``diff_items`` gives them: the article number and each differing field, old and new."""
        return [diff_items(self.feed_items([old]), self.feed_items([new]))["changed"][0] for old, new in pairs]

    def as_dict(self) -> dict:
        """The whole review: every list in full, as the API and the command line give it."""
        draft = self.draft
        return {
            "import_id": draft.id,
            "supplier": draft.supplier,
            "status": draft.status.value,
            "uploaded_by": draft.created_by,
            "against_version": self.published.number if self.published else None,
            "diff": {
                "added": self.feed_items(self.added),
                "removed": self.feed_items(self.removed),
                "changed": self.changes(self.changed),
                "unchanged": self.unchanged,
            },
            "reconciliation": {
                **self.reconciliation,
                "priced_above_contract": list(self.reconciliation["priced_above_contract"]),
            },
            "layout_warnings": self.layout_warnings,
            "invalid_gtins": list(self.invalid_gtins),
        }


def review_draft(session: Session, draft: PriceListImport) -> dict:
    """Everything a procurement officer checks before publishing a draft (the API's and CLI's review)."""
    return draft_review(session, draft).as_dict()


def draft_review(session: Session, draft: PriceListImport) -> DraftReview:
    """The draft against the supplier's published version: diff, reconciliation, layout and GTIN notices. Reads only."""
    published = current_version(session, draft.supplier)
    diff = diff_rows(version_rows(session, published) if published else [], draft_rows(session, draft))
    return DraftReview(
        draft=draft,
        published=published,
        stock=frozenset(stock_article_numbers(session, draft.supplier)),  # today's flags on both sides: not a change
        added=diff["added"],
        removed=diff["removed"],
        changed=diff["changed"],
        unchanged=diff["unchanged"],
        reconciliation=reconciliation(session, draft),
        layout_warnings=layout_warnings(session, draft),
        invalid_gtins=invalid_gtins(session, draft),
    )


def reconciliation(session: Session, draft: PriceListImport) -> dict:
    """Contract models without allowed items, base colours missing per model, prices above contract."""
    contract = session.get(Contract, draft.contract_id)
    procured = {m.model_key: m for m in contract.models if m.supplier == draft.supplier}
    colours = [b.name for b in contract.base_colours if b.supplier == draft.supplier]
    verdicts, bases = _row_counts(session, draft.id)
    missing_models, missing_colours = [], []
    for key, model in sorted(procured.items()):
        counts = verdicts.get(key, {})
        if not counts.get(Verdict.allowed.value):
            missing_models.append(
                {
                    "model": model.model_number,
                    "position": model.position,
                    "reason": _why_missing(counts),
                    "rows": dict(counts),
                }
            )
        elif lacking := [c for c in colours if c not in bases.get(key, set())]:
            missing_colours.append({"model": model.model_number, "missing_base_colours": lacking})
    return {
        "models_without_allowed_items": missing_models,
        "base_colours_missing": missing_colours,
        "priced_above_contract": _priced_above(session, draft),
        "unknown_colours": list(draft.unknown_colours),
    }


def _row_counts(session: Session, import_id: int):
    rows = session.execute(
        select(PriceListRow.model, PriceListRow.verdict, PriceListRow.base_colour, func.count())
        .where(PriceListRow.import_id == import_id, PriceListRow.verdict != Verdict.not_procured)
        .group_by(PriceListRow.model, PriceListRow.verdict, PriceListRow.base_colour)
    ).all()
    verdicts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    bases: dict[str, set[str]] = defaultdict(set)
    for model, verdict, base, count in rows:
        key = normalise_key(model)
        verdicts[key][verdict.value] += count
        if base:
            bases[key].add(base)
    return verdicts, bases


def _why_missing(counts: dict[str, int]) -> str:
    if not counts:
        return "missing"  # the model does not occur in the file
    if set(counts) == {Verdict.non_base_colour.value}:
        return "only_non_base_colours"
    return "no_usable_rows"


def _priced_above(session: Session, draft: PriceListImport) -> LazyRows:
    """Allowed rows whose list price is above the contract price, in file order (compared in the database)."""
    where = (
        PriceListRow.import_id == draft.id,
        PriceListRow.verdict == Verdict.allowed,
        PriceListRow.price_ore > ProcuredModel.price_ore,
    )
    joined = (ProcuredModel, ProcuredModel.id == PriceListRow.procured_model_id)  # the model judge() matched

    def count() -> int:
        return session.scalar(select(func.count()).select_from(PriceListRow).join(*joined).where(*where))

    def fetch(offset: int, limit: int | None) -> list[dict]:
        rows = session.execute(
            select(
                PriceListRow.sheet,
                PriceListRow.row_number,
                PriceListRow.article_number,
                PriceListRow.model,
                PriceListRow.price_ore,
                ProcuredModel.price_ore,
            )
            .join(*joined)
            .where(*where)
            .order_by(PriceListRow.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [
            {
                "sheet": sheet,
                "row": row_number,
                "article_number": article_number,
                "model": model,
                "price_sek": sek_text(price),
                "contract_price_sek": sek_text(contract_price),
            }
            for sheet, row_number, article_number, model, price, contract_price in rows
        ]

    return LazyRows(count, fetch)


def invalid_gtins(session: Session, draft: PriceListImport) -> LazyRows:
    """Rows whose GTIN has a wrong GS1 check digit or is not 8, 12, 13 or 14 digits ("GTIN med fel kontrollsiffra").

    Only a notice: the row's verdict stands, since the article number, not the GTIN, identifies an item.
    Rows of unprocured models keep no GTIN (see PriceListRow), so they are not listed. Every GTIN is
    checked at once (for the count); the rows' other columns are read a page at a time.
    """
    every_gtin = (
        select(PriceListRow.id, PriceListRow.gtin)
        .where(PriceListRow.import_id == draft.id, PriceListRow.gtin.is_not(None))
        .order_by(PriceListRow.id)
    )
    checked = session.connection().execute(every_gtin).all()  # on the connection, as in items.py
    found = [(row_id, kind) for row_id, gtin in checked if (kind := _gtin_problem(gtin)) is not None]

    def fetch(offset: int, limit: int | None) -> list[dict]:
        kinds = dict(found[offset:] if limit is None else found[offset : offset + limit])
        if not kinds:
            return []
        query = select(
            PriceListRow.id, PriceListRow.sheet, PriceListRow.row_number, PriceListRow.article_number, PriceListRow.gtin
        ).order_by(PriceListRow.id)
        if limit is None:  # the whole list: by import (an IN list of every id could pass SQLite's parameter limit)
            query = query.where(PriceListRow.import_id == draft.id, PriceListRow.gtin.is_not(None))
        else:
            query = query.where(PriceListRow.id.in_(list(kinds)))
        rows = [row for row in session.execute(query).all() if row[0] in kinds]
        return [
            {
                "sheet": sheet,
                "row": row_number,
                "article_number": article_number,
                "gtin": gtin,
                "reason": "check_digit" if kinds[row_id] == "invalid_gtin_check_digit" else "length",
            }
            for row_id, sheet, row_number, article_number, gtin in rows
        ]

    return LazyRows(lambda: len(found), fetch)


def _gtin_problem(gtin: str) -> str | None:
    """``check_structured("gtin", …)``, with a short way for the usual value: ASCII digits of a GTIN's length
    (which the normalising and stripping it begins with leave as they are)."""
    if gtin.isascii() and gtin.isdigit() and len(gtin) in GTIN_LENGTHS:
        return None if gtin_check_digit_ok(gtin) else "invalid_gtin_check_digit"
    return check_structured("gtin", gtin)


def layout_warnings(session: Session, draft: PriceListImport) -> list[str]:
    """Differences in sheet names and header sets from the supplier's previous import."""
    previous = session.scalar(
        select(PriceListImport)
        .where(PriceListImport.supplier == draft.supplier, PriceListImport.id < draft.id)
        .order_by(PriceListImport.id.desc())
        .limit(1)
    )
    if previous is None:
        return []
    before = {s["sheet"]: set(s["columns"].values()) for s in previous.layout}
    after = {s["sheet"]: set(s["columns"].values()) for s in draft.layout}
    warnings = []
    if set(before) != set(after):
        warnings.append(f"Flikarna har ändrats: förut {', '.join(before)}; nu {', '.join(after)}.")
    for sheet in sorted(set(before) & set(after)):
        added, gone = sorted(after[sheet] - before[sheet]), sorted(before[sheet] - after[sheet])
        if added or gone:
            warnings.append(
                f"Rubrikerna på fliken {sheet!r} har ändrats: nya {', '.join(added) or '–'}; "
                f"borta {', '.join(gone) or '–'}."
            )
    return warnings
