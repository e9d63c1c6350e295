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
