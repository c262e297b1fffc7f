"""How long a dilemma comparison takes in the dashboard, against the same work run serially.

Times a card's comparison through the dashboard's own code path (``comparison_steps`` in
the worker pool, then ``summarise``: what the page calls when a trainer presses *Compare*) on
the page's seeds ``0 .. runs - 1``, at 2 x 40 runs (issue 15's target: under 0.5 s) and
at 2 x ``COMPARISON_RUNS`` (the page's first comparison):

- warm: the pool's workers have started and loaded the compiled model (the dashboard
  starts them when the server starts);
- at 2 x ``COMPARISON_RUNS`` also the time to the first answer the card shows (after
  ``FIRST_ANSWER`` paired runs, while the rest runs);
- cold: the first comparison of a fresh pool (worker start, imports, the compiled model
  loaded from numba's cache), for one card (``--cold-card``).

As a baseline measured in the same process it runs the same comparison serially
(``run_option`` for A, then for B, then ``summarise``) and prints the ratio of the pooled
time to the serial one (below 1: the pool is faster). Prints best and median of
``--repeats``, and the load average (the machine may be shared). Nothing about the runs is
changed to get a number: same cards, same seeds, same model defaults.

    .venv/bin/python benchmarks/bench_dilemma.py [--repeats 5] [--runs 40 120]
        [--cold-card double_loyalty] [--no-cold] [--cards double_loyalty ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from sim.dashboard import dilemmas as dl

#: Issue 15's target for a 2 x 40 comparison in the dashboard, in seconds.
TARGET_SECONDS = 0.5


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def pooled(card: dl.Dilemma, runs: int) -> tuple[float, float]:
    """The page's comparison: both options in the worker pool, then the card's summary, as
    ``add_runs`` does it. Returns the seconds to the first answer the card shows (after
    ``FIRST_ANSWER`` paired runs; the whole comparison when it is no longer) and to all."""
    start = time.perf_counter()
    times = []
    for a, b in dl.comparison_steps(card, range(runs)):
        dl.summarise(card, a, b)
        times.append(time.perf_counter() - start)
    return times[0], times[-1]


def serial(card: dl.Dilemma, runs: int) -> Callable[[], object]:
    """The same comparison in this process, one option after the other."""
    seeds = range(runs)
    return lambda: dl.summarise(
        card, dl.run_option(card, "a", seeds), dl.run_option(card, "b", seeds)
    )


def best_median(times: list[float]) -> str:
    return f"{min(times):6.3f} ({statistics.median(times):6.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="measurements per setting")
    parser.add_argument(
        "--runs", type=int, nargs="+", default=[40, dl.COMPARISON_RUNS], help="runs per option"
    )
    parser.add_argument("--cold-card", default="double_loyalty", help="the card timed cold")
    parser.add_argument("--no-cold", action="store_true", help="time the warm pool only")
    parser.add_argument("--cards", nargs="+", help="the cards timed warm (default: all)")
    args = parser.parse_args()
    cards = dl.dilemmas()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"seconds, best (median) of {args.repeats}; ratio = pooled / serial, best (median)")

    cold = next(c for c in cards if c.key == args.cold_card)
    for runs in [] if args.no_cold else args.runs:
        times, base = [], []
        for _ in range(args.repeats):
            dl.stop_pool()
            times.append(pooled(cold, runs)[1])
            base.append(timed(serial(cold, runs)))
        print(
            f"cold pool  2 x {runs:3d}  {cold.key:30s} pooled {best_median(times)}"
            f"  serial {best_median(base)}  ratio {min(times) / min(base):.2f}"
            f" ({statistics.median(times) / statistics.median(base):.2f})"
        )

    pooled(cards[0], 2)  # the pool started and every worker warm
    cards = [c for c in cards if args.cards is None or c.key in args.cards]
    for runs in args.runs:
        worst = 0.0
        for card in cards:
            firsts, times, base = [], [], []
            for _ in range(args.repeats):
                first, total = pooled(card, runs)
                firsts.append(first)
                times.append(total)
                base.append(timed(serial(card, runs)))
            worst = max(worst, statistics.median(times))
            answer = f"  first answer ({dl.FIRST_ANSWER}) {best_median(firsts)}"
            print(
                f"warm pool  2 x {runs:3d}  {card.key:30s} pooled {best_median(times)}"
                f"  serial {best_median(base)}  ratio {min(times) / min(base):.2f}"
                f" ({statistics.median(times) / statistics.median(base):.2f})"
                + (answer if runs > dl.FIRST_ANSWER else "")
            )
        verdict = "under" if worst < TARGET_SECONDS else "NOT under"
        print(
            f"warm pool  2 x {runs:3d}  slowest card's median {worst:.3f} s: {verdict} "
            f"the target of {TARGET_SECONDS} s"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    dl.stop_pool()


if __name__ == "__main__":
    main()
