"""A month's time budget, in units of an empty Mesa step: what issue 15's ratio is made of.

``bench_step.py`` prints months per second as a share of an empty Mesa model's step rate
(target 0.25: a month, construction included, may cost four empty steps). This prints
what the month costs now, part by part, measured in the same process on the same runs
(``regional_network``, 8 partners by default, default knobs, a responsive independent
manager, no data collection, construction included):

- Mesa's step (its events and clock), as it costs in this loop: the same runs stepped
  with and without Mesa's scheduler (the same code costs more here than in the empty
  model's tight loop, whose step is the ratio's unit);
- building the model, spread over the months of its run: what Mesa and numpy do whatever
  the model (Mesa's model, numpy's spawned streams), and the rest;
- the month's parts in the model: its random draws, the compiled month (split into what
  numba charges to take its arguments and return its results, and the compiled work), a
  negotiation, the partners' verdict (voice and exit) and the manager's levers;
- the rest, by difference: the step's own Python (deciding which stages run, gathering
  the compiled month's arguments, taking its results), and timing noise.

The parts are timed by wrapping the functions (none of them calls another); what a
wrapper adds to the time it records (its reading of a function that does nothing) is taken
off each call. Each run is stepped twice, with and without Mesa's scheduler, in alternating
order. The compiled month's price of taking arguments is the time of a quiet month's own
call repeated with every stage switched off. A part that comes out below zero (a
difference of timings, when the machine's speed moved) is named in a warning. Last, what
Mesa and numpy alone cost a month (Mesa's step, Mesa's model and numpy's streams), and
what the target leaves for everything the model itself does.

    python benchmarks/month_budget.py [--runs 400] [--partners 8] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter, defaultdict
from typing import Any

import mesa
from bench_step import benchmark_model, quiet_month_arguments, whole_runs, with_stages

import sim.model.model as model_module
from sim.model.agents import AllianceManager

#: Issue 15's target: months per second as a share of the empty Mesa model's step rate.
TARGET_RATIO = 0.25


class EmptyModel(mesa.Model):
    def step(self) -> None:
        pass


def empty_step_seconds(steps: int = 100_000) -> float:
    """The best of five timings of an empty Mesa model's step."""
    best = float("inf")
    for _ in range(5):
        model = EmptyModel(rng=0)
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        best = min(best, (time.perf_counter() - start) / steps)
    return best


def simulate(runs: int, n_partners: int) -> tuple[int, float, float, float]:
    """Whole runs as bench_step makes them, each run twice, built alike: once stepped by
    Mesa's step and once, as that step would step it (Mesa's count of steps, then the
    model's own step), without Mesa's events and clock, in alternating order so that the
    machine's drift falls on both alike. Returns (months of a run of each kind, seconds
    building, seconds stepping with Mesa's scheduler, seconds stepping without)."""
    months, building, scheduled, unscheduled = 0, 0.0, 0.0, 0.0
    for seed in range(runs):
        for through_mesa in (seed % 2 == 0, seed % 2 == 1):
            start = time.perf_counter()
            model = benchmark_model(seed, n_partners)
            built = time.perf_counter()
            if through_mesa:
                while model.running:
                    model.step()
                scheduled += time.perf_counter() - built
                building += built - start
                months += model.steps
            else:
                own_step = model._user_step  # Mesa's name for the model's step it wraps
                while model.running:
                    model.steps += 1
                    own_step()
                unscheduled += time.perf_counter() - built
    return months, building, scheduled, unscheduled


_INHERITED = object()


class Stopwatch:
    """Wraps functions so that their calls are counted and timed (inclusive)."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        seconds, calls = self.seconds, self.calls
        # Restored as it was defined: a classmethod stays one; an attribute found on a class
        # and not on the object itself is left to the class again.
        as_defined = vars(owner).get(name, _INHERITED)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - start
                calls[label] += 1

        self._undo.append((owner, name, as_defined))
        setattr(owner, name, timed)

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._undo.clear()


def timed_overhead(calls: int = 200_000) -> float:
    """What a wrapped call adds to the time its stopwatch records (seconds): the stopwatch's
    reading of a function that does nothing, less that function's own call."""

    class Probe:
        def nothing(self, first: Any, second: Any) -> None:
            pass

    probe, best_bare, best_timed = Probe(), float("inf"), float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            probe.nothing(1, 2)
        best_bare = min(best_bare, (time.perf_counter() - start) / calls)
    for _ in range(5):
        watch = Stopwatch()
        watch.wrap(probe, "nothing", "probe")
        for _ in range(calls):
            probe.nothing(1, 2)
        watch.restore()
        best_timed = min(best_timed, watch.seconds["probe"] / calls)
    return max(best_timed - best_bare, 0.0)


def argument_price(n_partners: int) -> float:
    """Seconds numba charges the compiled month to take its arguments and return its
    results: a quiet month's own call repeated with every stage switched off."""
    args = with_stages(quiet_month_arguments(n_partners), read=False, live=False, manage=False)
    month_stages = model_module.month_stages
    calls, best = 20_000, float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            month_stages(*args)
        best = min(best, (time.perf_counter() - start) / calls)
    return best


#: What Mesa and numpy do in building a model, whatever the model: Mesa's model (its clock,
#: scheduler, agent registry and generators) and numpy's spawned streams, one per source of chance.
FOUNDATIONS = [
    (mesa.Model, "__init__", "mesa model"),
    (model_module.Streams, "spawn", "streams"),
]

#: The parts timed by wrapping: none calls another, so that their times add up.
LEAVES = [
    (model_module.AllianceModel, "_chance", "draws"),
    (model_module, "month_stages", "compiled"),
    (model_module.AllianceModel, "_negotiate", "negotiation"),
    (model_module.AllianceModel, "_judge", "verdict"),
    (AllianceManager, "pull", "levers"),
]


def budget(runs: int, n_partners: int) -> tuple[list[tuple[str, float]], float, float]:
    """One measurement: the parts of a month (label, seconds), a month's seconds, and the
    empty Mesa step's seconds."""
    empty = empty_step_seconds()
    months, building, stepping, unscheduled = simulate(runs, n_partners)
    per_month = (building + stepping) / months

    watch = Stopwatch()
    for owner, name, label in LEAVES + FOUNDATIONS:
        watch.wrap(owner, name, label)
    try:
        wrapped_months = whole_runs(runs, n_partners)
    finally:
        watch.restore()
    assert wrapped_months == months, "the wrapped runs must be the same runs"
    overhead = timed_overhead()
    passing = argument_price(n_partners)

    def part(label: str) -> float:
        """Seconds per month in a wrapped part, less what its stopwatch adds."""
        return (watch.seconds[label] - overhead * watch.calls[label]) / months

    compiled_calls = watch.calls["compiled"] / months
    foundations = part("mesa model") + part("streams")
    rows = [
        ("Mesa's step, in this loop", (stepping - unscheduled) / months),
        ("building: Mesa's model, numpy's streams", foundations),
        ("building: the rest, per month of its run", building / months - foundations),
        ("the month's random draws", part("draws")),
        ("compiled month: taking arguments, returning", passing * compiled_calls),
        ("compiled month: the work", part("compiled") - passing * compiled_calls),
        ("a negotiation (per month)", part("negotiation")),
        ("the partners' verdict (per month)", part("verdict")),
        ("the manager's levers", part("levers")),
    ]
    rows.append(("the rest: the step's own Python", per_month - sum(s for _, s in rows)))
    return rows, per_month, empty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="whole runs per measurement")
    parser.add_argument("--partners", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3, help="measurements (medians shown)")
    args = parser.parse_args()

    simulate(10, args.partners)  # load the compiled code, warm the caches
    measured = [budget(args.runs, args.partners) for _ in range(args.repeats)]
    labels = [label for label, _ in measured[0][0]]
    months = [m for _, m, _ in measured]
    steps = [e for _, _, e in measured]
    per_month, empty = statistics.median(months), statistics.median(steps)
    print(
        f"{args.runs} runs of regional_network, {args.partners} partners, independent manager, "
        f"median of {args.repeats} measurements (range in brackets); empty Mesa step "
        f"{1e6 * empty:.2f} µs (the unit of the ratio)"
    )
    print(f"\n{'part of a month':<44} {'µs':>19} {'empty steps':>12} {'share':>6}")
    for i, label in enumerate(labels):
        values = [rows[i][1] for rows, _, _ in measured]
        shares = [rows[i][1] / m for rows, m, _ in measured]
        seconds = statistics.median(values)
        spread = f"({1e6 * min(values):.1f}-{1e6 * max(values):.1f})"
        print(
            f"{label:<44} {1e6 * seconds:>7.2f} {spread:>11} {seconds / empty:>12.2f} "
            f"{statistics.median(shares):>6.1%}"
        )
    spread = f"({1e6 * min(months):.1f}-{1e6 * max(months):.1f})"
    print(f"{'a month':<44} {1e6 * per_month:>7.2f} {spread:>11} {per_month / empty:>12.2f}")
    negative = sorted({label for rows, _, _ in measured for label, s in rows if s < 0})
    if negative:
        print(
            "\nwarning: below zero in some measurement (the machine's speed moved between the "
            f"timings it is a difference of; run again, or with more --runs): {', '.join(negative)}"
        )
    floor = statistics.median([rows[0][1] + rows[1][1] for rows, _, _ in measured])
    allowed = empty / TARGET_RATIO
    print(
        f"\nMesa and numpy alone (Mesa's step in this loop, Mesa's model and numpy's streams "
        f"built per month of a run): {1e6 * floor:.1f} µs, {floor / empty:.2f} empty steps; at "
        f"the target that leaves {1e6 * (allowed - floor):.1f} µs "
        f"({(allowed - floor) / empty:.2f} empty steps) for the rest of building the model and "
        f"its whole month, which take {1e6 * (per_month - floor):.1f} µs now"
    )
    print(
        f"\nratio {empty / per_month:.3f} (target {TARGET_RATIO}: a month may cost "
        f"{1 / TARGET_RATIO:.0f} empty steps, {1e6 * empty / TARGET_RATIO:.1f} µs; it costs "
        f"{per_month / empty:.1f})"
    )


if __name__ == "__main__":
    main()
