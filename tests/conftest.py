"""Shared fixtures: small, fast model runs."""

from __future__ import annotations

import pytest

from sim import AllianceModel


def run_outcomes(scenario: str, seeds: range, **knobs) -> list[dict]:
    """Outcomes of one run per seed, without per-step data."""
    return [AllianceModel(scenario, rng=seed, collect=False, **knobs).run() for seed in seeds]


@pytest.fixture
def pps_model() -> AllianceModel:
    return AllianceModel("pps_infrastructure", rng=7)
