"""Scenario discovery on synthetic data with a planted answer: PRIM finds the box, feature
scores rank the factors that matter first."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.exploration import Box, feature_scores, prim_box


def planted(n: int = 3000, seed: int = 11) -> tuple[pd.DataFrame, np.ndarray]:
    """Runs end badly with probability 0.9 when turbulence > 0.6 in the open_innovation
    scenario, and 0.05 elsewhere; shock_rate and noise do nothing."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "turbulence": rng.uniform(0.0, 1.0, n),
            "scenario": rng.choice(
                ["pps_infrastructure", "open_innovation", "regional_network"], n
            ),
            "shock_rate": rng.uniform(0.0, 3.0, n),
            "noise": rng.integers(0, 10, n),
        }
    )
    inside = (x["turbulence"] > 0.6) & (x["scenario"] == "open_innovation")
    y = np.where(inside, rng.random(n) < 0.9, rng.random(n) < 0.05)
    return x, y


def test_prim_finds_the_planted_box_and_only_its_factors():
    x, y = planted()
    box = prim_box(x, y, threshold=0.8)
    assert isinstance(box, Box)
    assert set(box.limits) == {"turbulence", "scenario"}  # `scenario` is not dropped as a name
    low, high = box.limits["turbulence"]
    assert low == pytest.approx(0.6, abs=0.05) and high == pytest.approx(1.0, abs=0.01)
    assert box.limits["scenario"] == ("open_innovation",)
    assert box.density >= 0.8
    inside = (
        (x["turbulence"] >= low) & (x["turbulence"] <= high) & (x["scenario"] == "open_innovation")
    )
    assert box.mass == pytest.approx(inside.mean(), abs=1e-9)
    assert box.coverage == pytest.approx(y[inside].sum() / y.sum(), abs=1e-9)
    assert (
        box.describe()
        == f"turbulence between {low:.3g} and {high:.3g} and scenario is open_innovation"
    )


def test_prim_returns_no_box_without_cases_or_when_no_box_is_dense_enough():
    x, y = planted()
    assert prim_box(x, np.zeros(len(x), dtype=bool)) is None
    rng = np.random.default_rng(5)
    assert prim_box(x, rng.random(len(x)) < 0.3, threshold=0.9) is None  # cases at random


def test_a_factor_empty_where_it_does_not_apply_is_read_as_the_level_n_a():
    x, y = planted()
    x["manager_position"] = np.where(np.arange(len(x)) % 2 == 0, np.nan, 0.5)
    box = prim_box(x, y, threshold=0.8)
    assert box is not None and "manager_position" not in box.limits


def test_feature_scores_rank_the_planted_factors_above_the_noise():
    x, y = planted()
    scores = feature_scores(x, y)
    assert set(scores.index[:2]) == {"turbulence", "scenario"}
    assert scores.sum() == pytest.approx(1.0)
    assert (
        scores["turbulence"] > 3 * scores["noise"] and scores["scenario"] > 3 * scores["shock_rate"]
    )
    assert scores.is_monotonic_decreasing


def test_an_outcome_that_never_varies_scores_every_factor_zero():
    x = pd.DataFrame({"turbulence": np.linspace(0, 1, 50), "manager": ["none", "independent"] * 25})
    scores = feature_scores(x, np.zeros(50, dtype=bool))
    assert (scores == 0).all() and set(scores.index) == {"turbulence", "manager"}
