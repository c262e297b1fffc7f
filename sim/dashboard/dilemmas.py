"""Dilemma cards: named pairs of settings (A versus B) compared over many runs."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.knobs import resolve_knobs
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
        outcomes = [AllianceModel(dilemma.scenario, rng=seed + i, collect=False, **knobs).run()
                    for i in range(runs)]
        durations = np.array([o["duration"] for o in outcomes])
        dissolved = np.array([o["dissolved"] for o in outcomes])
        ended = np.sort(durations[dissolved])
        median = float(ended[runs // 2]) if ended.size > runs // 2 else float("nan")
        result[option] = {"survived": float(1 - dissolved.mean()),
                          "mean_value": float(np.mean([o["total_value"] for o in outcomes])),
                          "median_lifetime": median,
                          "gini": float(np.mean([o["gini"] for o in outcomes]))}
    return result
