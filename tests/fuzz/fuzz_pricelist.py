"""Fuzz the price-list importer with mutated workbooks for a bounded time.

Seeds are small, valid price lists made by tests/factories. Each execution
takes one, mutates it (bytes of the zip; whole zip entries; the XML text of one
entry) and hands it to the importer the way an upload reaches it: first
``check_workbook`` (in this process), then, if the file passes, the full
import — the reader child, the privacy scan, the verdicts and the bulk writes
into a scratch SQLite database — as a dry run that is rolled back.

An outcome is fine when the importer accepts the file or refuses it cleanly
(ImportFileError, a domain error, personal data found). Anything else is a bug:
an exception of another kind in this process, or a reader child that raised
something unforeseen (``details["unexpected"]``). Each bug's input is saved
under --crashes, named by its seed, so that it can be replayed with --replay.

    python tests/fuzz/fuzz_pricelist.py --seconds 600 [--seed 1] [--crashes DIR]
    python tests/fuzz/fuzz_pricelist.py --replay DIR/crash-123.xlsx
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from importers.errors import ImportFileError  # noqa: E402
from importers.workbook import ZIP_ERRORS, check_workbook  # noqa: E402

# Values that have broken readers before: bounds of Excel and of integer types, odd numbers and dates.
INTERESTING_NUMBERS = [b"0", b"-1", b"1048576", b"1048577", b"16384", b"16385", b"4294967297", b"1e308", b"NaN", b"-0"]
INTERESTING_TEXT = [
    b"&amp;",
    b"&#0;",
    b"&#x1F;",
    b"&#xD800;",
    b"_x0007_",
    b"_x0000_",
    b"\xe2\x80\xae",  # U+202E in UTF-8
    b"<![CDATA[x]]>",
    b"<!-- x -->",
    b"\xff\xfe",
    b"A" * 40_000,
    b"19121212-1212",
    b"=1+1",
    b"",
]
CELL_TYPES = [b"s", b"n", b"str", b"inlineStr", b"b", b"e", b"d", b"x", b""]
SUPPLIER = "medi"


# --- seeds ------------------------------------------------------------------------------------------


def make_seeds(folder: Path) -> list[bytes]:
    """Small valid workbooks of several shapes (shared strings, inline strings, formulas, dates, sheets)."""
    from tests.factories import workbooks as wb

    rows = [list(r) for r in wb.SMALL_ROWS]
    dated = [*wb.SMALL_LAYOUT, "Giltig från", "Giltig till"]
    seeds = [
        wb.small_price_list(folder),
        wb.formula_price_list(folder),
        wb.price_list(folder, wb.SMALL_LAYOUT, rows, title_rows=2, name="titlar.xlsx"),
        wb.price_list(
            folder,
            dated,
            [[*r, date(2026, 1, 1), "2027-12-31"] for r in rows],
            name="datum.xlsx",
            extra_sheets=[("Info", [["Prislista 2026"], ["Frågor: kundtjänst"]])],
        ),
        wb.price_list(
            folder, wb.SMALL_LAYOUT, [[*r[:-1], str(r[-1]).replace(".", ",")] for r in rows], name="text.xlsx"
        ),
    ]
    return [path.read_bytes() for path in seeds]


def contract_file(folder: Path) -> Path:
    from tests.factories import workbooks as wb

    models = [
        wb.ContractModel("Medi", 1, "SOL1-AD", compression_class="KKL 1", price=371.5),
        wb.ContractModel("Medi", 2, "VEG2-AD", price=449.5),
        wb.ContractModel("Medi", 3, "LUN2-AG", garment_type="Lårstrumpa", price=637.5),
    ]
    return wb.contract(folder, models, [("Medi", "Sand", "Sand"), ("Medi", "Svart", "Svart")])


# --- mutations --------------------------------------------------------------------------------------


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three mutations of a workbook's bytes, chosen at random."""
    for _ in range(rng.randint(1, 3)):
        mutation = rng.choice(MUTATIONS)
        try:
            data = mutation(data, rng)
        except (*ZIP_ERRORS, KeyError, IndexError):
            data = flip_bytes(data, rng)  # an earlier mutation broke the zip: keep mutating bytes
    return data


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if buffer:
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
    return bytes(buffer)


def cut_or_splice(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 512))
    choice = rng.random()
    if choice < 0.3:
        return data[:start]  # truncated
    if choice < 0.6:
        return data[:start] + data[end:]  # a chunk removed
    return data[:end] + data[start:end] + data[end:]  # a chunk repeated


def _entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _zip(entries: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # duplicate entry names are one of the mutations
        for info, content in entries:
            copy = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            copy.compress_type = zipfile.ZIP_STORED if rng.random() < 0.1 else zipfile.ZIP_DEFLATED
            archive.writestr(copy, content)
    return buffer.getvalue()


def mutate_entry_list(data: bytes, rng: random.Random) -> bytes:
    """Drop, duplicate or rename a zip entry."""
    entries = _entries(data)
    index = rng.randrange(len(entries))
    content = entries[index][1]
    choice = rng.random()
    if choice < 0.4:
        del entries[index]
    elif choice < 0.7:
        entries.append((zipfile.ZipInfo(rng.choice([e[0].filename for e in entries])), content))
    else:
        renamed = zipfile.ZipInfo(
            rng.choice(["xl/worksheets/sheet2.xml", "xl/sharedStrings.xml", "xl/styles.xml", "../x.xml"])
        )
        entries[index] = (renamed, content)
    return _zip(entries, rng)


def mutate_xml(data: bytes, rng: random.Random) -> bytes:
    """Change the XML text of one entry (the sheet and the shared strings most often)."""
    entries = _entries(data)
    weights = [
        5 if b"worksheets/sheet" in i.filename.encode() or "sharedStrings" in i.filename else 1 for i, _ in entries
    ]
    index = rng.choices(range(len(entries)), weights=weights)[0]
    info, xml = entries[index]
    entries[index] = (info, rng.choice(XML_MUTATIONS)(xml, rng))
    return _zip(entries, rng)


def _replace_one(pattern: bytes, xml: bytes, rng: random.Random, make) -> bytes:
    matches = list(re.finditer(pattern, xml))
    if not matches:
        return xml
    match = rng.choice(matches)
    return xml[: match.start(1)] + make(match) + xml[match.end(1) :]


def xml_number(xml: bytes, rng: random.Random) -> bytes:
    return _replace_one(rb"(\d+)", xml, rng, lambda m: rng.choice(INTERESTING_NUMBERS))


def xml_cell_type(xml: bytes, rng: random.Random) -> bytes:
    return _replace_one(rb' t="(\w*)"', xml, rng, lambda m: rng.choice(CELL_TYPES))


def xml_reference(xml: bytes, rng: random.Random) -> bytes:
    references = [b"A1", b"XFD1", b"A1048576", b"XFD1048576", b"ZZZZ1", b"A0", b"1A", b"", b"A99999999999"]
    return _replace_one(rb' (?:r|ref)="([^"]*)"', xml, rng, lambda m: rng.choice(references))


EXTREME_VALUES = [*INTERESTING_NUMBERS, b"-1e308", b"1e-308", b"2958466", b"-693594", b"1.5", b"-0.5", b"inf", b"x"]


def xml_value(xml: bytes, rng: random.Random) -> bytes:
    """An extreme number in a cell value: dates, prices and classes all come from ``<v>``."""
    return _replace_one(rb"<v>([^<]*)</v>", xml, rng, lambda m: rng.choice(EXTREME_VALUES))


def xml_text(xml: bytes, rng: random.Random) -> bytes:
    return _replace_one(rb"<(?:t|v|f)(?: [^>]*)?>([^<]*)<", xml, rng, lambda m: rng.choice(INTERESTING_TEXT))


def xml_splice(xml: bytes, rng: random.Random) -> bytes:
    """Remove, repeat or move a span that starts and ends at tag boundaries."""
    tags = [m.start() for m in re.finditer(rb"<", xml)]
    if len(tags) < 3:
        return xml
    start, end = sorted(rng.sample(tags, 2))
    span = xml[start:end]
    choice = rng.random()
    if choice < 0.4:
        return xml[:start] + xml[end:]
    if choice < 0.8:
        return xml[:end] + span * rng.randint(1, 50) + xml[end:]
    target = rng.choice(tags)
    return xml[:target] + span + xml[target:]


def xml_insert(xml: bytes, rng: random.Random) -> bytes:
    position = rng.randrange(len(xml) + 1)
    return xml[:position] + rng.choice(INTERESTING_TEXT) + xml[position:]


MUTATIONS = [flip_bytes, cut_or_splice, mutate_entry_list, mutate_xml, mutate_xml, mutate_xml, mutate_xml]
XML_MUTATIONS = [xml_number, xml_cell_type, xml_reference, xml_text, xml_value, xml_value, xml_splice, xml_insert]


# --- the importer under test ------------------------------------------------------------------------


@dataclass
class Figures:
    executions: int = 0
    outcomes: Counter = field(default_factory=Counter)
    bugs: list[dict] = field(default_factory=list)


class Importer:
    """The real import path against a scratch SQLite database with a small contract loaded."""

    def __init__(self, folder: Path):
        from flask_migrate import upgrade

        from catalog_service import create_app
        from catalog_service.contracts.service import load_contract
        from catalog_service.extensions import db

        self.db = db
        self.app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'fuzz.sqlite3'}", "READER_SECONDS": 30}
        )
        with self.app.app_context():
            upgrade(directory=self.app.extensions["migrate"].directory)
            load_contract(db.session, contract_file(folder), actor="fuzz")
            db.session.commit()

    def run(self, path: Path) -> str:
        """The outcome's name; raises for a bug."""
        from catalog_service.errors import DomainError
        from catalog_service.pricelists.service import import_price_list
        from catalog_service.privacy.guard import PersonalDataFound

        try:
            check_workbook(path)
        except ImportFileError as error:
            return f"check:{error.kind}"
        with self.app.app_context():
            try:
                result = import_price_list(self.db.session, path, SUPPLIER, actor="fuzz", dry_run=True)
            except ImportFileError as error:
                return _classified(error)
            except (DomainError, PersonalDataFound) as error:
                return f"import:{type(error).__name__}"
            finally:
                self.db.session.rollback()
                self.db.session.remove()
        assert result.data_rows == result.allowed + sum(result.excluded.values()), "counts do not add up"
        return "accepted"


def _classified(error: ImportFileError) -> str:
    """A clean refusal's outcome name; raises for a reader child that failed in an unforeseen way."""
    details = error.details
    if details.get("unexpected"):
        raise AssertionError(f"the reader child raised {details.get('reason')}")
    code = details.get("exit_code")
    if code is not None and code >= 0:  # no signal: Python itself ended the child on an uncaught exception
        raise AssertionError(f"the reader child died with exit code {code}")
    if code is not None:  # killed by a signal: calamine aborted, or the memory or time cap struck
        return f"import:reader-killed({code})"
    return f"import:{error.kind}" + (f":{details['reason']}" if "reason" in details else "")


def fuzz(seconds: float, seed: int, crashes: Path | None, importer: Importer, seeds: list[bytes], folder: Path):
    """Run executions until ``seconds`` pass; the figures."""
    figures = Figures()
    deadline = time.monotonic() + seconds
    path = folder / "input.xlsx"
    while time.monotonic() < deadline:
        current = seed + figures.executions
        rng = random.Random(current)
        data = mutate(rng.choice(seeds), rng)
        path.write_bytes(data)
        figures.executions += 1
        try:
            figures.outcomes[importer.run(path)] += 1
        except Exception as error:
            figures.outcomes["bug"] += 1
            bug = {"seed": current, "error": f"{type(error).__name__}: {str(error)[:200]}"}
            bug["where"] = traceback.format_exc(limit=-3).splitlines()[-4:]
            figures.bugs.append(bug)
            if crashes is not None:
                crashes.mkdir(parents=True, exist_ok=True)
                (crashes / f"crash-{current}.xlsx").write_bytes(data)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1, help="first seed; execution n uses seed + n")
    parser.add_argument("--crashes", type=Path, help="save each bug's input here")
    parser.add_argument("--replay", type=Path, help="import one saved input and show what happens")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="catalog-fuzz-") as name:
        folder = Path(name)
        importer = Importer(folder)
        if args.replay:
            print(importer.run(args.replay))
            return 0
        started = time.monotonic()
        figures = fuzz(args.seconds, args.seed, args.crashes, importer, make_seeds(folder), folder)
        elapsed = time.monotonic() - started
    report = {
        "seconds": round(elapsed, 1),
        "executions": figures.executions,
        "per_second": round(figures.executions / max(elapsed, 1e-9), 2),
        "outcomes": dict(figures.outcomes.most_common()),
        "bugs": figures.bugs[:50],
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if figures.bugs else 0


if __name__ == "__main__":
    sys.exit(main())
