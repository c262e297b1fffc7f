"""How many arrays the compiled month allocates, and what they cost: issue 15's "remove
per-month allocations", measured.

numba gives every array a compiled function creates a block of memory of its own, allocated
and freed through its runtime (and every array it is handed from Python a small record of
its own, counted alike, though cheaper than a new array). This counts
those allocations (numba's runtime statistics, switched on for this process) over whole
runs of the bench_step model (``regional_network``, 8 partners by default, default knobs, a
responsive independent manager, construction included), per month; then for one quiet month
replayed with one stage at a time (taking the arguments only, the context's move and the
partners' reading, the month's work, the manager's month); and prints the time one
allocation and free of a small array takes in compiled code, measured in the same process
as the difference between a loop that allocates an array of 8 numbers per turn and the
same loop reusing one (the baseline), so the month's allocations can be put in microseconds.

    python benchmarks/month_allocations.py [--runs 200] [--partners 8]
"""

from __future__ import annotations

import os

os.environ["NUMBA_NRT_STATS"] = "1"  # numba reads it once, at import

import argparse  # noqa: E402 - after switching numba's statistics on
import copy  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402
from bench_step import quiet_month_arguments, whole_runs, with_stages  # noqa: E402
from numba.core.runtime import rtsys  # noqa: E402

import sim.model.model as model_module  # noqa: E402


def allocations() -> int:
    """Arrays numba's runtime has allocated in this process so far."""
    return int(rtsys.get_allocation_stats().mi_alloc)


def per_month_of_runs(runs: int, n_partners: int) -> float:
    """Allocations per month over whole runs, construction included."""
    whole_runs(1, n_partners)  # load the compiled code
    before = allocations()
    months = whole_runs(runs, n_partners)
    return (allocations() - before) / months


def per_call(arguments: list[Any], read: bool, live: bool, manage: bool, calls: int) -> float:
    """Allocations per call of the quiet month with only the stages asked for, each call on
    a fresh copy of the month (the month updates its arrays in place: replayed on the same
    ones, the partners' state would drift, and with it which stages run; copying is numpy's
    work, which numba does not count)."""
    arguments = with_stages(arguments, read, live, manage)
    counted = 0
    for _ in range(calls):
        given = copy.deepcopy(arguments)
        before = allocations()
        model_module.month_stages(*given)
        counted += allocations() - before
    return counted / calls


@numba.njit
def _allocating(turns: int) -> float:
    total = 0.0
    for i in range(turns):
        values = np.empty(8)
        values[0] = i
        total += values[0]
    return total


@numba.njit
def _reusing(turns: int) -> float:
    total = 0.0
    values = np.empty(8)
    for i in range(turns):
        values[0] = i
        total += values[0]
    return total


def seconds_per_allocation(turns: int = 5_000_000, repeats: int = 5) -> float:
    """One allocation and free of an array of 8 numbers in compiled code (best of ``repeats``):
    the allocating loop less the reusing one, per turn."""
    _allocating(10), _reusing(10)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        _allocating(turns)
        allocating = time.perf_counter() - start
        start = time.perf_counter()
        _reusing(turns)
        best = min(best, (allocating - (time.perf_counter() - start)) / turns)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--partners", type=int, default=8)
    args = parser.parse_args()

    whole = per_month_of_runs(args.runs, args.partners)
    month = quiet_month_arguments(args.partners)
    stages = [
        ("every stage off: the arguments", (False, False, False)),
        ("arguments + the move and the reading", (True, False, False)),
        ("arguments + the month's work", (False, True, False)),
        ("arguments + the manager's month", (False, False, True)),
        ("a quiet month, every stage", (True, True, True)),
    ]
    counts = [(label, per_call(month, *flags, calls=500)) for label, flags in stages]
    cost = seconds_per_allocation()
    print(
        f"regional_network, {args.partners} partners, independent manager; one allocation and "
        f"free of 8 numbers in compiled code: {cost * 1e9:.0f} ns (best of 5, against the same "
        "loop reusing one array)"
    )
    print(
        f"\nwhole runs ({args.runs}, construction included): {whole:.1f} arrays allocated a "
        f"month, about {whole * cost * 1e6:.1f} µs"
    )
    print(f"\n{'one quiet month replayed':<40} {'arrays':>7} {'µs':>6}")
    for label, count in counts:
        print(f"{label:<40} {count:>7.1f} {count * cost * 1e6:>6.2f}")
    print("\n(a stage's own allocations are its row less the first)")


if __name__ == "__main__":
    main()
