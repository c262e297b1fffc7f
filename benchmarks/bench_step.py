"""Model steps per second at 8, 16, 32 and 100 partners, on one core.

Runs the ``regional_network`` scenario (the one that generates any number of
partners) without data collection, as a sweep would, with and without an
independent manager. Exits are switched off (``exit_threshold=20``) and the
coordination cost is lowered to 0.04 (at the default a network of 100 partners
never reaches an agreement, and months without one are cheap), so every run
forms an alliance and lasts the whole horizon of 240 months. As a baseline measured in the same process, it times an empty Mesa
model's step (the framework's own overhead) and prints the ratio.

    python benchmarks/bench_step.py [--seconds 0.6] [--repeats 9]
"""

from __future__ import annotations

import argparse
import time

import mesa

from sim import AllianceModel

TARGET = {8: 5000, 100: 300}


class EmptyModel(mesa.Model):
    """Mesa's per-step overhead and nothing else."""

    def step(self) -> None:
        pass


def steps_per_second(make, seconds: float) -> float:
    """Steps per second over whole runs (construction excluded) for about ``seconds``."""
    steps, spent, seed = 0, 0.0, 0
    while spent < seconds:
        model = make(seed)
        start = time.perf_counter()
        while model.running:
            model.step()
        spent += time.perf_counter() - start
        steps += model.steps
        seed += 1
    return steps / spent


def best_of(repeats: int, measure) -> tuple[float, float]:
    """Best and median of several measurements: the best is the least disturbed by other
    work on a shared machine (the timeit convention), the median shows the spread."""
    rates = sorted(measure() for _ in range(repeats))
    return rates[-1], rates[len(rates) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.6, help="time per measurement")
    parser.add_argument("--repeats", type=int, default=9, help="measurements per setting (best is kept)")
    args = parser.parse_args()

    def empty(seed: int) -> EmptyModel:
        model = EmptyModel(rng=seed)
        model.running = True
        return model

    def baseline_rate() -> float:
        model = EmptyModel(rng=0)
        start = time.perf_counter()
        for _ in range(50_000):
            model.step()
        return 50_000 / (time.perf_counter() - start)

    baseline, _ = best_of(args.repeats, baseline_rate)
    print(f"baseline: empty Mesa model  {baseline:12,.0f} steps/s (best of {args.repeats})")
    print(f"{'partners':>8} {'manager':>12} {'best/s':>8} {'median/s':>9} {'x empty Mesa':>13} "
          f"{'target':>7} {'met':>4}")
    for n in (8, 16, 32, 100):
        for manager in ("none", "independent"):
            rate, median = best_of(args.repeats, lambda n=n, manager=manager: steps_per_second(
                lambda seed: AllianceModel(
                    "regional_network", rng=seed, collect=False, n_partners=n, manager=manager,
                    exit_threshold=20.0, coordination_cost=0.04, horizon=240),
                args.seconds))
            target = TARGET.get(n)
            met = "" if target is None else ("yes" if rate >= target else "NO")
            print(f"{n:>8} {manager:>12} {rate:>8,.0f} {median:>9,.0f} {rate / baseline:>13.4f} "
                  f"{target or '':>7} {met:>4}")


if __name__ == "__main__":
    main()
