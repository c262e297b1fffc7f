"""Measure every dilemma card of the dashboard over many paired seeds (the numbers in docs/trainers.md).

    .venv/bin/python benchmarks/dilemma_outcomes.py [RUNS]      (default 150 runs per option)

For each card: each of its outcomes under A and under B, the paired 95% interval of A − B
and whether it is within the noise, and both median lifetimes.
"""

from __future__ import annotations

import sys
import time

from tqdm import tqdm

from sim.dashboard.dilemmas import compare, dilemmas, format_lifetime, format_value


def main(runs: int) -> None:
    start = time.perf_counter()
    for card in tqdm(dilemmas(), desc="dilemmas", file=sys.stderr):
        result = compare(card, runs=runs)
        print(
            f"\n[{card.key}] {card.scenario}: {card.knob} = {card.a!r} (A) vs {card.b!r} (B), "
            f"shared {card.shared}, {runs} runs each"
        )
        for d in result["differences"]:
            mark = "within the noise" if d.within_noise else ""
            print(
                f"  {d.outcome:20s} A {format_value(d.outcome, d.a):>8s}  B {format_value(d.outcome, d.b):>8s}"
                f"  A-B in [{d.low:.3g}, {d.high:.3g}] {mark}"
            )
        more, unit = "> {horizon}", "{months}"
        print(
            f"  median lifetime      A {format_lifetime(result['median_a'], result['horizon'], more, unit):>8s}"
            f"  B {format_lifetime(result['median_b'], result['horizon'], more, unit):>8s}"
        )
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 150)
