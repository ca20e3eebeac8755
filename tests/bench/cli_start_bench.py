"""Benchmark: how long the ``catalog`` command line takes to start (issue 12: at most 0.5 s).

Runs ``catalog --help`` and ``catalog pricelist --help`` as whole processes five
times each and prints the median and the min–max, then the five slowest imports
(cumulative, from ``python -X importtime``) of ``catalog --help``.

    python tests/bench/cli_start_bench.py [--runs 5] [--catalog .venv/bin/catalog]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = (["--help"], ["pricelist", "--help"])


def timed_runs(catalog: Path, args: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of ``runs`` whole-process runs of ``catalog *args``."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(catalog), *args], check=True, capture_output=True, cwd=ROOT)
        seconds.append(time.perf_counter() - start)
    return seconds


def slowest_imports(python: Path, args: list[str], count: int = 5) -> list[tuple[int, str]]:
    """The ``count`` imports with the largest cumulative time (µs), as ``python -X importtime`` reports them.

    ``-P``: the code comes from the venv's own install, not from the current folder (so another checkout's
    venv, e.g. main's for a before figure, measures its own code).
    """
    code = "import sys; from catalog_service.cli import main; sys.argv = ['catalog', *sys.argv[1:]]; main()"
    done = subprocess.run(
        [str(python), "-P", "-X", "importtime", "-c", code, *args], capture_output=True, text=True, cwd=ROOT
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--catalog", type=Path, default=ROOT / ".venv/bin/catalog")
    options = parser.parse_args()
    python = options.catalog.parent / "python"
    for args in COMMANDS:
        seconds = timed_runs(options.catalog, args, options.runs)
        print(
            f"catalog {' '.join(args):<18} median {statistics.median(seconds):.3f} s "
            f"(min {min(seconds):.3f}, max {max(seconds):.3f}, {options.runs} runs)"
        )
    print("slowest imports of `catalog --help` (cumulative):")
    for microseconds, name in slowest_imports(python, ["--help"]):
        print(f"  {microseconds / 1e6:7.3f} s  {name}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
