"""Run a function in a forked second process while this one goes on: the work of a large validation on
two cores. The child reads this process's memory as it was at the fork (the loaded store included) and
sends back its result, which must pickle."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def start(work: Callable[[], T], enabled: bool = True) -> Callable[[], T]:
    """Start ``work`` in a forked process; call what this returns to wait for its result. Where fork is
    not available, or not ``enabled``, the work runs when the result is asked for. If the child dies
    (killed, out of memory), the work is done again here; an exception it raised is raised here."""
    if not enabled or "fork" not in multiprocessing.get_all_start_methods():
        return work
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        try:
            send.send(("ok", work()))
        except BaseException as error:
            send.send(("error", error))
        finally:
            send.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()

    def result() -> T:
        try:
            status, payload = receive.recv()
        except (EOFError, OSError):
            status, payload = "ok", work()
        finally:
            process.join()
        if status == "error":
            raise payload
        return payload

    return result


class Turns:
    """Hands out the numbers 0 .. n-1, each once, to whichever process asks first: two processes that
    share one (made before the fork) take work items from one list until it is done, so neither waits
    for the other while items remain. Without fork, a plain counter."""

    def __init__(self, count: int, shared: bool = True):
        self.count = count
        self._next = None
        if shared and "fork" in multiprocessing.get_all_start_methods():
            self._next = multiprocessing.get_context("fork").Value("i", 0)
        self._local = 0

    def take(self) -> int | None:
        """The next number no process has taken, or None when all are taken."""
        if self._next is None:
            taken, self._local = self._local, self._local + 1
        else:
            with self._next.get_lock():
                taken = self._next.value
                self._next.value = taken + 1
        return taken if taken < self.count else None

    def run(self, work: Callable[[int], T]) -> dict[int, T]:
        """Take numbers until none is left, doing ``work`` on each; their results by number."""
        done = {}
        while (taken := self.take()) is not None:
            done[taken] = work(taken)
        return done
