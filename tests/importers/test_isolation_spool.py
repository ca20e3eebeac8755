"""The reader child's output is drained as it comes: the child reads on while the parent is busy, within a bound."""

from __future__ import annotations

import time

from importers import isolation


def many_messages(count: int, size: int):
    for number in range(count):
        yield (number, b"x" * size)


def _wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_the_child_runs_ahead_of_a_busy_parent_by_more_than_a_pipe_holds():
    with isolation.ChildReader(many_messages, 40, 100_000) as reader:
        _wait_for(lambda: reader.spool.ended)  # the parent has not read a byte yet
        assert reader.spool.ended and reader.spool.held > 3_000_000  # a pipe holds 64 KiB
        received = list(reader)
    assert [number for number, _ in received] == list(range(40)) and all(len(b) == 100_000 for _, b in received)
    assert reader.spool.held == 0


def test_what_is_held_is_bounded_and_nothing_is_lost(monkeypatch):
    original = isolation._Spool.__init__

    def small(self, pipe, limit=0):
        original(self, pipe, limit=1_000_000)

    monkeypatch.setattr(isolation._Spool, "__init__", small)
    with isolation.ChildReader(many_messages, 40, 100_000) as reader:
        time.sleep(1.0)
        assert not reader.spool.ended and reader.spool.held <= 1_000_000 + isolation._Spool.CHUNK
        received = list(reader)
    assert [number for number, _ in received] == list(range(40))


def test_closing_a_reader_that_was_never_read_ends_its_child_and_its_thread():
    reader = isolation.ChildReader(many_messages, 1_000, 100_000)
    time.sleep(0.3)
    reader.close()
    assert reader.process.poll() is not None and not reader.spool.thread.is_alive()
