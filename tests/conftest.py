"""Shared helpers and fixtures: parameter defaults and small, fast model runs."""

from __future__ import annotations

from typing import Any

import pytest

from sim import AllianceModel
from sim.config.knobs import KNOBS, resolve_knobs


def default(name: str) -> Any:
    """The default of a knob or constant, from the one parameter table."""
    return KNOBS[name].default


def params(**overrides: Any) -> dict[str, Any]:
    """Every parameter at its default, with ``overrides`` (validated like a caller's knobs)."""
    return resolve_knobs(overrides)


def run_outcomes(scenario: str, seeds: range, **knobs) -> list[dict]:
    """Outcomes of one run per seed, without per-step data."""
    return [AllianceModel(scenario, rng=seed, collect=False, **knobs).run() for seed in seeds]


def step_until_formed(model: AllianceModel, months: int = 24) -> bool:
    """Step ``model`` until its partners reach a first agreement; False if they have not within
    ``months`` or the run ended."""
    for _ in range(months):
        if model.alliance.formed or not model.running:
            break
        model.step()
    return model.alliance.formed and model.running


def formed_model(
    scenario: str = "open_innovation", seeds: range = range(30), **knobs
) -> AllianceModel:
    """The first run among ``seeds`` whose partners agree, stopped in the month they did."""
    for seed in seeds:
        model = AllianceModel(scenario, rng=seed, collect=False, **knobs)
        if step_until_formed(model):
            return model
    raise AssertionError(f"no {scenario} alliance formed for seeds {seeds} with {knobs}")


@pytest.fixture
def pps_model() -> AllianceModel:
    return AllianceModel("pps_infrastructure", rng=7)
