"""A large graph's command runs under mimalloc, a faster ``malloc`` than glibc's, when the machine has it.

Oxigraph's evaluation allocates and frees small buffers at a high rate. At a million triples, glibc's
``malloc`` costs ``innograph validate`` about 1 to 2 s of CPU (of 16 to 20 s) more than mimalloc does,
measured in alternating runs of the same command.
A ``malloc`` is chosen when a program starts, so the program starts again at once, under
``LD_PRELOAD``. This happens before any work is done, in the same process (``exec``), with the same
arguments and interpreter options. The restarted program gives the programs it starts (Chromium,
Jena, a server) the environment the user gave it.

It happens only on Linux, only where the library is installed (Debian: ``libmimalloc2.0``), and only
for a project whose Turtle files hold at least :data:`MIN_BYTES`. On a small graph the restart (0.1 s)
would cost more than it saves. ``INNOGRAPH_MALLOC=system`` turns it off, ``INNOGRAPH_MALLOC=mimalloc``
turns it on for a graph of any size.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable

CHOICE = "INNOGRAPH_MALLOC"
CHOICES = ("system", "mimalloc")
# set in the restarted program: the LD_PRELOAD the user had ("" for none), to give back to children
BEFORE = "INNOGRAPH_LD_PRELOAD_BEFORE"
MIN_BYTES = 4_000_000  # Turtle under ontology/ and kg/: about 60,000 triples


def library() -> str | None:
    """The name of the mimalloc library the dynamic loader finds, or None (not Linux, not installed)."""
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.util.find_library("mimalloc")


def wanted(size: Callable[[], int], environ=os.environ) -> bool:
    """Whether to restart under mimalloc: asked for by ``INNOGRAPH_MALLOC``, or a graph of
    :data:`MIN_BYTES` or more (``size()``, the bytes of its files, read only when needed); never in a
    program that is already the restarted one."""
    if BEFORE in environ:
        return False
    choice = environ.get(CHOICE, "").strip().lower()
    if choice == "system":
        return False
    if choice == "mimalloc":
        return True
    return size() >= MIN_BYTES


def restart(name: str) -> None:
    """Start this program again, now, with ``name`` preloaded; returns only if that cannot be done."""
    before = os.environ.get("LD_PRELOAD", "")
    environ = dict(os.environ)
    environ["LD_PRELOAD"] = f"{name}:{before}" if before else name
    environ[BEFORE] = before
    argv = list(getattr(sys, "orig_argv", None) or [sys.executable, *sys.argv])
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, environ)
    except OSError:
        return  # the interpreter cannot be started again (removed, no permission): go on as we are


def maybe_restart(size: Callable[[], int]) -> None:
    """Called first thing: in a restarted program, give children the user's environment back; else start
    again under mimalloc if :func:`wanted` and installed."""
    if BEFORE in os.environ:
        give_back_environment()
    elif wanted(size) and (name := library()):
        restart(name)


def give_back_environment(environ=os.environ) -> None:
    """In the restarted program: the user's own LD_PRELOAD again, for the programs this one starts."""
    if BEFORE not in environ:
        return
    before = environ.pop(BEFORE)
    if before:
        environ["LD_PRELOAD"] = before
    else:
        environ.pop("LD_PRELOAD", None)


def preloaded() -> bool:
    """Whether this process runs under mimalloc (reads the libraries it has mapped, on Linux)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            return any("libmimalloc" in line for line in maps)
    except OSError:
        return False
