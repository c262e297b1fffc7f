"""Compiled arithmetic: the month's mechanisms run as machine code, not as Python.

A month of eight partners is a few hundred arithmetic operations spread over some forty
small functions; run as Python and numpy, the interpreter's overhead per call costs far
more than the arithmetic (issue 15's profile). The mechanism functions that a month chains
are therefore compiled with numba, where they are written: each formula is still stated
once, in its module, and stays callable from Python (tests, the negotiation, notebooks)
with float arrays and numbers (numba refuses lists, and integer arrays where the formula
needs floats). :mod:`sim.model.month` chains them into one compiled call per month.

Compiled code is kept on disk so that only the first process after a change compiles
(15 to 45 seconds, by machine and load). numba's own cache checks only the file of the
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
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import numba
from numba import njit

MODEL_DIR = Path(__file__).resolve().parent


def source_key(folder: Path = MODEL_DIR) -> str:
    """A fingerprint of the model's source files in ``folder`` and of the compiler."""
    digest = hashlib.sha256(numba.__version__.encode())
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_folder(key: str) -> Path | None:
    """A writable folder for compiled code made from the sources with fingerprint ``key``:
    beside the sources, else under the user's NUMBA_CACHE_DIR or cache folder, else the
    temporary folder; None when nothing is writable (then nothing is cached)."""
    in_tree = MODEL_DIR / "__pycache__"
    user = os.environ.get("NUMBA_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    bases = [in_tree, Path(user) if user else Path.home() / ".cache", Path(tempfile.gettempdir())]
    for base in bases:
        folder = base / f"alliance-sim-{key}" if base != in_tree else base / f"compiled-{key}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            if base == in_tree:  # earlier versions' code beside the sources is never used again
                for old in in_tree.glob("compiled-*"):
                    if old != folder:
                        shutil.rmtree(old, ignore_errors=True)
            return folder
    return None


#: Where this version of the model keeps its compiled code (None: not cached).
CACHE = _cache_folder(source_key())
if CACHE is not None:
    setattr(numba.config, "CACHE_DIR", str(CACHE))  # noqa: B010 - a module numba fills at run time


def compiled_code_cached() -> bool:
    """Whether compiled code for this version of the model is on disk (else the first run in
    this process compiles it, which takes a while)."""
    return CACHE is not None and next(CACHE.rglob("*.nbi"), None) is not None


def compiled[F: Callable[..., Any]](function: F) -> F:
    """Compile ``function`` with numba (no Python objects inside, cached in :data:`CACHE`)."""
    return cast(F, njit(cache=CACHE is not None)(function))
