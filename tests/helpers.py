"""Helpers shared by tests of several areas: the API's error shape, what the database holds, and
threads held mid-transaction. Fixtures live in the conftest files; files to import are built by
tests/factories.
"""

from __future__ import annotations

import threading
import time
import zlib
from contextlib import contextmanager

from sqlalchemy import func, inspect, select, text

from catalog_service.extensions import db

HOLD_SECONDS = 30  # a held thread gives up after this, so a failing test cannot hang the suite


# --- answers --------------------------------------------------------------------------------------


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is the API's JSON error shape with ``status`` (and ``code``); returns the error."""
    assert response.status_code == status, response.data[:500]
    assert response.is_json, response.content_type
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def eventually(check, seconds: float = 3.0) -> bool:
    """Poll ``check`` until it is true or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


# --- what the database holds ----------------------------------------------------------------------


def table_counts(app=None) -> dict[str, int]:
    """Rows in each of the models' tables, by table name.

    With ``app``: counted in a fresh app context, so only committed rows count. Without it: counted
    in the current session (inside the caller's app context, its own uncommitted rows included).
    """
    if app is None:
        return _count_every_table()
    with app.app_context():
        counts = _count_every_table()
        db.session.remove()
    return counts


def _count_every_table() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def database_text(app) -> tuple[str, bytes]:
    """Every row of every table in the database (reflected, not just the models'), as text and as bytes."""
    texts, blobs = [], []
    with app.app_context():
        for table in inspect(db.engine).get_table_names():
            for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        blobs.append(_as_uploaded(bytes(value)))
                    else:
                        texts.append(str(value))
    return "\n".join(texts), b"\n".join(blobs)


def _as_uploaded(blob: bytes) -> bytes:
    """A stored source file is searched as uploaded: a gzip-compressed one (catalog_service.files) is unpacked."""
    if blob.startswith(b"\x1f\x8b"):
        return zlib.decompress(blob, wbits=31)
    return blob


def audit_entries(app, action: str) -> list:
    from catalog_service.audit.models import AuditEntry

    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))


# --- threads held mid-transaction -----------------------------------------------------------------


class Hold:
    """Stops the thread named ``thread_name`` inside a function, after the function did its work.

    ``reached`` is set when the thread is held (its transaction has written and is open);
    ``release()`` lets it go on to commit.
    """

    def __init__(self, thread_name: str):
        self.thread_name = thread_name
        self.reached = threading.Event()
        self._release = threading.Event()

    def wrap(self, function):
        def held(*args, **kwargs):
            result = function(*args, **kwargs)
            if threading.current_thread().name == self.thread_name and not self._release.is_set():
                self.reached.set()
                self._release.wait(HOLD_SECONDS)
            return result

        return held

    def release(self) -> None:
        self._release.set()


@contextmanager
def held(monkeypatch, owner, attribute: str, thread_name: str):
    """Patch ``owner.attribute`` so that ``thread_name`` stops after calling it; always released at the end."""
    hold = Hold(thread_name)
    monkeypatch.setattr(owner, attribute, hold.wrap(getattr(owner, attribute)))
    try:
        yield hold
    finally:
        hold.release()


class Worker(threading.Thread):
    """A named thread that keeps its function's result or exception."""

    def __init__(self, name: str, function):
        super().__init__(name=name, daemon=True)
        self.function = function
        self.result = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.function()
        except BaseException as error:  # handed to the test, which re-raises it
            self.error = error

    def outcome(self, timeout: float = HOLD_SECONDS + 10):
        self.join(timeout)
        assert not self.is_alive(), f"{self.name} did not finish"
        if self.error is not None:
            raise self.error
        return self.result


# --- what leaves the page ---------------------------------------------------------------------------


def urls_and_log_lines(response, caplog) -> str:
    """Every URL a browser would have shown or sent for ``response`` (followed with ``follow_redirects=True``:
    each request's path and query, each Location header) and every captured log line, as one text to search.
    """
    from catalog_service.logs import JsonLines

    seen = []
    for step in [*response.history, response]:
        seen.append(step.request.full_path)
        seen.append(step.headers.get("Location", ""))
    seen.extend(JsonLines().format(record) for record in caplog.records)
    return "\n".join(seen)
