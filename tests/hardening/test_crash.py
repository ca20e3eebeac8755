"""Killing the importing process with SIGKILL leaves the previous state intact; a retry succeeds.

``catalog pricelist import`` runs as its own process against the test's database
file (SQLite) or scratch database (PostgreSQL) and is killed with SIGKILL at
20 moments spread over an import's whole run: while Python starts, while the
file is checked, while rows are read and written, up to just before the commit.
After each kill the database must be as before (row counts, the current draft,
the published version and its feed, byte for byte), no reader child may be left
behind, and at the end an import of the same file must succeed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog_service.assortment.service import latest_draft
from catalog_service.assortment.versions import current_version
from catalog_service.extensions import db
from tests.conftest import bearer_client, make_token
from tests.factories import assortments as factory
from tests.helpers import table_counts

KILLS = 20
ROWS = 12_000
CATALOG = Path(sys.executable).with_name("catalog")
APPLICATION_NAME = "catalog-crash-test"


def _command(path: Path, *extra: str) -> list[str]:
    return [
        str(CATALOG),
        "pricelist",
        "import",
        str(path),
        "--supplier",
        "medi",
        "--json",
        "--actor",
        "upphandlare1",
        *extra,
    ]


def _environment(database_url: str) -> dict[str, str]:
    return {**os.environ, "CATALOG_DATABASE_URL": database_url, "PGAPPNAME": APPLICATION_NAME}


def _state(app, feed_client) -> dict:
    """Everything a kill must not change."""
    with app.app_context():
        draft, version = latest_draft(db.session, "medi"), current_version(db.session, "medi")
        state = {"draft": (draft.id, draft.data_rows), "version": version.number}
        db.session.remove()
    counts = {table: n for table, n in table_counts(app).items() if table != "feed_fetches"}  # our own fetches
    response = feed_client.get("/api/v1/feeds/medi")
    return {**state, "counts": counts, "etag": response.headers["ETag"], "feed": response.data}


def _wait_for_backends_to_end(app, database_template) -> None:
    """On PostgreSQL the killed client's server process ends (rolling back) once it notices: wait for that."""
    if database_template["kind"] != "postgresql":
        return
    from sqlalchemy import text

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with app.app_context():
            left = db.session.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"), {"name": APPLICATION_NAME}
            )
            db.session.remove()
        if not left:
            return
        time.sleep(0.05)
    pytest.fail("the killed importer's database session did not end")


def _orphaned_readers(parent: int) -> list[int]:
    """Reader children (``python -m importers.isolation``) started by ``parent`` that are still alive."""
    marker = f"IMPORTERS_READER_PARENT={parent}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _timed_run(path: Path, env: dict) -> float:
    started = time.monotonic()
    result = subprocess.run(_command(path, "--dry-run"), env=env, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    return time.monotonic() - started


def test_sigkill_at_20_moments_leaves_the_previous_state_and_a_retry_succeeds(
    app, database_url, database_template, tmp_path
):
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 5))
    factory.import_draft(
        app, factory.write_price_list(tmp_path, "medi", factory.articles("medi", 7), name="v2.xlsx"), "medi"
    )
    feed = bearer_client(app, make_token(app, eshop="medi"))
    make_token(app, roles=("upphandlare",), name="upphandlare1")
    # Two lists that take turns: should an import end before its kill, the next run needs other bytes.
    lists = [
        factory.write_price_list(
            tmp_path, "medi", factory.articles("medi", ROWS, start=start), name=f"stor-{start}.xlsx"
        )
        for start in (100, 20_000)
    ]
    env = _environment(database_url)
    before = _state(app, feed)
    duration = _timed_run(lists[0], env)  # a dry run does all the work of an import but the commit
    assert _state(app, feed) == before

    rng = random.Random(8)
    kills, completed = [], 0
    while len(kills) < KILLS:
        moment = duration * 0.9 * (len(kills) + rng.random()) / KILLS  # one in each slice of the run
        process = subprocess.Popen(_command(lists[0]), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        code = process.wait(timeout=30)
        _wait_for_backends_to_end(app, database_template)
        now = _state(app, feed)
        if code == -signal.SIGKILL and now == before:
            kills.append(round(moment, 2))
        else:  # the import ended before the kill reached it: it must then be there whole, never in part
            _assert_one_whole_import_more(before, now)
            completed, before, lists = completed + 1, now, lists[::-1]
            duration = min(duration, moment) * 0.9  # the machine is faster now than when measured
            assert completed <= 8, f"imports keep ending before {moment:.2f} s; measured {duration:.2f} s"
        deadline = time.monotonic() + 5
        while _orphaned_readers(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _orphaned_readers(process.pid) == [], "a reader child outlived its importer"
    print(f"{KILLS} kills at {kills} s of a {duration:.2f} s import; {completed} ended first")

    retry = subprocess.run(_command(lists[0]), env=env, capture_output=True, text=True, timeout=120)
    assert retry.returncode == 0, retry.stderr[-500:]
    summary = json.loads(retry.stdout)
    assert (summary["status"], summary["data_rows"]) == ("draft", ROWS)
    _assert_one_whole_import_more(before, _state(app, feed))
    with app.app_context():
        from catalog_service.pricelists.models import ImportStatus, PriceListImport

        statuses = dict(db.session.execute(select(PriceListImport.id, PriceListImport.status)).all())
    assert statuses[before["draft"][0]] is ImportStatus.superseded
    assert statuses[summary["import_id"]] is ImportStatus.draft


def _assert_one_whole_import_more(before: dict, now: dict) -> None:
    assert now["draft"][1] == ROWS and now["draft"][0] > before["draft"][0]
    assert now["counts"]["pricelist_imports"] == before["counts"]["pricelist_imports"] + 1
    assert now["counts"]["pricelist_rows"] == before["counts"]["pricelist_rows"] + ROWS
    assert (now["version"], now["etag"], now["feed"]) == (before["version"], before["etag"], before["feed"])
