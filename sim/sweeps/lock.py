"""One writer per results folder: an operating-system lock held while a sweep or report writes.

The lock is ``fcntl.flock`` on the file ``.lock`` inside the results folder. The kernel
releases it when its holder exits, however it exits (even ``kill -9``), so a lock file left
behind by a dead process is not a lock: the next writer simply takes it over. The file also
says who holds it (pid, host, start time, command), so a refused writer can name the holder.

A second writer is refused at once rather than made to wait: two sweeps into one folder are
almost always a mistake (a forgotten ``--out``), and waiting would hide it.

Within one thread the lock is re-entrant, so the command line can hold it across a sweep and
the report that follows while :func:`sim.sweeps.runner.run_experiment` takes it too; another
thread of the same process is refused like another process.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCK_FILE = ".lock"


class FolderBusy(RuntimeError):
    """Another process (or thread) is writing the results folder."""

    def __init__(self, folder: Path, holder: dict[str, Any]) -> None:
        self.folder = folder
        self.holder = holder
        super().__init__(
            f"{folder} is in use by {describe_holder(holder)}; wait until it has "
            "finished, or write to another folder with --out"
        )


def describe_holder(holder: dict[str, Any]) -> str:
    """The holder of a lock in words: what it does, its pid, host and start time."""
    if not holder.get("pid"):
        return "another process (which has just started)"
    what = holder.get("purpose", "process")
    return (
        f"another {what} (pid {holder['pid']} on {holder.get('host', '?')}, "
        f"started {holder.get('started', '?')})"
    )


@dataclass
class _Held:
    fd: int
    depth: int


_HELD: dict[tuple[Path, int], _Held] = {}
_GUARD = threading.Lock()


@contextmanager
def folder_lock(folder: Path, purpose: str = "sweep") -> Iterator[None]:
    """Hold the lock of ``folder`` (created if missing) for the duration of the block.

    Args:
        folder: the results folder; it is created if it does not exist.
        purpose: what the holder does ("sweep", "report"), shown to a refused writer.

    Raises:
        FolderBusy: another process or thread holds the lock; names the holder.
    """
    key = (Path(folder).resolve(), threading.get_ident())
    with _GUARD:
        held = _HELD.get(key)
        if held is not None:
            held.depth += 1
        else:
            _HELD[key] = _Held(_acquire(key[0], purpose), 1)
    try:
        yield
    finally:
        with _GUARD:
            held = _HELD[key]
            held.depth -= 1
            if held.depth == 0:
                del _HELD[key]
                _release(key[0], held.fd)


def close_inherited() -> None:
    """In a forked worker: close the copies of the runner's lock files without unlocking.

    A ``flock`` lock belongs to the open file, shared by parent and forked child; it is freed
    when every copy is closed, so a worker that outlived its runner would keep the folder locked.
    """
    for held in _HELD.values():
        try:
            os.close(held.fd)
        except OSError:
            pass
    _HELD.clear()


def _acquire(folder: Path, purpose: str) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise FolderBusy(folder, holder) from None
        except BaseException:
            os.close(fd)
            raise
        # The previous holder unlinks the file as it lets go: make sure the file locked is
        # still the one at the path, or a third writer could lock a new file beside us.
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        if current is not None and os.path.samestat(os.fstat(fd), current):
            break
        os.close(fd)
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(_holder(purpose)).encode(), 0)
    return fd


def _release(folder: Path, fd: int) -> None:
    try:
        (folder / LOCK_FILE).unlink(missing_ok=True)
    except OSError:
        pass
    os.close(fd)  # closing the last copy releases the lock


def _holder(purpose: str) -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "purpose": purpose,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
    }


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        data = json.loads(os.pread(fd, 65536, 0) or b"{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


__all__ = ["LOCK_FILE", "FolderBusy", "close_inherited", "describe_holder", "folder_lock"]
