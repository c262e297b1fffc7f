"""Compiled arithmetic: the month's mechanisms run as machine code, not as Python.

A month of eight partners is a few hundred arithmetic operations spread over some forty
small functions; run as Python and numpy, the interpreter's overhead per call costs far
more than the arithmetic (issue 15's profile). The mechanism functions that a month chains
are therefore compiled with numba, where they are written: each formula is still stated
once, in its module, and stays callable from Python (tests, the negotiation, notebooks).
:mod:`sim.model.month` chains them into one compiled call per month.

Compiled code is cached on disk beside the sources, so only the first process after a
change pays the compilation (some seconds). Floating-point results can differ from numpy's
in the last bit (numpy's vectorised ``exp`` and ``power`` are not the C library's), which
is why the pinned outcomes were renewed once when the month was compiled (see
``tests/test_pinned_outcomes.py``); within one version they are bit-reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from numba import njit


def compiled[F: Callable[..., Any]](function: F) -> F:
    """Compile ``function`` with numba (no Python objects inside, cached on disk)."""
    return cast(F, njit(cache=True)(function))
