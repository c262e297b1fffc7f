"""What numba charges to call a compiled function from Python, by what it is given.

The model's month is one compiled call (``sim.model.month.month_stages``), so what a call
costs for each argument decides how the month's state is laid out: a few whole arrays rather
than a vector per quantity, flat float arrays named by ``IntEnum`` members rather than numpy
records. This prints the time of one call of a function that returns its first argument,
given N floats, N one-dimensional arrays, N two-dimensional arrays, or one record array of N
fields, and its ratio to the baseline measured in the same process: the same function given
one float. The machine's speed cancels out of the ratios. Last, what one argument of another
kind costs (a bool, an int, numpy's random ``Generator``), against what a month's context
draws cost in Python (numpy's ``standard_normal`` into an array of 8 and a ``random()``): a
generator handed to compiled code each month would have to cost less than that to pay.

    python benchmarks/bench_call.py [--repeats 5] [--calls 100000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numba
import numpy as np


def passing(n_arguments: int) -> Callable[..., Any]:
    """A compiled function of ``n_arguments`` positional arguments that returns the first."""
    names = ", ".join(f"a{i}" for i in range(n_arguments))
    namespace: dict[str, Any] = {}
    exec(f"def passing({names}):\n    return a0\n", namespace)  # noqa: S102 - fixed source
    return numba.njit(namespace["passing"])


def taking_one() -> Callable[..., Any]:
    """A compiled function of one argument that returns 0.0 (for arguments numba cannot
    hand back to Python, such as a random generator)."""

    def taking(a0: Any) -> float:
        return 0.0

    return numba.njit(taking)


def seconds_per_call(function: Callable[..., Any], arguments: list[Any], calls: int) -> float:
    function(*arguments)  # compiled for these types before timing
    start = time.perf_counter()
    for _ in range(calls):
        function(*arguments)
    return (time.perf_counter() - start) / calls


def best(repeats: int, measure: Callable[[], float]) -> float:
    """The fastest of several measurements (the least disturbed: the timeit convention)."""
    return min(measure() for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()

    one = passing(1)
    baseline = best(args.repeats, lambda: seconds_per_call(one, [1.5], args.calls))
    print(f"baseline: one float  {baseline * 1e6:6.3f} µs per call (best of {args.repeats})")
    print(f"{'given':>28} {'µs per call':>12} {'x baseline':>11} {'µs per argument':>16}")
    for n in (10, 30, 50):
        function = passing(n)
        for label, value in (
            ("floats", 1.5),
            ("1-d arrays (8)", np.zeros(8)),
            ("2-d arrays (8 x 8)", np.zeros((8, 8))),
        ):
            given = [value] * n
            t = best(args.repeats, partial(seconds_per_call, function, given, args.calls))
            extra = (t - baseline) / (n - 1)
            print(f"{n:>4} {label:>23} {t * 1e6:12.3f} {t / baseline:11.2f} {extra * 1e6:16.3f}")
    for fields in (16, 42):
        record = np.zeros(1, dtype=[(f"field{i}", np.float64) for i in range(fields)])
        flat = np.zeros(fields)
        t_record = best(args.repeats, partial(seconds_per_call, one, [record], args.calls))
        t_flat = best(args.repeats, partial(seconds_per_call, one, [flat], args.calls))
        print(
            f"one record of {fields} fields {t_record * 1e6:8.3f} µs ({t_record / baseline:5.2f} x); "
            f"the same numbers as a flat array {t_flat * 1e6:6.3f} µs ({t_flat / baseline:5.2f} x)"
        )
    taking = taking_one()
    generator = np.random.default_rng(0)
    for label, argument in (
        ("one float", 1.5),
        ("one bool", True),
        ("one int", 1),
        ("one numpy Generator", generator),
    ):
        t = best(args.repeats, partial(seconds_per_call, taking, [argument], args.calls))
        print(f"{label:>28} {t * 1e6:12.3f} {t / baseline:11.2f}")
    noise = np.zeros(8)

    def context_draws() -> None:
        generator.standard_normal(out=noise)
        generator.random()

    t = best(args.repeats, partial(seconds_per_call, context_draws, [], args.calls))
    print(
        f"{'numpy draws in Python':>28} {t * 1e6:12.3f} {t / baseline:11.2f}"
        "  (standard_normal into 8, then random(): a month's context draws)"
    )


if __name__ == "__main__":
    main()
