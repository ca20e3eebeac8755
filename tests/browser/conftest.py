"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against a live server.

No browser is downloaded: .ci/run installs the Debian package `chromium`, and the tests launch it
headless with --no-sandbox (the CI user is root). Screenshots of every page are saved under
tests/browser/screenshots/ (README "Browser tests").
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CATALOG_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM}: apt-get install chromium (.ci/run does)"
        if os.environ.get("CATALOG_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app_config(tmp_path):
    """Pages see background work as people do: uploads go on a real queue (a SQLite file) and are worked by a
    consumer beside the live server, so the progress bar is seen on its way (not run inside the request)."""
    return {"QUEUE_IMMEDIATE": False, "QUEUE_URL": f"sqlite:///{tmp_path}/queue.sqlite3"}


@pytest.fixture
def live_server(app):
    """The test app served on a free loopback port by a threaded Werkzeug server, with the queue's worker."""
    from werkzeug.serving import make_server

    from catalog_service.jobs.queue import queue

    found = queue(app)
    consumer = None
    if not found.huey.immediate:
        consumer = found.huey.create_consumer(workers=1, worker_type="thread", periodic=False)
        consumer.start()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    if consumer is not None:
        consumer.stop(graceful=True)


@pytest.fixture
def new_page(browser):
    """A fresh browser context per person (own cookies), closed after the test."""
    contexts = []

    def make(base_url: str):
        context = browser.new_context(base_url=base_url, locale="sv-SE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shoot(page, name: str) -> Path:
    """A full-page screenshot under tests/browser/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, name: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def log_out(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/login")
