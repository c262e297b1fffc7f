"""Dilemma cards: one scenario, two options that differ in one setting, compared over many runs.

Each card names the outcomes that carry its dilemma (what option A wins and what it
costs), so a class sees both sides, not only who lasted longer. Both options run on
the same seeds (the model's common random numbers keep runs paired), and every
difference comes with a paired 95% interval: where it includes zero the card says
the difference is within the noise, and the trainer can run more.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.survival import kaplan_meier
from sim.config.configuration import configure
from sim.config.knobs import resolve_knobs
from sim.model import AllianceModel
from sim.model.outcomes import OUTCOMES

PRESETS = Path(__file__).parent / "dilemmas.toml"
#: Paired runs a card's first comparison makes: enough that every direction a card's text
#: claims lies outside the noise at the seeds the page uses (checked in tests/test_dashboard.py),
#: few enough that the comparison takes about a second on two free cores, its first
#: :data:`FIRST_ANSWER` pairs shown after about a third of that (benchmarks/bench_dilemma.py).
COMPARISON_RUNS = 120
#: Paired runs "run more" adds.
MORE_RUNS = 120


def _received(model: AllianceModel, who: int) -> float:
    return float(model.partners.cum_received[who])


def _outcome(name: str) -> Callable[[AllianceModel], float]:
    """The registered outcome ``name`` of a finished model, as a float."""
    return lambda m: float(OUTCOMES[name].measure(m))


#: What a card can show about a run: the model's own outcomes, plus a few read off the
#: finished model that the registry does not hold (value per partner, the home's takings).
MEASURES: dict[str, Callable[[AllianceModel], float]] = {
    **{
        name: _outcome(name)
        for name in (
            "total_value",
            "home_share",
            "trust_in_home",
            "mandate",
            "gini",
            "min_partner_gain",
            "founding_months",
            "context_fit",
            "renegotiations",
            "mean_trust",
            "opportunism",
            "relational_capital",
            "exits",
            "potential_value",
        )
    },
    "survived": lambda m: float(not m.dissolved),
    "formed": lambda m: float(m.alliance.formed),
    "value_per_partner": lambda m: float(m.total_value) / len(m.partners),
    "home_received": lambda m: _received(m, m.home),
    "duration": lambda m: float(m.duration),
    "dissolved": lambda m: float(m.dissolved),
}

#: How each measure is printed on a card.
FORMATS: dict[str, str] = {
    "survived": "{:.0%}",
    "formed": "{:.0%}",
    "home_share": "{:.2f}",
    "trust_in_home": "{:.2f}",
    "mandate": "{:.2f}",
    "gini": "{:.2f}",
    "mean_trust": "{:.2f}",
    "context_fit": "{:.2f}",
    "opportunism": "{:.3f}",
    "relational_capital": "{:.2f}",
    "renegotiations": "{:.1f}",
    "founding_months": "{:.1f}",
    "exits": "{:.1f}",
    "potential_value": "{:.2f}",
}


@dataclass(frozen=True)
class Dilemma:
    """A dilemma of collaboration: one scenario, one setting (``knob``) set two ways.

    Attributes:
        key: name of the card (its texts are ``dilemmas.<key>.*`` in text/*.toml).
        scenario: a built-in scenario name.
        shared: knobs both options share (e.g. which manager).
        knob: the one setting on which A and B differ.
        a, b: its value in option A and in option B.
        outcomes: the measures that carry the dilemma, in the order the card shows them.
    """

    key: str
    scenario: str
    shared: dict[str, Any]
    knob: str
    a: Any
    b: Any
    outcomes: tuple[str, ...]

    def knobs(self, option: str) -> dict[str, Any]:
        """The full set of knobs of option ``"a"`` or ``"b"``."""
        value = self.a if option == "a" else self.b
        return {**self.shared, self.knob: tuple(value) if isinstance(value, list) else value}

    def horizon(self) -> int:
        """The months a run of option A lasts at most: the horizon, or a shorter contract
        term (as :class:`AllianceModel` sets it), read from the configuration alone."""
        params = configure(self.scenario, **self.knobs("a")).params
        return int(min(params["horizon"], params["contract_term"] or params["horizon"]))


def dilemmas() -> list[Dilemma]:
    """The preset dilemmas, in the order of the file; each option's knobs are validated."""
    data = tomllib.loads(PRESETS.read_text(encoding="utf-8"))
    cards = []
    for key, entry in data.items():
        card = Dilemma(
            key,
            entry["scenario"],
            entry.get("shared", {}),
            entry["knob"],
            entry["a"],
            entry["b"],
            tuple(entry["outcomes"]),
        )
        unknown = [o for o in card.outcomes if o not in MEASURES]
        if unknown:
            raise ValueError(f"{PRESETS.name}: [{key}] outcomes: unknown {', '.join(unknown)}")
        resolve_knobs(card.knobs("a"))
        resolve_knobs(card.knobs("b"))
        cards.append(card)
    return cards


def _measured(dilemma: Dilemma, option: str, seeds: Iterable[int]) -> list[dict[str, float]]:
    """One row per seed: every measure of :data:`MEASURES` for one option of the card."""
    knobs = dilemma.knobs(option)
    rows = []
    for seed in seeds:
        model = AllianceModel(dilemma.scenario, rng=seed, collect=False, **knobs)
        model.run()
        rows.append({"seed": seed, **{name: measure(model) for name, measure in MEASURES.items()}})
    return rows


def run_option(dilemma: Dilemma, option: str, seeds: Iterable[int]) -> pd.DataFrame:
    """One row per seed: every measure of :data:`MEASURES` for one option of the card."""
    return pd.DataFrame(_measured(dilemma, option, seeds))


def _paired_rows(
    dilemma: Dilemma, seeds: list[int]
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """A worker's share of a comparison: both options on the same seeds."""
    return _measured(dilemma, "a", seeds), _measured(dilemma, "b", seeds)


#: Worker processes of the comparisons: the server's interpreter stays free to answer the
#: page while a class's comparisons run.
WORKERS = 2
#: A comparison is cut into this many parts per worker, each part both options on a run of
#: consecutive seeds: the workers share the work evenly even when one option's runs last
#: longer than the other's or one worker is slowed by other work on the machine.
PARTS_PER_WORKER = 4
#: Paired runs after which the page shows a first answer of a longer comparison (while the
#: rest is still running; the card says how many runs it shows).
FIRST_ANSWER = 40

_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _leave_with(parent: int) -> None:
    """A worker's watch: end the worker when the server that started it has gone (a
    stopped server must not leave workers behind holding memory)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _start_worker(parent: int) -> None:
    """A worker's start: watch the server, then run every card's options once (one short
    run each), so the compiled model is loaded from numba's cache before the first
    comparison arrives rather than during it. Workers run at a lower priority than the
    server: on a busy machine the page a class is looking at goes first."""
    _leave_with(parent)
    with contextlib.suppress(OSError):
        os.nice(10)
    try:
        for card in dilemmas():
            for option in ("a", "b"):
                _measured(card, option, [0])
    except Exception:  # noqa: BLE001 (only a warm-up: a real comparison reports the error)
        pass


def _ready() -> None:
    """Nothing: a task whose submission makes the pool start a worker."""


def start_pool() -> ProcessPoolExecutor:
    """The comparisons' worker pool, started (every worker at once, warming up in the
    background) if it is not running yet; returns at once. The dashboard calls it when the
    server starts, so the first comparison finds the workers ready."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ProcessPoolExecutor(
                max_workers=WORKERS,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
            for _ in range(WORKERS):  # a worker is started for each task waiting
                _POOL.submit(_ready)
        return _POOL


def stop_pool(wait: bool = True) -> None:
    """Stop the comparisons' workers, if they run; the next comparison starts new ones."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None:
            _POOL.shutdown(wait=wait, cancel_futures=not wait)
            _POOL = None


def _parts(seeds: list[int], first: int) -> list[list[int]]:
    """The seeds cut into runs of consecutive seeds, about equal, for the pool; no part
    straddles ``first`` (the first answer's parts come first and are complete on their own)."""
    parts = []
    for chunk in (seeds[:first], seeds[first:]):
        n = min(len(chunk), WORKERS * PARTS_PER_WORKER)
        bounds = [len(chunk) * i // n for i in range(n + 1)] if n else []
        parts += [chunk[lo:hi] for lo, hi in zip(bounds, bounds[1:], strict=False)]
    return parts


def comparison_steps(
    dilemma: Dilemma, seeds: Iterable[int], first: int = FIRST_ANSWER
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Both options of a card on the same seeds, in the worker pool: the runs of A and of B
    (see :func:`run_option`) over the first ``first`` seeds as soon as those are done, then
    over all of them (only the latter when there are no more than ``first``). Every part of
    the comparison is submitted at once, so the workers go on while the first answer is shown;
    the rows are in the order of ``seeds`` and the same as :func:`run_option`'s. A pool whose
    worker died (killed, out of memory) is replaced once, and the comparison run again."""
    seeds = list(seeds)
    try:
        yield from _steps(dilemma, seeds, first)
    except BrokenProcessPool:
        stop_pool(wait=False)
        yield from _steps(dilemma, seeds, first)


def _steps(
    dilemma: Dilemma, seeds: list[int], first: int
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    pool = start_pool()
    parts = [pool.submit(_paired_rows, dilemma, part) for part in _parts(seeds, first)]
    a: list[dict[str, float]] = []
    b: list[dict[str, float]] = []
    for part in parts:
        rows_a, rows_b = part.result()
        a += rows_a
        b += rows_b
        if len(a) == first < len(seeds):
            yield pd.DataFrame(a), pd.DataFrame(b)
    yield pd.DataFrame(a), pd.DataFrame(b)


def run_options(dilemma: Dilemma, seeds: Iterable[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both options of a card on the same seeds (see :func:`run_option`), in worker processes."""
    *_, last = comparison_steps(dilemma, seeds)
    return last


@dataclass(frozen=True)
class Difference:
    """One outcome under A and B, the paired difference A − B and its 95% interval."""

    outcome: str
    a: float
    b: float
    low: float
    high: float

    @property
    def within_noise(self) -> bool:
        """The interval includes zero: these runs cannot tell A and B apart on this outcome."""
        return self.low <= 0.0 <= self.high


def paired_difference(outcome: str, a: pd.Series, b: pd.Series) -> Difference:
    """Means of A and B and a paired t interval of their difference (runs share seeds)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = a - b
    if len(diff) < 2 or np.allclose(diff, diff[0], rtol=0.0, atol=1e-9 * (1.0 + abs(diff[0]))):
        low = high = float(diff.mean()) if len(diff) else 0.0
    else:
        low, high = stats.ttest_rel(a, b).confidence_interval(0.95)
    return Difference(outcome, float(a.mean()), float(b.mean()), float(low), float(high))


def median_lifetime(runs: pd.DataFrame, horizon: int) -> float:
    """Kaplan-Meier median lifetime in months; NaN when more than half outlive the horizon."""
    frame = pd.DataFrame(
        {"duration": runs["duration"], "dissolved": runs["dissolved"].astype(bool)}
    )
    return kaplan_meier(frame, horizon).median


def summarise(dilemma: Dilemma, a: pd.DataFrame, b: pd.DataFrame) -> dict[str, Any]:
    """What a card shows: the dilemma's outcomes with their paired differences, and both
    median lifetimes (NaN: above the horizon)."""
    horizon = dilemma.horizon()
    return {
        "runs": len(a),
        "horizon": horizon,
        "differences": [paired_difference(o, a[o], b[o]) for o in dilemma.outcomes],
        "median_a": median_lifetime(a, horizon),
        "median_b": median_lifetime(b, horizon),
    }


def compare(dilemma: Dilemma, runs: int = COMPARISON_RUNS, seed: int = 0) -> dict[str, Any]:
    """Run both options on seeds ``seed .. seed + runs - 1`` and summarise them."""
    seeds = range(seed, seed + runs)
    return summarise(dilemma, run_option(dilemma, "a", seeds), run_option(dilemma, "b", seeds))


def format_value(outcome: str, value: float) -> str:
    """A measure as the card prints it."""
    return FORMATS.get(outcome, "{:.0f}").format(value)


def format_lifetime(months: float, horizon: int, more_than: str, in_months: str) -> str:
    """A median lifetime with its unit (``in_months``, e.g. "{months} months"), or
    ``more_than`` (e.g. "> {horizon} months") above the horizon."""
    if math.isnan(months):
        return more_than.format(horizon=horizon)
    return in_months.format(months=f"{months:.0f}")
