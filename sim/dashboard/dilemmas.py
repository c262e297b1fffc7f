"""Dilemma cards: one scenario, two options that differ in one setting, compared over many runs.

Each card names the outcomes that carry its dilemma (what option A wins and what it
costs), so a class sees both sides, not only who lasted longer. Both options run on
the same seeds (the model's common random numbers keep runs paired), and every
difference comes with a paired 95% interval: where it includes zero the card says
the difference is within the noise, and the trainer can run more.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
import tomllib
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.survival import kaplan_meier
from sim.config.knobs import resolve_knobs
from sim.model import AllianceModel
from sim.model.outcomes import OUTCOMES

PRESETS = Path(__file__).parent / "dilemmas.toml"
#: Paired runs a card's first comparison makes: enough that every direction a card's text
#: claims lies outside the noise at the seeds the page uses (checked in tests/test_dashboard.py),
#: few enough that the comparison takes a few seconds (about 25 ms a run, A and B side by side).
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


def run_option(dilemma: Dilemma, option: str, seeds: Iterable[int]) -> pd.DataFrame:
    """One row per seed: every measure of :data:`MEASURES` for one option of the card."""
    rows = []
    for seed in seeds:
        model = AllianceModel(dilemma.scenario, rng=seed, collect=False, **dilemma.knobs(option))
        model.run()
        rows.append({"seed": seed, **{name: measure(model) for name, measure in MEASURES.items()}})
    return pd.DataFrame(rows)


#: Comparisons run in worker processes: A and B side by side, and the server's interpreter
#: stays free to answer the page while a class's comparisons run.
_POOL: ProcessPoolExecutor | None = None


def _leave_with(parent: int) -> None:
    """A worker's watch: end the worker when the server that started it has gone (a
    stopped server must not leave workers behind holding memory)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def run_options(dilemma: Dilemma, seeds: Iterable[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both options of a card on the same seeds (see :func:`run_option`), in worker processes."""
    global _POOL
    if _POOL is None:
        _POOL = ProcessPoolExecutor(
            max_workers=2,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_leave_with,
            initargs=(os.getpid(),),
        )
    seeds = list(seeds)
    a = _POOL.submit(run_option, dilemma, "a", seeds)
    b = _POOL.submit(run_option, dilemma, "b", seeds)
    return a.result(), b.result()


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
    horizon = AllianceModel(dilemma.scenario, rng=0, collect=False, **dilemma.knobs("a")).horizon
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
