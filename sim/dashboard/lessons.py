"""Lesson presets: settings under which the moment a lesson needs really happens.

A lesson plan that says "after a shock the province's power grows" or "at high
turbulence, watch relational capital being built" needs a run where that happens,
in front of the class, at a known month. Each preset (``lessons.toml``) names a
scenario, knobs and a seed; each has a check (:data:`MOMENTS`) that runs the model
and reports whether, and when, its moment happens.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.config.knobs import resolve_knobs
from sim.config.vocabulary import POWER_BASES
from sim.model import AllianceModel

PRESETS = Path(__file__).parent / "lessons.toml"

#: A power shift a class can see on the stacked power chart (share of effective power).
VISIBLE_SHIFT = 0.08
#: Months after a shock within which its shift of power is read.
SHIFT_WINDOW = 6


@dataclass(frozen=True)
class Lesson:
    """A lesson preset: scenario, knobs and seed."""

    key: str
    scenario: str
    seed: int
    knobs: dict[str, Any]

    def model(self) -> AllianceModel:
        return AllianceModel(self.scenario, rng=self.seed, collect=False, **self.knobs)


def lessons() -> list[Lesson]:
    """The lesson presets in the order of the file, knobs validated."""
    data = tomllib.loads(PRESETS.read_text(encoding="utf-8"))
    found = []
    for key, entry in data.items():
        resolve_knobs(entry["knobs"])
        found.append(Lesson(key, entry["scenario"], int(entry["seed"]), dict(entry["knobs"])))
    return found


def crisis_shifts_power(lesson: Lesson) -> dict[str, Any]:
    """A crisis hits within the first 40 months and, within six months, moves at least
    :data:`VISIBLE_SHIFT` of effective power to the partner with most formal authority,
    and the alliance is still there a year after the crisis, to talk about it."""
    model = lesson.model()
    power = [model.effective_power.copy()]
    while model.running:
        model.step()
        power.append(model.effective_power.copy())
    series = np.array(power)
    authority = int(np.argmax(model.partners.power[:, POWER_BASES.index("authority")]))
    for month, kind, details in model.events:
        if kind == "shock" and details["kind"] == "crisis" and month <= 40:
            after = series[min(month + SHIFT_WINDOW, len(series) - 1), authority]
            shift = float(after - series[max(month - 1, 0), authority])
            if shift >= VISIBLE_SHIFT and model.duration >= month + 12:
                return {
                    "happens": True,
                    "month": month,
                    "partner": model.partners.names[authority],
                    "shift": shift,
                }
    return {"happens": False}


def turbulent_alliance(lesson: Lesson) -> dict[str, Any]:
    """A turbulent alliance that lives long enough to discuss: at least three shocks, at
    least four years together, and relational capital built to 0.5 or more on the way."""
    model = lesson.model()
    capital = 0.0
    while model.running:
        model.step()
        capital = max(capital, float(model.alliance.relational_capital))
    shocks = [month for month, kind, _ in model.events if kind == "shock"]
    happens = len(shocks) >= 3 and model.duration >= 48 and capital >= 0.5
    return {
        "happens": bool(happens),
        "months": model.duration,
        "shock_months": shocks,
        "peak_capital": capital,
        "dissolved": bool(model.dissolved),
    }


#: The check of each preset's moment, by key.
MOMENTS: dict[str, Callable[[Lesson], dict[str, Any]]] = {
    "crisis_shifts_power": crisis_shifts_power,
    "turbulent_alliance": turbulent_alliance,
}
