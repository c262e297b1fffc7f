"""Model steps per second at 8, 16, 32 and 100 partners, on one core.

Runs the ``regional_network`` scenario (the one that generates any number of
partners) without data collection, as a sweep would, with and without an
independent manager. Exits are switched off (``exit_threshold=20``) so every
run lasts the whole horizon and each measurement times the same number of
months. As a baseline measured in the same process, it times an empty Mesa
model's step (the framework's own overhead) and prints the ratio.

    python benchmarks/bench_step.py [--seconds 3]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()

    def empty(seed: int) -> EmptyModel:
        model = EmptyModel(rng=seed)
        model.running = True
        return model

    baseline_model = EmptyModel(rng=0)
    start = time.perf_counter()
    for _ in range(100_000):
        baseline_model.step()
    baseline = 100_000 / (time.perf_counter() - start)
    print(f"baseline: empty Mesa model  {baseline:12,.0f} steps/s")
    print(f"{'partners':>8} {'manager':>12} {'steps/s':>10} {'x empty Mesa':>13} {'target':>8} {'met':>5}")
    for n in (8, 16, 32, 100):
        for manager in ("none", "independent"):
            rate = steps_per_second(
                lambda seed, n=n, manager=manager: AllianceModel(
                    "regional_network", rng=seed, collect=False, n_partners=n, manager=manager,
                    exit_threshold=20.0, horizon=240),
                args.seconds)
            target = TARGET.get(n)
            met = "" if target is None else ("yes" if rate >= target else "NO")
            print(f"{n:>8} {manager:>12} {rate:>10,.0f} {rate / baseline:>13.4f} "
                  f"{target or '':>8} {met:>5}")


if __name__ == "__main__":
    main()
