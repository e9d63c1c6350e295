"""Write files and folders all at once or not at all.

A file goes to a temporary file beside the target, then a rename. A folder of outputs (a build) is written
in full beside the target, then swapped in with one atomic ``renameat2(RENAME_EXCHANGE)`` on Linux, so a
reader finds the old folder or the new one, never a mixture. Every failure to write is a one-line
:class:`~innograph.errors.InputError` naming the path, never a traceback.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from innograph.errors import InputError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def cannot_write(out: Path, error: OSError) -> InputError:
    """An operating-system error as one line naming the place that could not be written."""
    reason = error.strerror or str(error)
    return InputError(f"cannot write here: {reason}", path=str(out))


@contextmanager
def atomic_path(out: Path) -> Iterator[str]:
    """Yield a temporary path to write to; on success it replaces ``out``, on failure it disappears."""
    out = Path(out)
    if out.is_dir():
        raise InputError("is a folder; give the name of a file to write", path=str(out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        os.close(handle)
    except OSError as error:
        raise cannot_write(out, error) from None
    try:
        yield temporary
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # mkstemp makes owner-only files
        os.replace(temporary, out)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise cannot_write(out, error) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(out: Path, text: str) -> Path:
    with atomic_path(out) as temporary:
        Path(temporary).write_text(text, encoding="utf-8")
    return out


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where the system cannot."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system or kernel cannot exchange
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def swap_in(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target`` in one step and delete what was there before.

    Where the system cannot exchange two paths atomically, the old folder is first renamed aside, so an
    interruption leaves ``target`` missing (and the new folder beside it), never half-written."""
    try:
        if not target.exists():
            os.rename(new, target)
            return
        if _exchange(new, target):
            shutil.rmtree(new)  # it now holds the old generation
            return
        aside = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, aside)
        os.rename(new, target)
        shutil.rmtree(aside)
    except OSError as error:
        raise cannot_write(target, error) from None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (a folder named after a dead one is a leftover)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(target: Path) -> None:
    """Remove the half-written folders that interrupted writers of ``target`` left beside it: those named
    ``.<target>.new-<pid>`` or ``.<target>.old-<pid>`` whose process is gone."""
    if not target.parent.is_dir():
        return
    for kind in ("new", "old"):
        for leftover in target.parent.glob(f".{target.name}.{kind}-*"):
            pid = leftover.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not pid_alive(int(pid)):
                with contextlib.suppress(OSError):
                    shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a fresh empty folder beside ``target`` to fill; on success it replaces ``target`` in one step,
    on failure it is removed and ``target`` is as it was."""
    target = Path(target)
    sweep_stale(target)
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    try:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
    except OSError as error:
        raise cannot_write(target, error) from None
    try:
        yield staging
        swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
