"""Run a reading generator in a child process and stream its output back.

The Rust reader aborts the whole process on some hostile files (a single cell
at XFD1048576 is enough). Reading in a child keeps the service alive, lets us
cap the reader's memory and time, and lets parsing in the child overlap with
database writes in the parent on a two-core machine.

The child is a fresh interpreter (``python -m importers.isolation``), not a
multiprocessing fork: it inherits no database connections or threads, and does
not re-import the parent's ``__main__``. Messages are pickles on its stdout.
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .errors import ImportFileError, unreadable


@dataclass(frozen=True)
class ChildLimits:
    memory_bytes: int = 4 * 1024**3
    seconds: float = 600.0


def stream_from_child(target: Callable[..., Iterator], *args, limits: ChildLimits = ChildLimits()) -> Iterator:
    """Yield what ``target(*args)`` yields, computed in a child process.

    Raises the child's ImportFileError as is; a child that crashes, dies (for
    example killed by the reader's abort) or runs past the time limit becomes
    ImportFileError(kind="unreadable"). The child is always reaped.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "importers.isolation"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
    )
    timer = threading.Timer(limits.seconds, process.kill)
    timer.daemon = True
    timer.start()
    try:
        pickle.dump((target, args, limits.memory_bytes), process.stdin)
        process.stdin.close()
        yield from _receive(process, timer)
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.wait()


def _receive(process, timer) -> Iterator:
    while True:
        try:
            kind, payload = pickle.load(process.stdout)
        except (EOFError, pickle.UnpicklingError):
            code = process.wait()
            if not timer.is_alive() and code < 0:
                raise unreadable("Filen tog för lång tid att läsa och avbröts.") from None
            raise unreadable(
                "Arbetsboken kunde inte läsas (läsaren avbröts, troligen ett orimligt stort blad).",
                exit_code=code,
            ) from None
        if kind == "item":
            yield payload
        elif kind == "done":
            return
        elif kind == "error":
            raise payload
        else:
            raise unreadable("Arbetsboken kunde inte läsas.", reason=str(payload)[:200])


def _child_main() -> None:
    target, args, memory_bytes = pickle.load(sys.stdin.buffer)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but pickles may reach the pipe

    def send(kind, payload):
        pickle.dump((kind, payload), out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        for message in target(*args):
            send("item", message)
        send("done", None)
    except ImportFileError as exc:
        send("error", exc)
    except MemoryError:
        send("error", unreadable("Filen kräver för mycket minne för att läsas."))
    except Exception as exc:
        send("crash", f"{type(exc).__name__}: {exc}")
    out.flush()


if __name__ == "__main__":
    _child_main()
