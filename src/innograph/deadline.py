"""Work under a wall-clock deadline that Ctrl-C can also cut short: a query on an embedded engine, or an
exchange with a SPARQL endpoint.

An embedded query cannot be interrupted from inside the process: pyoxigraph evaluates in Rust without
returning to the interpreter, so neither a signal handler nor a timer thread ever gets to run, and
pyoxigraph 0.5 has no cancellation API. What always stops it is ending the process that runs it. So
:func:`run_with_deadline` runs the work in a forked child, which shares the loaded store copy-on-write (no
copy, no reload), and gets the result back pickled through a pipe; the parent waits with the deadline and
kills the child at the deadline or on Ctrl-C. (A thread would share the store too, but could not be killed;
``multiprocessing`` would add a pickled call and a manager for nothing that ``os.fork`` does not do.)

An HTTP exchange can be interrupted, but not by socket timeouts alone: they bound each read, so a server
that sends a byte a second is never late. :class:`Watchdog` shuts the sockets down at the deadline instead,
which wakes any read or write blocked on them at once.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import pickle
import select
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import TypeVar

from innograph.errors import EXIT_INPUT, InnographError

T = TypeVar("T")


class QueryTimeout(InnographError):
    """The work did not finish within its deadline (exit 2, like an endpoint that does not answer)."""

    exit_code = EXIT_INPUT


class ChildCrashed(Exception):
    """An unexpected exception in the child: a bug, shown with the child's traceback."""


def run_with_deadline(work: Callable[[], T], seconds: float, what: str = "the query") -> T:
    """``work()`` in a forked child; its result, or its exception raised here (an :class:`InnographError`
    keeps its message and exit code). At the deadline the child is killed and :class:`QueryTimeout` raised;
    on Ctrl-C (KeyboardInterrupt) it is killed and the interrupt goes on."""
    for stream in (sys.stdout, sys.stderr):  # or the child would print what is buffered a second time
        with contextlib.suppress(Exception):
            stream.flush()
    read_end, write_end = os.pipe()
    # The child's garbage collector would otherwise walk (and so write to, and copy) every page holding an
    # object the parent made; frozen objects are left alone. (Within noise at 1M triples, where the data
    # lives in Rust; it costs nothing.)
    gc.freeze()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child ends in os._exit
        os.close(read_end)
        _child(work, seconds, write_end)
    gc.unfreeze()
    os.close(write_end)
    try:
        payload = _receive(read_end, time.monotonic() + seconds)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    if payload is _TIMED_OUT:
        _kill(pid)
        raise QueryTimeout(f"{what} did not finish within {seconds:g} s (--timeout)")
    _, status = os.waitpid(pid, 0)
    if not payload:  # the child died without answering
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
            raise KeyboardInterrupt  # Ctrl-C reached the child first (a terminal signals the whole group)
        if os.WIFSIGNALED(status):
            cause = f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
        else:
            cause = f"exited with status {os.WEXITSTATUS(status)}"
        raise InnographError(f"{what} stopped: the process running it {cause}")
    kind, value = pickle.loads(payload)
    if kind == "ok":
        return value
    if kind == "error":
        raise value
    raise ChildCrashed(f"{what} failed in the child process:\n{value}")


_TIMED_OUT = b"\x00timed out"  # never a pickle (a pickle starts with \x80)


def _receive(fd: int, deadline: float) -> bytes:
    """Everything the child writes, until it closes the pipe (by finishing or dying), or :data:`_TIMED_OUT`."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return _TIMED_OUT
        ready, _, _ = select.select([fd], [], [], remaining)  # Ctrl-C raises KeyboardInterrupt here
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _child(work: Callable[[], object], seconds: float, write_end: int) -> None:  # pragma: no cover - forked
    code = 0
    try:
        # Ctrl-C from the terminal reaches the whole process group: end at once (the parent reports it).
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        # If the parent itself is killed (kill -9), nobody kills the child: its own alarm does, just after
        # the deadline. SIGALRM's default action ends the process even deep inside Rust code.
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(math.ceil(seconds) + 1)
        try:
            message = ("ok", work())
        except (InnographError, ValueError) as error:
            message = ("error", _portable(error))
        except Exception:
            message = ("crash", traceback.format_exc())
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            data = pickle.dumps(("crash", traceback.format_exc()))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
    except BaseException:
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _portable(error: Exception) -> Exception:
    """The error itself if it survives a pickle round trip, else one with the same message and exit code."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        copy = InnographError(str(error))
        copy.exit_code = getattr(error, "exit_code", EXIT_INPUT)
        return copy


def _shutdown(sock: socket.socket) -> None:
    # socket.socket's own method even for an SSLSocket, whose override would drop its TLS state under a
    # thread that is reading: the system call alone wakes the reader, which then fails.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Watchdog:
    """Shut down the watched sockets when ``seconds`` have passed; ``fired`` says whether it did.

    ``shutdown()`` from another thread wakes a ``recv`` or ``send`` blocked on the socket at once (``close()``
    does not, on Linux): the exchange then fails, and the caller, seeing ``fired``, reports the deadline."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 0.0)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            late = self.fired
        if late:
            _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)
