"""Dilemma cards: named pairs of settings (A versus B) compared over many runs."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.survival import kaplan_meier
from sim.config.knobs import resolve_knobs
from sim.model import AllianceModel

PRESETS = Path(__file__).parent / "dilemmas.toml"


@dataclass(frozen=True)
class Dilemma:
    """A dilemma of collaboration: one scenario, two ways to set it up."""

    key: str
    scenario: str
    a: dict[str, Any]
    b: dict[str, Any]


def dilemmas() -> list[Dilemma]:
    """The preset dilemmas, in the order of the file; each option's knobs are validated."""
    data = tomllib.loads(PRESETS.read_text(encoding="utf-8"))
    cards = []
    for key, entry in data.items():
        resolve_knobs(entry["a"])
        resolve_knobs(entry["b"])
        cards.append(Dilemma(key, entry["scenario"], entry["a"], entry["b"]))
    return cards


def compare(dilemma: Dilemma, runs: int = 40, seed: int = 0) -> dict[str, dict[str, float]]:
    """Run both options on the same seeds; survival share, mean value and median lifetime of each."""
    result = {}
    for option, knobs in (("a", dilemma.a), ("b", dilemma.b)):
        models = [AllianceModel(dilemma.scenario, rng=seed + i, collect=False, **knobs)
                  for i in range(runs)]
        outcomes = pd.DataFrame([model.run() for model in models])
        result[option] = {"survived": float(1 - outcomes["dissolved"].mean()),
                          "mean_value": float(outcomes["total_value"].mean()),
                          "median_lifetime": kaplan_meier(outcomes, models[0].horizon).median,
                          "gini": float(outcomes["gini"].mean())}
    return result
