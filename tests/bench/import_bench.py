"""Benchmark: a 300,000-row Medi-layout price list imported end to end into SQLite.

Prints data rows/s, wall seconds, peak RSS (this process and the reader child)
and, in the same run, the seconds python-calamine alone takes to read the file.
Targets (issue 2): end-to-end <= 2 x the bare read, peak RSS <= 500 MB.

    python tests/bench/import_bench.py [--rows 300000] [--database-url URL] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT.parent / "shared" / "tools" / "make_fixtures.py"

BARE_READ = """
import sys, time, resource, python_calamine
start = time.perf_counter()
book = python_calamine.load_workbook(sys.argv[1])
rows = 0
for name in book.sheet_names:
    for _ in book.get_sheet_by_name(name).iter_rows():
        rows += 1
print(time.perf_counter() - start, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def make_file(rows: int, folder: Path) -> tuple[Path, Path]:
    target = folder / f"medi-prislista-2026-big-{rows}.xlsx"
    if not target.exists():
        if not GENERATOR.exists():
            sys.exit(f"generator not found: {GENERATOR} (the shared/ folder is needed for this benchmark)")
        print(f"generating {rows} rows with make_fixtures.py …", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--scenario",
                "big",
                "--supplier",
                "medi",
                "--rows",
                str(rows),
                "--out",
                str(folder),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return target, folder / "avtal-kompression-2026.xlsx"


def bare_read(path: Path) -> tuple[float, int, float]:
    out = subprocess.run([sys.executable, "-c", BARE_READ, str(path)], check=True, capture_output=True, text=True)
    seconds, rows, peak = out.stdout.split()
    return float(seconds), int(rows), float(peak)


def import_once(path: Path, contract: Path, database_url: str) -> dict:
    os.environ["CATALOG_DATABASE_URL"] = database_url
    from flask_migrate import upgrade

    from catalog_service import create_app
    from catalog_service.contracts.service import load_contract
    from catalog_service.extensions import db
    from catalog_service.pricelists.service import import_price_list

    app = create_app()
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_contract(db.session, contract, actor="bench")
        db.session.commit()
        start = time.perf_counter()
        result = import_price_list(db.session, path, "medi", actor="bench")
        db.session.commit()
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "data_rows": result.data_rows,
        "allowed": result.allowed,
        "reader_peak_mb": result.reader_peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument(
        "--keep",
        type=Path,
        default=Path(tempfile.gettempdir()) / "catalog-bench",
        help="folder for the generated file (reused between runs)",
    )
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    path, contract = make_file(args.rows, args.keep)
    bare_seconds, bare_rows, bare_peak = bare_read(path)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        figures = import_once(path, contract, url)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "file_rows": bare_rows,
        "data_rows": figures["data_rows"],
        "allowed": figures["allowed"],
        "bare_calamine_read_s": round(bare_seconds, 2),
        "bare_calamine_peak_mb": round(bare_peak),
        "import_s": round(figures["seconds"], 2),
        "rows_per_s": round(figures["data_rows"] / figures["seconds"]),
        "ratio_to_bare_read": round(figures["seconds"] / bare_seconds, 2),
        "peak_rss_mb_service": round(own_peak),
        "peak_rss_mb_reader_child": round(figures["reader_peak_mb"]),
        "targets": {"ratio_to_bare_read": "<= 2.0", "peak_rss_mb": "<= 500"},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
