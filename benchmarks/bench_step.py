"""Model months per second at 8 and 100 partners, on one core, the way a sweep runs the model.

Runs the ``regional_network`` scenario (the one that generates any number of partners) at
its default knobs with a responsive independent manager, without data collection, model
construction included, over whole runs: a run ends when it ends (a network that never forms
is a short run, as it is in a sweep). Nothing is changed to get the number. As a baseline
measured in the same process it times an empty Mesa model's step (the framework's own
overhead) and prints the ratio; issue 15's target is a ratio of at least 0.25 at 8 partners
with a responsive independent manager (the machine's speed cancels out of a ratio).

    python benchmarks/bench_step.py [--seconds 1.0] [--repeats 5]
"""

from __future__ import annotations

import argparse
import copy
import inspect
import time
from typing import Any

import mesa

import sim.model.model as model_module
from sim import AllianceModel

#: Issue 15's target: months per second as a share of the empty Mesa model's step rate.
TARGET_RATIO = {8: 0.25}


class EmptyModel(mesa.Model):
    """Mesa's per-step overhead and nothing else."""

    def step(self) -> None:
        pass


def benchmark_model(seed: int, n_partners: int, manager: str = "independent") -> AllianceModel:
    """The model this benchmark runs (and month_budget.py and profile_month.py take apart):
    ``regional_network`` at its default knobs, without data collection."""
    return AllianceModel(
        "regional_network", rng=seed, collect=False, n_partners=n_partners, manager=manager
    )


def whole_runs(runs: int, n_partners: int) -> int:
    """``runs`` whole runs of :func:`benchmark_model` with an independent manager, seeds 0,
    1, ...; the number of months simulated."""
    months = 0
    for seed in range(runs):
        model = benchmark_model(seed, n_partners)
        while model.running:
            model.step()
        months += model.steps
    return months


#: Where each of the compiled month's arguments sits in its call, by name.
MONTH_ARGUMENTS = {
    name: i
    for i, name in enumerate(
        inspect.signature(
            getattr(model_module.month_stages, "py_func", model_module.month_stages)
        ).parameters
    )
}


def with_stages(arguments: list[Any], read: bool, live: bool, manage: bool) -> list[Any]:
    """The compiled month's ``arguments`` with its stages switched as asked."""
    given = list(arguments)
    for name, value in (("read", read), ("live", live), ("manage", manage)):
        given[MONTH_ARGUMENTS[name]] = value
    return given


def quiet_month_arguments(n_partners: int) -> list[Any]:
    """The arguments of the first quiet month's compiled call (every stage run, an agreement
    in force) in the benchmark's runs, for replaying it (month_budget, month_allocations)."""
    captured: list[tuple] = []
    month_stages = model_module.month_stages

    def capture(*args: Any) -> Any:
        stages = ("read", "live", "manage", "formed")
        if all(args[MONTH_ARGUMENTS[name]] for name in stages) and not captured:
            captured.append(copy.deepcopy(args))
        return month_stages(*args)

    setattr(model_module, "month_stages", capture)  # noqa: B010 (patched for the measurement)
    try:
        for seed in range(1_000):
            benchmark_model(seed, n_partners).run()
            if captured:
                break
    finally:
        setattr(model_module, "month_stages", month_stages)  # noqa: B010
    if not captured:
        raise SystemExit("no quiet month with an agreement in the first 1,000 runs")
    return list(captured[0])


def months_per_second(n_partners: int, manager: str, seconds: float) -> float:
    """Months simulated per second over whole runs, construction included, for about ``seconds``."""
    months, seed = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        model = benchmark_model(seed, n_partners, manager)
        while model.running:
            model.step()
        months += model.steps
        seed += 1
    return months / (time.perf_counter() - start)


def best_of(repeats: int, measure) -> tuple[float, float]:
    """Best and median of several measurements: the best is the least disturbed by other
    work on a shared machine (the timeit convention), the median shows the spread."""
    rates = sorted(measure() for _ in range(repeats))
    return rates[-1], rates[len(rates) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument(
        "--repeats", type=int, default=5, help="measurements per setting (best is kept)"
    )
    args = parser.parse_args()

    def baseline_rate() -> float:
        model = EmptyModel(rng=0)
        start = time.perf_counter()
        for _ in range(50_000):
            model.step()
        return 50_000 / (time.perf_counter() - start)

    baseline, _ = best_of(args.repeats, baseline_rate)
    print(f"baseline: empty Mesa model  {baseline:12,.0f} steps/s (best of {args.repeats})")
    print(
        f"{'partners':>8} {'manager':>12} {'best/s':>8} {'median/s':>9} {'x empty Mesa':>13} "
        f"{'target':>7} {'met':>4}"
    )
    for n in (8, 100):
        for manager in ("none", "independent"):
            rate, median = best_of(
                args.repeats,
                lambda n=n, manager=manager: months_per_second(n, manager, args.seconds),
            )
            target = TARGET_RATIO.get(n) if manager == "independent" else None
            met = "" if target is None else ("yes" if rate / baseline >= target else "NO")
            print(
                f"{n:>8} {manager:>12} {rate:>8,.0f} {median:>9,.0f} {rate / baseline:>13.4f} "
                f"{target or '':>7} {met:>4}"
            )


if __name__ == "__main__":
    main()
