"""Benchmark: a big Medi-layout price list imported end to end, against a bare python-calamine read.

Three ways to run it:

    python tests/bench/import_bench.py [--rows 300000] [--database-url URL] [--keep DIR]
        one import inside this process (the service's own figures: rows/s, peak RSS of the
        service and of the reader child) and the bare read in its own process;

    python tests/bench/import_bench.py --whole-process [--pairs 5] [--rows N] [--database-url URL]
        what the user pays: `catalog pricelist import FILE --supplier medi --json` and the bare
        read, each as a separate whole process (start-up included), run A B A B … pair by pair;
        prints each pair's ratio, the median and min–max, and the peak memory of every process
        of the import (the command and its reader child) and their sum;

    python tests/bench/import_bench.py --scaling [--repeat N] [--database-url URL]
        the whole-process import at 30k, 100k, 300k and 1M rows: seconds per row, seconds per row
        beyond a 5,000-row import's (measured first: the command's start-up drops out), the same in CPU
        time (which the reader overlapping the start-up does not hide), and peak MB;

    python tests/bench/import_bench.py --format xls|ods|csv [--pairs 3] [--rows N] [--database-url URL]
        the same list as .xlsx and in another format (converted by LibreOffice, timed; the CSV is
        written by Python as a Swedish Excel saves it: ``;``, Windows-1252), each imported as a whole
        process, A B A B …: both imports' figures (which must be the same) and the time ratio to .xlsx.
        An .xls sheet holds at most 65,536 rows, so xls needs --rows 65000 or fewer.

    python tests/bench/import_bench.py --format peppol [--pairs 3] [--rows N] [--database-url URL]
        the same, with the list as a Peppol BIS Catalogue 3 written from the workbook's rows by
        tests/peppol_catalogues.py (one catalogue line per data row).

Each whole-process import starts from the same state: a migrated database holding the contract
and nothing else (a copied SQLite file, or a PostgreSQL database emptied of price lists), so a
repeated run is a real import and not "unchanged".
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT.parent / "shared" / "tools" / "make_fixtures.py"
CATALOG = Path(sys.executable).with_name("catalog")
SCALING_ROWS = (30_000, 100_000, 300_000, 1_000_000)
STARTUP_ROWS = 5_000  # --scaling: the smallest list make_fixtures.py writes; it costs little beyond start-up

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
        # -O: at a million rows the generator's own check of how rare a colour is stops it (an assert)
        command = [sys.executable, "-O", str(GENERATOR), "--scenario", "big", "--supplier", "medi"]
        command += ["--rows", str(rows), "--out", str(folder)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return target, folder / "avtal-kompression-2026.xlsx"


def bare_read(path: Path) -> tuple[float, int, float]:
    out = subprocess.run([sys.executable, "-c", BARE_READ, str(path)], check=True, capture_output=True, text=True)
    seconds, rows, peak = out.stdout.split()
    return float(seconds), int(rows), float(peak)


# --- one import inside this process ----------------------------------------------------------------


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


def in_process(args) -> dict:
    path, contract = make_file(args.rows, args.keep)
    bare_seconds, bare_rows, bare_peak = bare_read(path)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        figures = import_once(path, contract, url)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
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
    }


# --- the same list in another format ---------------------------------------------------------------


# --- whole processes -------------------------------------------------------------------------------


class TreeMemory:
    """Samples a process and its descendants every 20 ms: each one's peak RSS (VmHWM) and the peak of their sum.

    ru_maxrss of a waited child is the largest process's peak, not the sum over the import's processes,
    so the tree is read from /proc while it runs.
    """

    def __init__(self, pid: int):
        self.pid = pid
        self.peaks: dict[int, tuple[str, float]] = {}
        self.peak_sum = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(0.02):
            total = 0.0
            for pid in _tree(self.pid):
                status = _status(pid)
                if not status:
                    continue
                total += status.get("VmRSS", 0.0)
                # A process that is exiting shows no VmHWM any more: keep the highest mark seen.
                seen = self.peaks.get(pid, ("?", 0.0))[1]
                self.peaks[pid] = (status.get("Name", "?"), max(seen, status.get("VmHWM", 0.0)))
            self.peak_sum = max(self.peak_sum, total)


def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _status(pid: int) -> dict:
    try:
        with open(f"/proc/{pid}/status") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return {}
    status = {}
    for line in lines:
        key, _, value = line.partition(":")
        if key == "Name":
            status[key] = value.strip()
        elif key in ("VmRSS", "VmHWM"):
            status[key] = float(value.split()[0]) / 1024  # kB → MB
    return status


def run_measured(command: list[str], env: dict) -> dict:
    """Run a whole process; its wall time (start-up included), exit code, stdout and memory per process."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    memory.stop()
    # CPU seconds of the process and the children it waited for (the reader child): on a machine that others
    # load, wall time ratios swing with their load, CPU time much less.
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}): {stderr.strip()[-500:]}")
    peaks = [{"pid": pid, "name": name, "peak_mb": round(peak)} for pid, (name, peak) in memory.peaks.items()]
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "stdout": stdout,
        "processes": peaks,
        "sum_of_peaks_mb": round(sum(p["peak_mb"] for p in peaks)),
        "peak_of_sum_mb": round(memory.peak_sum),
    }


class FreshDatabase:
    """A migrated database holding only the contract, given anew to each import run."""

    def __init__(self, contract: Path, database_url: str | None, folder: Path):
        self.url = database_url
        self.folder = folder
        self.template = folder / "template.sqlite3"
        env = self.env(self.url or f"sqlite:///{self.template}")
        subprocess.run([str(CATALOG), "init-db"], env=env, check=True, capture_output=True)
        subprocess.run([str(CATALOG), "contract", "load", str(contract)], env=env, check=True, capture_output=True)

    @staticmethod
    def env(url: str) -> dict:
        return {**os.environ, "CATALOG_DATABASE_URL": url, "CATALOG_ACTOR": "bench"}

    def next(self) -> dict:
        if self.url is None:
            copy = self.folder / "run.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.template, copy)
            return self.env(f"sqlite:///{copy}")
        self._empty_postgres()
        return self.env(self.url)

    def _empty_postgres(self) -> None:
        import psycopg

        url = self.url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as connection:
            # Price lists, their files and what publishing made of them; the contract stays.
            connection.execute("TRUNCATE pricelist_imports, import_jobs RESTART IDENTITY CASCADE")


def import_command(path: Path) -> list[str]:
    return [str(CATALOG), "pricelist", "import", str(path), "--supplier", "medi", "--json"]


def bare_command(path: Path) -> list[str]:
    return [sys.executable, "-c", BARE_READ, str(path)]


def whole_process(args) -> dict:
    path, contract = make_file(args.rows, args.keep)
    pairs = []
    with tempfile.TemporaryDirectory() as folder:
        database = FreshDatabase(contract, args.database_url, Path(folder))
        for number in range(1, args.pairs + 1):
            imported = run_measured(import_command(path), database.next())
            bare = run_measured(bare_command(path), dict(os.environ))
            summary = json.loads(imported["stdout"])
            pair = {
                "pair": number,
                "import_s": round(imported["seconds"], 2),
                "bare_read_s": round(bare["seconds"], 2),
                "ratio": round(imported["seconds"] / bare["seconds"], 2),
                "import_cpu_s": round(imported["cpu_seconds"], 2),
                "bare_read_cpu_s": round(bare["cpu_seconds"], 2),
                "cpu_ratio": round(imported["cpu_seconds"] / bare["cpu_seconds"], 2),
                "import_processes": imported["processes"],
                "import_sum_of_peaks_mb": imported["sum_of_peaks_mb"],
                "import_peak_of_sum_mb": imported["peak_of_sum_mb"],
                "bare_read_peak_mb": bare["sum_of_peaks_mb"],
                "data_rows": summary["data_rows"],
                "allowed": summary["allowed"],
            }
            print(json.dumps(pair), file=sys.stderr)
            pairs.append(pair)
    ratios = [pair["ratio"] for pair in pairs]
    sums = [pair["import_sum_of_peaks_mb"] for pair in pairs]
    return {
        "rows": args.rows,
        "engine": "postgresql" if args.database_url else "sqlite",
        "pairs": pairs,
        "ratio_median": statistics.median(ratios),
        "ratio_min_max": [min(ratios), max(ratios)],
        "cpu_ratio_median": statistics.median(pair["cpu_ratio"] for pair in pairs),
        "import_s_median": statistics.median(pair["import_s"] for pair in pairs),
        "bare_read_s_median": statistics.median(pair["bare_read_s"] for pair in pairs),
        "import_sum_of_peaks_mb_max": max(sums),
    }


XLS_MAX_ROWS = 65_536
FIGURES = ("data_rows", "skipped_rows", "allowed", "excluded", "invalid_by_kind", "errors_total")


def converted_file(path: Path, target: str, folder: Path) -> tuple[Path, float | None]:
    """``path`` in format ``target`` (made once, kept in ``folder``) and the seconds making it took now."""
    sys.path.insert(0, str(ROOT))
    from tests.factories import formats

    result = folder / f"{path.stem}.{'xml' if target == 'peppol' else target}"
    if result.exists():
        return result, None
    print(f"converting to {target} …", file=sys.stderr)
    start = time.perf_counter()
    if target == "peppol":  # a Peppol BIS Catalogue 3, one line per data row, written by Python
        from importers.profiles import load_profiles
        from tests.peppol_catalogues import data_rows, write_catalogue

        write_catalogue(data_rows(path, load_profiles()["medi"]), result)
    elif target == "csv":
        import python_calamine

        sheets = python_calamine.load_workbook(str(path)).sheet_names
        formats.workbook_as_csv(path, result, dict.fromkeys(sheets, 0), encoding="cp1252", delimiter=";")
    else:
        formats.convert([path], target, folder, folder / "lo-profile")
    return result, time.perf_counter() - start


def format_comparison(args) -> dict:
    if args.format == "xls" and args.rows >= XLS_MAX_ROWS:
        sys.exit(f"an .xls sheet holds at most {XLS_MAX_ROWS} rows: use --rows 65000 or fewer for --format xls")
    path, contract = make_file(args.rows, args.keep)
    other, conversion_s = converted_file(path, args.format, args.keep)
    pairs = []
    with tempfile.TemporaryDirectory() as folder:
        database = FreshDatabase(contract, args.database_url, Path(folder))
        for number in range(1, args.pairs + 1):
            runs = {
                name: run_measured(import_command(file), database.next())
                for name, file in (("xlsx", path), (args.format, other))
            }
            summaries = {name: json.loads(run["stdout"]) for name, run in runs.items()}
            pair = {
                "pair": number,
                "xlsx_import_s": round(runs["xlsx"]["seconds"], 2),
                f"{args.format}_import_s": round(runs[args.format]["seconds"], 2),
                "ratio": round(runs[args.format]["seconds"] / runs["xlsx"]["seconds"], 2),
                f"{args.format}_peak_of_sum_mb": runs[args.format]["peak_of_sum_mb"],
                "xlsx_peak_of_sum_mb": runs["xlsx"]["peak_of_sum_mb"],
            }
            print(json.dumps(pair), file=sys.stderr)
            pairs.append(pair)
            figures = {name: {key: summary[key] for key in FIGURES} for name, summary in summaries.items()}
    ratios = [pair["ratio"] for pair in pairs]
    return {
        "rows": args.rows,
        "format": args.format,
        "engine": "postgresql" if args.database_url else "sqlite",
        "file_mb": {"xlsx": round(path.stat().st_size / 1e6, 1), args.format: round(other.stat().st_size / 1e6, 1)},
        "conversion_s": None if conversion_s is None else round(conversion_s, 1),
        "figures": figures["xlsx"],
        "same_figures_as_xlsx": figures["xlsx"] == figures[args.format],
        "pairs": pairs,
        "xlsx_import_s_median": statistics.median(pair["xlsx_import_s"] for pair in pairs),
        f"{args.format}_import_s_median": statistics.median(pair[f"{args.format}_import_s"] for pair in pairs),
        "ratio_median": statistics.median(ratios),
        "ratio_min_max": [min(ratios), max(ratios)],
    }


def scaling(args) -> dict:
    """Whole-process imports per size; the start-up cost is measured apart, on a 5,000-row list.

    A whole command pays about a second of process start and app set-up whatever the size, which
    alone makes a 30,000-row list's cost per row several times a million-row list's. So each size
    prints both: seconds per row of the whole command, and per row above that start-up (whether
    each further row costs the same at every size, which is what "flat" asks).
    """
    startup = _whole_process_seconds(STARTUP_ROWS, args)
    sizes = []
    for rows in args.sizes:
        runs, data_rows = _whole_process_runs(rows, args)
        seconds = statistics.median(run["seconds"] for run in runs)
        cpu = statistics.median(run["cpu_seconds"] for run in runs)
        size = {
            "rows": rows,
            "data_rows": data_rows,
            "import_s": round(seconds, 2),
            "us_per_row": round(1e6 * seconds / data_rows, 2),
            # each further row beyond the small list's: the start-up and its rows drop out
            "us_per_row_above_startup": round(
                1e6 * (seconds - startup["seconds"]) / (data_rows - startup["data_rows"]), 2
            ),
            "cpu_us_per_row": round(1e6 * cpu / data_rows, 2),
            # CPU is not hidden by the reader overlapping the command's start-up, as wall time is
            "cpu_us_per_row_above_startup": round(
                1e6 * (cpu - startup["cpu_seconds"]) / (data_rows - startup["data_rows"]), 2
            ),
            "sum_of_peaks_mb": max(run["sum_of_peaks_mb"] for run in runs),
            "largest_process_peak_mb": max(p["peak_mb"] for run in runs for p in run["processes"]),
        }
        print(json.dumps(size), file=sys.stderr)
        sizes.append(size)
    base = sizes[0]["us_per_row"]
    for size in sizes:
        size["per_row_vs_smallest"] = round(size["us_per_row"] / base, 2)
    return {
        "engine": "postgresql" if args.database_url else "sqlite",
        "startup": startup,
        "sizes": sizes,
        "spread_vs_median": {
            key: _spread([size[key] for size in sizes]) + " (target within ±20 %)"
            for key in ("us_per_row", "us_per_row_above_startup", "cpu_us_per_row_above_startup")
        },
    }


def _spread(figures: list[float]) -> str:
    middle = statistics.median(figures)
    return f"{min(figures) / middle - 1:+.1%} to {max(figures) / middle - 1:+.1%} of the median {middle}"


def _whole_process_runs(rows: int, args) -> tuple[list[dict], int]:
    path, contract = make_file(rows, args.keep)
    with tempfile.TemporaryDirectory() as folder:
        database = FreshDatabase(contract, args.database_url, Path(folder))
        runs = [run_measured(import_command(path), database.next()) for _ in range(args.repeat)]
    return runs, json.loads(runs[0]["stdout"])["data_rows"]


def _whole_process_seconds(rows: int, args) -> dict:
    runs, data_rows = _whole_process_runs(rows, args)
    seconds = statistics.median(run["seconds"] for run in runs)
    cpu = statistics.median(run["cpu_seconds"] for run in runs)
    figures = {"rows": rows, "data_rows": data_rows, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3)}
    print(json.dumps({"startup": figures}), file=sys.stderr)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument(
        "--keep",
        type=Path,
        default=Path(tempfile.gettempdir()) / "catalog-bench",
        help="folder for the generated files (reused between runs)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--whole-process", action="store_true", help="command and bare read as whole processes")
    mode.add_argument("--scaling", action="store_true", help="whole-process imports at 30k, 100k, 300k and 1M rows")
    mode.add_argument("--format", choices=("xls", "ods", "csv", "peppol"), help="the list as .xlsx and in this format")
    parser.add_argument("--pairs", type=int, default=5, help="--whole-process, --format: A B pairs (default 5)")
    parser.add_argument("--repeat", type=int, default=1, help="--scaling: runs per size, median taken (default 1)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SCALING_ROWS), help="--scaling: row counts")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    if args.whole_process:
        report = whole_process(args)
    elif args.scaling:
        report = scaling(args)
    elif args.format:
        report = format_comparison(args)
    else:
        report = in_process(args)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
