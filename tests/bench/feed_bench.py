"""Benchmark: the e-shop feed under load, served by gunicorn (4 workers) on loopback.

Publishes a feed of 5,000 items, then drives three endpoints of the same app
with wrk for a bounded time each and prints requests/s and p50/p99 latency: a
full JSON fetch (gzip, as e-shops ask), a 304 revalidation, and the trivial
/healthz (the ceiling). Targets (issue 16): 304 >= 90 % and the full gzipped
feed >= 75 % of the ceiling's requests/s in the same run; the ratios are
printed against them.

    python tests/bench/feed_bench.py [--seconds 10] [--connections 8] [--workers 4] [--database-url URL]

Needs wrk (Debian package `wrk`: `apt-get install wrk`; benches do not run in
CI, so .ci/run does not install it), gunicorn, Redis at 127.0.0.1:6379 (the
workers' shared rate-limit counters) and PostgreSQL at 127.0.0.1 by default (a
scratch database is created and dropped). Run one benchmark at a time on a
shared machine (`flock /tmp/bench.lock python tests/bench/feed_bench.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ITEMS = 5000
SUPPLIER = "medi"
# Issue 16: each endpoint's requests/s as a share of /healthz's in the same run.
TARGETS = {"feed_304_revalidation": 0.90, "feed_json_full_gzip": 0.75}


def build_files(folder: Path) -> tuple[Path, Path]:
    """A contract with 10 Medi models and a price list with 5,000 allowed rows plus some others."""
    from tests.factories import workbooks

    models = [workbooks.ContractModel("Medi", n, f"BEN{n}-AD", price=400 + n) for n in range(1, 11)]
    contract = workbooks.contract(folder, models, [("Medi", "Sand", "Sand"), ("Medi", "Svart", "Svart")])
    rows = []
    for n in range(ITEMS + 500):
        model = f"BEN{n % 10 + 1}-AD" if n < ITEMS else "ANNAN-AD"
        rows.append(
            [
                f"MD{n:07d}",
                f"40487{n:08d}",
                f"Bänkstrumpa {n}",
                model,
                2,
                "Knästrumpa",
                ["S", "M", "L", "XL"][n % 4],
                "Normal",
                "Sand" if n % 2 else "Svart",
                450.0 + n % 7,
            ]
        )
    price_list = workbooks.price_list(folder, workbooks.SMALL_LAYOUT, rows, name="bench-prislista.xlsx")
    return contract, price_list


def scratch_postgres() -> tuple[str, callable]:
    import psycopg

    name = f"catalog_feedbench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("postgresql://127.0.0.1:5432/test", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect("postgresql://127.0.0.1:5432/test", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql://127.0.0.1:5432/{name}", drop


def prepare(database_url: str, folder: Path) -> tuple[str, str]:
    """Migrate, load, import, publish; return (e-shop token, ETag of the JSON feed)."""
    os.environ["CATALOG_DATABASE_URL"] = database_url
    from flask_migrate import upgrade

    from catalog_service import create_app
    from catalog_service.assortment.service import publish_assortment
    from catalog_service.auth.service import create_token
    from catalog_service.contracts.service import load_contract
    from catalog_service.extensions import db
    from catalog_service.pricelists.service import import_price_list

    contract, price_list = build_files(folder)
    app = create_app()
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_contract(db.session, contract, actor="bench-upphandlare1")
        import_price_list(db.session, price_list, SUPPLIER, actor="bench-upphandlare1")
        version = publish_assortment(db.session, SUPPLIER, actor="bench-upphandlare2")
        token, _ = create_token(db.session, actor="bench", eshop=SUPPLIER)
        etag = next(d.etag for d in version.documents if d.format == "json")
        db.session.commit()
        print(f"published version {version.number} with {version.item_count} items", file=sys.stderr)
        db.engine.dispose()
    return token, etag


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url: str, port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        # Several workers must share their rate-limit counters (memory:// is refused at start): Redis.
        env={
            "CATALOG_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            **os.environ,
            "CATALOG_DATABASE_URL": database_url,
        },
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit("gunicorn did not start")


def run_wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> dict:
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (issue 16: 4)")
    parser.add_argument("--database-url", help="default: a scratch PostgreSQL database on 127.0.0.1")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    # One token drives all the load here; the per-token limit (120 a minute by default) would turn
    # nearly every request into a 429, so the bench measures serving with the limit set out of reach.
    os.environ.setdefault("CATALOG_API_RATE_LIMIT", "100000000 per minute")
    drop = None
    url = args.database_url
    if url is None:
        url, drop = scratch_postgres()
    server = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            token, etag = prepare(url, Path(folder))
        port = free_port()
        server = start_gunicorn(url, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Bearer {token}"}
        feed = f"{base}/api/v1/feeds/{SUPPLIER}"
        cases = {
            "ceiling_healthz": (f"{base}/healthz", {}),
            "feed_json_full_gzip": (feed, {**auth, "Accept-Encoding": "gzip"}),
            "feed_304_revalidation": (feed, {**auth, "Accept-Encoding": "gzip", "If-None-Match": f'"{etag}-gz"'}),
        }
        run_wrk(feed, auth, 2, args.connections)  # warm-up
        results = {name: run_wrk(u, h, args.seconds, args.connections) for name, (u, h) in cases.items()}
        ceiling = results["ceiling_healthz"]["requests_per_s"]
        results["share_of_ceiling"] = {
            "feed_304_revalidation": round(results["feed_304_revalidation"]["requests_per_s"] / ceiling, 3),
            "feed_json_full_gzip": round(results["feed_json_full_gzip"]["requests_per_s"] / ceiling, 3),
        }
        results["targets"] = {name: f">= {target}" for name, target in TARGETS.items()}
        results["met"] = {name: results["share_of_ceiling"][name] >= target for name, target in TARGETS.items()}
        results["workers"] = args.workers
        print(json.dumps(results, indent=2))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
