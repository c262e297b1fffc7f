"""Compiled arithmetic: the month's mechanisms run as machine code, not as Python.

A month of eight partners is a few hundred arithmetic operations spread over some forty
small functions; run as Python and numpy, the interpreter's overhead per call costs far
more than the arithmetic (issue 15's profile). The mechanism functions that a month chains
are therefore compiled with numba, where they are written: each formula is still stated
once, in its module, and stays callable from Python (tests, the negotiation, notebooks)
with float arrays and numbers (numba refuses lists, and integer arrays where the formula
needs floats). :mod:`sim.model.month` chains them into one compiled call per month.

Compiled code is kept on disk so that only the first process after a change compiles
(about 30 seconds; loading it afterwards takes 0.4 s: benchmarks/bench_compile.py). numba's own cache checks only the file of the
function it compiled, not the functions it calls in other modules, so a month compiled
before a mechanism was edited would go on using the old formula. The cache therefore lives
in a folder named by a fingerprint of every source file of the model and the numba
version (:data:`CACHE`): any edit to the model starts a fresh cache. Floating-point results
can differ from numpy's in the last bits (numpy's vectorised ``exp`` and ``power`` are not
the C library's); with a given version, seed and machine a run is reproduced bit for bit.
Set ``NUMBA_DISABLE_JIT=1`` to run the same source as plain Python (in a debugger).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import numba
import numpy as np
from numba import njit

MODEL_DIR = Path(__file__).resolve().parent
#: numba's settings (a module it fills at run time, hence untyped).
NUMBA_CONFIG = cast(Any, numba.config)


def source_key(folder: Path = MODEL_DIR) -> str:
    """A fingerprint of the model's source files in ``folder`` and of the compiler."""
    digest = hashlib.sha256(numba.__version__.encode())
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_bases() -> list[tuple[Path, str]]:
    """Where compiled code may be kept, in order, with the prefix of its folder's name: beside
    the sources, else the user's NUMBA_CACHE_DIR or cache folder. Never a shared temporary
    folder: numba reads its cache with pickle, so a folder someone else could write to would
    run their code."""
    bases = [(MODEL_DIR / "__pycache__", "compiled-")]
    user = os.environ.get("NUMBA_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    try:
        bases.append((Path(user) if user else Path.home() / ".cache", "alliance-sim-"))
    except (RuntimeError, KeyError):  # no home folder to be found (a container's bare user id)
        pass
    return bases


def _cache_folder(key: str) -> Path | None:
    """A writable folder for compiled code made from the sources with fingerprint ``key``, or
    None when there is none (then nothing is cached, and each process compiles)."""
    if NUMBA_CONFIG.DISABLE_JIT:
        return None
    for base, prefix in _cache_bases():
        folder = base / f"{prefix}{key}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            _prune(base, prefix, keep=folder)
            return folder
    return None


#: Compiled code of other versions of the model is removed after this long unused (a process
#: of an older version may still be running, a branch switched back to).
STALE_AFTER = 7 * 24 * 3600.0


def _prune(base: Path, prefix: str, keep: Path) -> None:
    """Remove other versions' compiled code in ``base`` that has not been touched for
    :data:`STALE_AFTER` seconds."""
    now = time.time()
    for old in base.glob(f"{prefix}*"):
        try:
            stale = old != keep and now - old.stat().st_mtime > STALE_AFTER
        except OSError:
            continue
        if stale:
            shutil.rmtree(old, ignore_errors=True)


#: Where this version of the model keeps its compiled code (None: not cached).
CACHE = _cache_folder(source_key())


def compiled_code_cached() -> bool:
    """Whether this version of the model's month is compiled on disk already (else the first
    run in a process compiles it, which takes a while); True when nothing is compiled."""
    if NUMBA_CONFIG.DISABLE_JIT:
        return True
    return CACHE is not None and next(CACHE.rglob("month.month_stages-*.nbi"), None) is not None


def compiled[F: Callable[..., Any]](function: F) -> F:
    """Compile ``function`` with numba (no Python objects inside, cached in :data:`CACHE`)."""
    if CACHE is None:
        return cast(F, njit(function))
    # numba fixes a function's cache folder when it is decorated; setting its global cache
    # folder only for that moment keeps other numba users' caches where they were, and is
    # not undone by numba reloading its configuration later.
    previous = NUMBA_CONFIG.CACHE_DIR
    NUMBA_CONFIG.CACHE_DIR = str(CACHE)
    try:
        return cast(F, njit(cache=True)(function))
    finally:
        NUMBA_CONFIG.CACHE_DIR = previous


class Row:
    """A vector kept as row ``index`` of an object's ``table`` (an array that compiled code
    takes whole); reading the attribute gives the row, setting it fills the row, so the table
    and the name always agree."""

    def __init__(self, table: str, index: int, doc: str) -> None:
        self.table, self.index, self.__doc__ = table, index, doc

    def __get__(self, owner_object: Any, owner: Any = None) -> Any:
        return self if owner_object is None else owner_object.__dict__[self.table][self.index]

    def __set__(self, owner_object: Any, values: np.ndarray | float) -> None:
        owner_object.__dict__[self.table][self.index] = values


@compiled
def summed(values: np.ndarray) -> float:
    """The sum of a vector as numpy's ``sum`` computes it, so that a total moved into compiled
    code stays the same to the last bit: pairwise, splitting blocks of more than 128 numbers
    in two (the first part a multiple of 8) and adding each block eight at a time."""
    n = values.size
    if n <= 128:
        return _block_sum(values, 0, n)
    # numpy's recursion, run with a stack (numba's cache does not keep recursive functions):
    # each frame is a block; stage 0 = not started, 1 = its first part is being summed.
    starts, sizes = np.empty(64, np.int64), np.empty(64, np.int64)
    stages, firsts = np.zeros(64, np.int64), np.empty(64)
    starts[0], sizes[0], top, total = 0, n, 0, 0.0
    while top >= 0:
        size = sizes[top]
        if size <= 128 or stages[top] == 2:
            total = _block_sum(values, starts[top], size) if size <= 128 else firsts[top] + total
            top -= 1
            if top >= 0 and stages[top] == 1:  # the first part is done: sum the second
                firsts[top], stages[top] = total, 2
                half = _first_part(sizes[top])
                top += 1
                starts[top], sizes[top], stages[top] = (
                    starts[top - 1] + half,
                    sizes[top - 1] - half,
                    0,
                )
            continue
        stages[top] = 1
        top += 1
        starts[top], sizes[top], stages[top] = starts[top - 1], _first_part(sizes[top - 1]), 0
    return total


@compiled
def _first_part(n: int) -> int:
    half = n // 2
    return half - half % 8


@compiled
def _block_sum(a: np.ndarray, start: int, n: int) -> float:
    """numpy's sum of ``n`` <= 128 numbers from ``start``: in order below 8, else eight
    running sums added pairwise, then the rest in order."""
    if n < 8:
        total = 0.0
        for i in range(start, start + n):
            total += a[i]
        return total
    r = a[start : start + 8].copy()
    i = 8
    while i < n - n % 8:
        for j in range(8):
            r[j] += a[start + i + j]
        i += 8
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        total += a[start + i]
        i += 1
    return total
