"""Helpers for the hardening tests: a loaded contract, and an import or publish held mid-transaction."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from catalog_service.extensions import db
from tests.factories import assortments as factory

HOLD_SECONDS = 30  # a held thread gives up after this, so a failing test cannot hang the suite


@pytest.fixture
def contract(app, tmp_path) -> int:
    """The small four-supplier contract, active."""
    return factory.load_contract(app, factory.small_contract(tmp_path))


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
        db.session.remove()
    return counts


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
