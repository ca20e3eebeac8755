"""Rate limits count once however many processes serve the app (issue 17, item 4).

A red-team pass found that with the README's ``gunicorn -w 4`` and the default ``memory://`` storage
each worker counted on its own: 20 wrong passwords a minute for one name before the first 429. Now
several workers (or CATALOG_APP_SERVERS above 1) with ``memory://`` refuse to start with a message
saying what to set, and two gunicorn workers sharing Redis answer 429 after 5 failures in total.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from catalog_service import create_app
from catalog_service.auth.ratelimit import SharedCountersNeeded
from tests.conftest import PASSWORD, ROOT, make_person
from tests.hardening.test_app_servers import _free_port

GUNICORN = Path(sys.executable).with_name("gunicorn")


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/0"


def start_gunicorn(database_url: str, log: Path, **settings: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    # DEVELOPMENT: the session cookie without "Secure", as the test talks plain http.
    env = {**os.environ, "CATALOG_DATABASE_URL": database_url, "CATALOG_SECRET_KEY": "t", "CATALOG_DEVELOPMENT": "1"}
    env.pop("CATALOG_RATELIMIT_STORAGE_URI", None)
    env.update({f"CATALOG_{key}": value for key, value in settings.items()})
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{port}", "catalog_service:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=20)


def wait_ready(process, base: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not become ready: {log.read_text()[-2000:]}")


def failed_login(base: str, name: str) -> int:
    """One wrong password through the login form, on a fresh connection and session."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"name": name, "password": "fel-" + PASSWORD, "csrf_token": token}).encode()
    try:
        return opener.open(base + "/login", data=form, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_several_workers_with_memory_storage_refuse_to_start(database_url, tmp_path):
    log = tmp_path / "gunicorn.log"
    process, _base = start_gunicorn(database_url, log)
    try:
        assert process.wait(timeout=60) != 0
    finally:
        stop(process)
    text = log.read_text()
    assert "CATALOG_RATELIMIT_STORAGE_URI" in text and "2 processes" in text and "redis://" in text


def test_app_servers_above_one_with_memory_storage_is_refused(database_url):
    with pytest.raises(SharedCountersNeeded, match="CATALOG_RATELIMIT_STORAGE_URI"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "APP_SERVERS": 3})
    shared = {"RATELIMIT_STORAGE_URI": redis_or_skip(), "APP_SERVERS": 3}
    assert create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, **shared})


def test_two_workers_sharing_redis_refuse_the_sixth_failed_login(app, database_url, tmp_path):
    storage = redis_or_skip()
    make_person(app, "upphandlare1", ("upphandlare",))
    log = tmp_path / "gunicorn.log"
    process, base = start_gunicorn(
        database_url, log, RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}-"
    )
    try:
        wait_ready(process, base, log)
        statuses = [failed_login(base, "upphandlare1") for _ in range(10)]
    finally:
        stop(process)
    assert statuses == [401] * 5 + [429] * 5, statuses
