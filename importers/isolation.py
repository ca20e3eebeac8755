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

import contextlib
import ctypes
import logging
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import ImportFileError, unreadable

log = logging.getLogger(__name__)
PARENT_VARIABLE = "IMPORTERS_READER_PARENT"


@dataclass(frozen=True)
class ChildLimits:
    memory_bytes: int = 2 * 1024**3
    seconds: float = 600.0


class ChildReader:
    """A reading generator running in a child process, started at construction.

    Starting early lets the caller do its own preparation (hashing, database
    look-ups) while the child starts and reads. Iterate it once; always close
    it (or use it as a context manager) so the child is reaped.
    """

    def __init__(
        self,
        target: Callable[..., Iterator],
        *args,
        limits: ChildLimits = ChildLimits(),
        origin: Path | None = None,
        owned_file: Path | None = None,
    ):
        """``owned_file``: a file made beside this reader (a catalogue's copy without its parties, which the
        import stores), removed at close; ``origin``: the file the caller named, which the reader reads."""
        self.call = (target, args, limits)  # what it reads: a reader started early is used only for the same call
        self.origin, self.owned_file = origin, owned_file
        self.process = subprocess.Popen(
            [sys.executable, "-m", "importers.isolation"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=child_environment(),
        )
        self.spool = _Spool(self.process.stdout)  # drains the pipe from now on, so the child never waits for us
        self.timed_out = threading.Event()
        self.timer = threading.Timer(limits.seconds, self._expire)
        self.timer.daemon = True
        self.timer.start()
        try:
            pickle.dump((target, args, limits.memory_bytes), self.process.stdin)
            self.process.stdin.close()
        except BrokenPipeError:  # the child died at once; iterating reports how
            with contextlib.suppress(OSError):
                self.process.stdin.close()

    def _expire(self) -> None:
        self.timed_out.set()  # before the kill, so the reader of the dead pipe sees why
        self.process.kill()

    def __iter__(self) -> Iterator:
        return _receive(self.process, self.spool, self.timed_out)

    def close(self) -> None:
        self.timer.cancel()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.spool.close()
        if self.owned_file is not None:
            self.owned_file.unlink(missing_ok=True)

    def __enter__(self) -> ChildReader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def stream_from_child(target: Callable[..., Iterator], *args, limits: ChildLimits = ChildLimits()) -> Iterator:
    """Yield what ``target(*args)`` yields, computed in a child process.

    Raises the child's ImportFileError as is; a child that crashes, dies (for
    example killed by the reader's abort) or runs past the time limit becomes
    ImportFileError(kind="unreadable"). The child is always reaped.
    """
    with ChildReader(target, *args, limits=limits) as reader:
        yield from reader


class _Spool:
    """The child's output, read from its pipe by a thread as it comes and kept until the parent takes it.

    A pipe holds 64 KiB: without the spool the child stops as soon as it is that far ahead, so it
    could not read on while this process starts, stores the source file or writes a batch. Up to
    ``limit`` bytes of unread output are held (the child waits beyond that); memory stays bounded.
    """

    CHUNK = 1 << 20

    def __init__(self, pipe, limit: int = 64 << 20):
        self.pipe, self.limit = pipe, limit
        self.chunks: list[bytes] = []
        self.held = 0
        self.offset = 0  # read position in chunks[0]
        self.ended = False
        self.closed = False
        self.ready = threading.Condition()
        self.thread = threading.Thread(target=self._drain, name="reader-spool", daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        fd = self.pipe.fileno()
        while True:
            try:
                chunk = os.read(fd, self.CHUNK)
            except OSError:
                chunk = b""
            with self.ready:
                while chunk and self.held >= self.limit and not self.closed:
                    self.ready.wait()
                if self.closed:
                    return
                if chunk:
                    self.chunks.append(chunk)
                    self.held += len(chunk)
                else:
                    self.ended = True
                self.ready.notify_all()
            if not chunk:
                return

    def read(self, size: int = -1) -> bytes:
        parts, wanted = [], size
        with self.ready:
            while wanted != 0:
                while not self.chunks and not self.ended:
                    self.ready.wait()
                if not self.chunks:
                    break  # end of output
                chunk = self.chunks[0]
                take = len(chunk) - self.offset if wanted < 0 else min(wanted, len(chunk) - self.offset)
                parts.append(chunk[self.offset : self.offset + take])
                self.offset += take
                wanted = wanted - take if wanted > 0 else wanted
                if self.offset == len(chunk):
                    self.chunks.pop(0)
                    self.held -= len(chunk)
                    self.offset = 0
                    self.ready.notify_all()
        return b"".join(parts)

    def readline(self) -> bytes:  # pickle asks for it only with protocols we do not use; kept for its interface
        line = bytearray()
        while not line.endswith(b"\n"):
            byte = self.read(1)
            if not byte:
                break
            line += byte
        return bytes(line)

    def close(self) -> None:
        with self.ready:
            self.closed = True
            self.ready.notify_all()
        self.pipe.close()  # after the child has ended: the thread has seen the end, or stops at the flag
        self.thread.join(timeout=5)


def _receive(process, spool: _Spool, timed_out: threading.Event) -> Iterator:
    while True:
        try:
            kind, payload = pickle.load(spool)
        except Exception:  # EOF or a torn message: the child died mid-way (abort, kill, memory cap)
            code = process.wait()
            if timed_out.is_set():
                raise unreadable(
                    "Filen tog för lång tid att läsa och avbröts. "
                    "Ta bort innehåll utanför tabellen, eller dela upp filen i mindre filer, och försök igen.",
                    exit_code=code,
                ) from None
            raise unreadable(
                "Arbetsboken kunde inte läsas: läsaren avbröts, troligen av ett blad med innehåll eller formatering "
                "långt utanför tabellen (till exempel i cell XFD1048576). Ta bort tomma rader och kolumner efter "
                "tabellen, spara filen igen och ladda upp den på nytt.",
                exit_code=code,
            ) from None
        if kind == "item":
            yield payload
        elif kind == "done":
            return
        elif kind == "error":
            raise payload
        else:  # the reader raised something unforeseen: a bug to fix (the fuzzer looks for ``unexpected``)
            log.warning("the reader child raised %s", str(payload)[:100])
            raise unreadable(
                "Arbetsboken kunde inte läsas. Öppna filen i Excel, spara den på nytt som .xlsx och försök igen.",
                reason=str(payload)[:100],
                unexpected=True,
            )


def child_environment() -> dict[str, str]:
    """The environment of a Python child of this process: its import path, and its pid for
    :func:`die_with_parent`."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), PARENT_VARIABLE: str(os.getpid())}


def die_with_parent() -> None:
    """Have the kernel kill this child (started with :func:`child_environment`) when its parent dies:
    SIGKILL, as the reader's time limit sends, leaves the parent no time to stop it."""
    parent = int(os.environ.get(PARENT_VARIABLE, os.getppid()))
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _child_main() -> None:
    die_with_parent()
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
        send(
            "error",
            unreadable(
                "Filen kräver för mycket minne för att läsas. "
                "Ta bort innehåll utanför tabellen, eller dela upp filen i mindre filer, och försök igen."
            ),
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a Rust panic is a BaseException: report it as well, do not die silently
        send("crash", type(exc).__name__)  # the type only: the text may quote a cell
    out.flush()


if __name__ == "__main__":
    _child_main()
