"""Run a reading generator in a child process and stream its output back.

The Rust reader aborts the whole process on some hostile files (a single cell
at XFD1048576 is enough). Reading in a child keeps the service alive, lets us
cap the reader's memory and time, and lets parsing in the child overlap with
database writes in the parent on a two-core machine.
"""

from __future__ import annotations

import multiprocessing
import resource
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .errors import ImportFileError, unreadable


@dataclass(frozen=True)
class ChildLimits:
    memory_bytes: int = 4 * 1024**3
    seconds: float = 600.0


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _child_main(conn, target, args, memory_bytes):
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        for message in target(*args):
            conn.send(("item", message))
        conn.send(("done", None))
    except ImportFileError as exc:
        conn.send(("error", exc))
    except MemoryError:
        conn.send(("error", unreadable("Filen kräver för mycket minne för att läsas.")))
    except Exception as exc:  # noqa: BLE001 - any reader crash becomes a clean refusal
        conn.send(("crash", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"))
    finally:
        conn.close()


def stream_from_child(
    target: Callable[..., Iterator], *args, limits: ChildLimits = ChildLimits()
) -> Iterator:
    """Yield what ``target(*args)`` yields, computed in a child process.

    Raises the child's ImportFileError as is; a child that crashes, dies (for
    example killed by the reader's abort) or runs past the time limit becomes
    ImportFileError(kind="unreadable"). The child is always reaped.
    """
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child_main, args=(sender, target, args, limits.memory_bytes), daemon=True)
    process.start()
    sender.close()
    try:
        yield from _receive(receiver, process, limits.seconds)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()


def _receive(receiver, process, seconds: float) -> Iterator:
    while True:
        if not receiver.poll(seconds):
            raise unreadable("Filen tog för lång tid att läsa och avbröts.")
        try:
            kind, payload = receiver.recv()
        except EOFError:
            process.join()
            raise unreadable(
                "Arbetsboken kunde inte läsas (läsaren avbröts, troligen ett orimligt stort blad).",
                exit_code=process.exitcode,
            ) from None
        if kind == "item":
            yield payload
        elif kind == "done":
            return
        elif kind == "error":
            raise payload
        else:
            raise unreadable("Arbetsboken kunde inte läsas.", reason=payload.splitlines()[0][:200])
