"""Benchmark: while a 300,000-row price list imports through the upload page, other pages stay quick.

Serves the app with gunicorn (2 sync workers) and the job queue's worker (`catalog worker`) on loopback
against a scratch SQLite file (or --database-url), logs in as a procurement officer, uploads the file
through the page form, and until the background import is done fetches the overview page every 0.2 s,
timing each answer.
Prints the import's rows/s and the other page's latency (median, p95, max). Target (issue 4):
every answer within one second.

    python tests/bench/upload_bench.py [--rows 300000] [--postgres | --database-url URL] [--keep DIR]

--postgres uses a scratch PostgreSQL database on 127.0.0.1 (created and dropped); --database-url
must name an empty database.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.feed_bench import scratch_postgres, start_gunicorn
from tests.bench.import_bench import make_file

PASSWORD = "bänkprov-lösenord-2026"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def catalog(database_url: str, *args: str, stdin: str | None = None) -> None:
    command = Path(sys.executable).with_name("catalog")
    env = {**os.environ, "CATALOG_DATABASE_URL": database_url, "CATALOG_ACTOR": "bench", "CATALOG_DEVELOPMENT": "1"}
    subprocess.run([str(command), *args], env=env, input=stdin, text=True, check=True, stdout=subprocess.DEVNULL)


class Browser:
    """Just enough of a browser: cookies, CSRF tokens from forms, multipart uploads."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, float]:
        start = time.perf_counter()
        with self.opener.open(self.base + path, timeout=30) as response:
            body = response.read().decode()
            return response.status, body, time.perf_counter() - start

    def post(self, path: str, body: bytes, content_type: str) -> str:
        request = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": content_type})
        with self.opener.open(request, timeout=120) as response:
            return response.geturl()

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', self.get(path)[1]).group(1)

    def log_in(self, name: str) -> None:
        form = urllib.parse.urlencode({"name": name, "password": PASSWORD, "csrf_token": self.token("/login")})
        self.post("/login", form.encode(), "application/x-www-form-urlencoded")

    def upload(self, path: Path, supplier: str) -> str:
        from werkzeug.datastructures import FileStorage
        from werkzeug.test import encode_multipart

        upload = FileStorage(io.BytesIO(path.read_bytes()), filename=path.name)
        fields = {"supplier": supplier, "csrf_token": self.token("/pricelists/upload"), "file": upload}
        boundary, body = encode_multipart(fields)
        return self.post("/pricelists/upload", body, f"multipart/form-data; boundary={boundary}")


def run(rows: int, folder: Path, database_url: str | None) -> dict:
    pricelist, contract = make_file(rows, folder)
    database_url = database_url or f"sqlite:///{folder / 'upload-bench.sqlite3'}"
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    catalog(database_url, "init-db")
    catalog(database_url, "contract", "load", str(contract))
    catalog(database_url, "user", "create", "upphandlare1", "--role", "upphandlare", "--password-stdin", stdin=PASSWORD)
    port = free_port()
    os.environ["CATALOG_DEVELOPMENT"] = "1"  # plain http on loopback: no Secure cookie
    os.environ["CATALOG_QUEUE_URL"] = f"sqlite:///{folder / 'upload-bench-queue.sqlite3'}"
    server = start_gunicorn(database_url, port)
    # The import runs in the job queue's worker, as in production beside gunicorn.
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("catalog")), "worker"],
        env={**os.environ, "CATALOG_DATABASE_URL": database_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.log_in("upphandlare1")
        started = time.perf_counter()
        job_url = urllib.parse.urlsplit(browser.upload(pricelist, "medi")).path
        latencies, state = [], {}
        while time.perf_counter() - started < 600:
            status, _, seconds = browser.get("/")
            assert status == 200
            latencies.append(seconds)
            state = json.loads(browser.get(job_url + "/state")[1])
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
        worker.terminate()
        worker.wait(timeout=10)
    latencies.sort()
    return {
        "rows": state.get("rows_done"),
        "job_status": state.get("status"),
        "import_seconds_through_page": round(elapsed, 2),
        "rows_per_second": round((state.get("rows_done") or 0) / elapsed),
        "other_page_samples": len(latencies),
        "other_page_median_ms": round(statistics.median(latencies) * 1000, 1),
        "other_page_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "other_page_max_ms": round(latencies[-1] * 1000, 1),
        "target_max_ms": 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--database-url", help="an empty database to use")
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database on 127.0.0.1")
    parser.add_argument("--keep", type=Path, help="folder for the generated file (kept between runs)")
    args = parser.parse_args()
    drop = None
    if args.postgres:
        args.database_url, drop = scratch_postgres()
    try:
        _run_and_print(args)
    finally:
        if drop:
            drop()


def _run_and_print(args) -> None:
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        print(json.dumps(run(args.rows, args.keep, args.database_url), indent=2))
        return
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder:
        print(json.dumps(run(args.rows, Path(folder), args.database_url), indent=2))


if __name__ == "__main__":
    main()
