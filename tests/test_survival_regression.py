"""Adjusted survival analysis on data where the answer is known: hazard ratios, competing
causes of ending, restricted mean survival time."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis.survival import (
    cause_specific_hazards,
    cause_table,
    cox_model,
    cumulative_incidence,
    kaplan_meier,
    median_label,
    restricted_mean,
    rmst_table,
    survival_table,
)

HORIZON = 120


def exponential_runs(
    rng: np.random.Generator, rates: dict[str, float], n: int, horizon: int = HORIZON
) -> pd.DataFrame:
    """Alliances whose ending is exponential with a rate per manager mode, in whole months,
    censored at the horizon, plus a numeric factor (turbulence) that does nothing."""
    frames = []
    for manager, rate in rates.items():
        months = np.ceil(rng.exponential(1 / rate, n))
        frames.append(
            pd.DataFrame(
                {
                    "manager": manager,
                    "turbulence": rng.uniform(0.05, 0.6, n),
                    "duration": np.minimum(months, horizon).astype(int),
                    "dissolved": months <= horizon,
                }
            )
        )
    runs = pd.concat(frames, ignore_index=True)
    runs["end_cause"] = np.where(runs["dissolved"], "essential_left", "censored")
    return runs


def test_cox_recovers_a_hazard_ratio_of_two_and_finds_no_effect_where_there_is_none():
    runs = exponential_runs(np.random.default_rng(1), {"none": 0.01, "independent": 0.02}, 1500)
    fit = cox_model(runs, ["manager", "turbulence"], "manager")
    table = fit.hazard_ratios.set_index("term")
    manager = table.loc["manager = independent (vs none)"]
    assert manager["hazard_ratio"] == pytest.approx(2.0, rel=0.1)
    assert manager["low"] < 2.0 < manager["high"]
    turbulence = table.loc[[t for t in table.index if t.startswith("turbulence")][0]]
    assert turbulence["low"] < 1.0 < turbulence["high"]
    assert fit.strata == () and "No term violated" in fit.note


def test_a_factor_whose_hazards_cross_is_stratified_and_the_manager_still_recovered():
    """In one scenario alliances end early (Weibull shape 0.5), in the other late (shape 3):
    hazards that cross violate proportional hazards, so the scenario becomes a stratum."""
    rng = np.random.default_rng(2)
    frames = []
    for scenario, shape in (("early", 0.5), ("late", 3.0)):
        for manager, ratio in (("none", 1.0), ("independent", 0.5)):
            scale = 60 * ratio ** (-1 / shape)  # hazard ratio `ratio` under a Weibull model
            months = np.ceil(scale * rng.weibull(shape, 1000))
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": scenario,
                        "manager": manager,
                        "duration": np.minimum(months, HORIZON).astype(int),
                        "dissolved": months <= HORIZON,
                    }
                )
            )
    runs = pd.concat(frames, ignore_index=True)
    fit = cox_model(runs, ["scenario", "manager"], "manager")
    assert fit.strata == ("scenario",)
    assert fit.ph_test.set_index("term").loc["scenario = late (vs early)", "p_value"] < 0.01
    assert "stratified on it" in fit.note
    manager = fit.hazard_ratios.set_index("term").loc["manager = independent (vs none)"]
    assert manager["hazard_ratio"] == pytest.approx(0.5, rel=0.12)


def test_cause_specific_hazards_separate_a_cause_the_manager_halves_from_one_it_leaves_alone():
    rng = np.random.default_rng(3)
    frames = []
    for manager, essential_rate in (("none", 0.02), ("independent", 0.01)):
        n = 2000
        essential = np.ceil(rng.exponential(1 / essential_rate, n))
        quorum = np.ceil(rng.exponential(1 / 0.01, n))
        first = np.minimum(essential, quorum)
        cause = np.where(
            first > HORIZON,
            "censored",
            np.where(essential <= quorum, "essential_left", "below_quorum"),
        )
        frames.append(
            pd.DataFrame(
                {
                    "manager": manager,
                    "duration": np.minimum(first, HORIZON).astype(int),
                    "dissolved": first <= HORIZON,
                    "end_cause": cause,
                }
            )
        )
    runs = pd.concat(frames, ignore_index=True)
    table = cause_specific_hazards(runs, ["manager"], "manager").set_index("cause")
    assert table.loc["essential_left", "hazard_ratio"] == pytest.approx(0.5, rel=0.12)
    assert table.loc["below_quorum", "low"] < 1.0 < table.loc["below_quorum", "high"]


# Six runs with two causes and censoring before the horizon (month 5).
COMPETING = pd.DataFrame(
    {
        "duration": [1, 2, 2, 3, 4, 5],
        "dissolved": [True, True, False, True, True, False],
        "end_cause": [
            "essential_left",
            "below_quorum",
            "censored",
            "essential_left",
            "below_quorum",
            "censored",
        ],
        "group": "g",
    }
)


def test_cumulative_incidence_matches_the_hand_computed_aalen_johansen_estimate():
    cif = cumulative_incidence(COMPETING, horizon=5)
    # t=1: 6 at risk, one essential_left: I_e = 1/6, S = 5/6.
    # t=2: 5 at risk, one below_quorum: I_b = 5/6 * 1/5 = 1/6, S = 2/3; one censored leaves.
    # t=3: 3 at risk, one essential_left: I_e = 1/6 + 2/3 * 1/3 = 7/18, S = 4/9.
    # t=4: 2 at risk, one below_quorum: I_b = 1/6 + 4/9 * 1/2 = 7/18, S = 2/9.
    assert cif.at("essential_left", 1) == pytest.approx(1 / 6)
    assert cif.at("below_quorum", 2) == pytest.approx(1 / 6)
    assert cif.at("essential_left", 3) == pytest.approx(7 / 18)
    assert cif.at("below_quorum", 4) == pytest.approx(7 / 18)
    survival = kaplan_meier(COMPETING, horizon=5).survival
    total = cif.incidence["essential_left"] + cif.incidence["below_quorum"] + survival
    assert np.allclose(total, 1.0), "every run either still runs or ended for one of the causes"


def test_never_formed_is_a_cause_of_its_own_in_the_causes_table():
    runs = COMPETING.assign(end_cause=["never_formed", *COMPETING["end_cause"][1:]])
    table = cause_table(runs, "group").iloc[0]
    assert table["never_formed"] == 1 and table["censored"] == 2 and table["runs"] == 6
    assert table["share_censored"] == pytest.approx(1 / 3)


def test_restricted_mean_survival_time_is_the_area_under_the_kaplan_meier_curve():
    curve = kaplan_meier(COMPETING, horizon=5)
    # The curve is a step function on whole months: the area to month 5 is S(0) + ... + S(4).
    area = float(curve.survival[:-1].sum())
    assert restricted_mean(COMPETING["duration"], COMPETING["dissolved"], 5) == pytest.approx(area)
    assert area == pytest.approx(1 + 5 / 6 + 2 / 3 + 4 / 9 + 2 / 9)


def test_without_censoring_before_the_horizon_rmst_is_the_mean_duration_with_an_interval():
    runs = exponential_runs(np.random.default_rng(4), {"none": 0.02}, 300)
    table = rmst_table(runs, "manager", HORIZON).iloc[0]
    assert table["rmst"] == pytest.approx(runs["duration"].mean())
    assert table["low"] < table["rmst"] < table["high"]
    # Exponential with rate 0.02 in whole months, cut at 120: E[min(ceil(T), 120)] ≈ 46.2.
    assert table["low"] < 1 / (1 - np.exp(-0.02)) * (1 - np.exp(-0.02 * HORIZON)) < table["high"]


def test_a_median_beyond_the_horizon_is_shown_as_such_not_blank():
    runs = pd.DataFrame(
        {"duration": [10, 120, 120], "dissolved": [True, False, False], "group": "a"}
    )
    row = survival_table(runs, "group", 120).iloc[0]
    assert np.isnan(row["median_months"]) and row["median_lifetime"] == "> 120"
    assert median_label(36.0, 120) == "36"


def test_a_factor_nested_within_the_manager_is_not_made_a_stratum_even_when_its_hazards_cross():
    """Interventions exist only with a manager. Their hazards cross (one portfolio ends
    alliances early, the other late), but stratifying on them would put every run without a
    manager in a stratum of its own and the manager's ratio could no longer be estimated."""
    rng = np.random.default_rng(6)
    n = 1500
    none = np.ceil(rng.exponential(50.0, n))
    early = np.ceil(60 * rng.weibull(0.5, n))
    late = np.ceil(60 * rng.weibull(3.0, n))
    runs = pd.DataFrame(
        {
            "manager": ["none"] * n + ["independent"] * 2 * n,
            "interventions": [None] * n + ["mediate"] * n + ["formalise"] * n,
            "months": np.concatenate([none, early, late]),
        }
    )
    runs["duration"] = np.minimum(runs["months"], HORIZON).astype(int)
    runs["dissolved"] = runs["months"] <= HORIZON
    fit = cox_model(runs, ["manager", "interventions"], "manager")
    assert fit.strata == () and "kept as covariates" in fit.note
    manager = fit.hazard_ratios.set_index("term").loc["manager = independent (vs none)"]
    assert (
        np.isfinite(manager["low"])
        and np.isfinite(manager["high"])
        and manager["high"] / manager["low"] < 2
    )


def test_an_effect_that_depends_on_turbulence_is_found_per_level_and_by_its_interaction_test():
    """The manager halves the hazard in a calm context and doubles it in a turbulent one."""
    rng = np.random.default_rng(5)
    frames = []
    for turbulence, ratio in ((0.2, 0.5), (0.5, 2.0)):
        part = exponential_runs(rng, {"none": 0.01, "independent": 0.01 * ratio}, 1500)
        frames.append(part.assign(turbulence=turbulence))
    runs = pd.concat(frames, ignore_index=True)
    from sim.analysis.survival import effect_modification

    table, p_value = effect_modification(runs, ["manager", "turbulence"], "manager", "turbulence")
    ratios = table.set_index("turbulence")["hazard_ratio"]
    assert ratios[0.2] == pytest.approx(0.5, rel=0.15) and ratios[0.5] == pytest.approx(
        2.0, rel=0.15
    )
    assert p_value < 1e-6


@pytest.mark.slow
def test_the_interaction_test_rejects_a_constant_effect_no_more_often_than_its_level():
    """Under no interaction, p-values are roughly uniform: about 5% fall below 0.05."""
    from sim.analysis.survival import effect_modification

    rng = np.random.default_rng(6)
    p_values = []
    for _ in range(40):
        frames = [
            exponential_runs(rng, {"none": 0.01, "independent": 0.02}, 150).assign(turbulence=t)
            for t in (0.2, 0.5)
        ]
        table, p_value = effect_modification(
            pd.concat(frames, ignore_index=True), ["manager", "turbulence"], "manager", "turbulence"
        )
        p_values.append(p_value)
    p_values = np.array(p_values)
    assert np.mean(p_values < 0.05) <= 0.15
    assert 0.35 < p_values.mean() < 0.65


def test_terms_the_data_cannot_tell_apart_give_no_model_rather_than_an_error():
    """Every run with a manager is in scenario b: the manager and the scenario are one term."""
    runs = pd.DataFrame(
        {
            "manager": ["none"] * 6 + ["independent"] * 6,
            "scenario": ["a"] * 6 + ["b"] * 6,
            "duration": [5, 9, 120, 30, 120, 44, 7, 120, 15, 120, 80, 120],
            "dissolved": [True, True, False, True, False, True] + [True, False] * 3,
        }
    )
    assert cox_model(runs, ["manager", "scenario"], "manager") is None
    assert cox_model(runs, ["manager"], "manager") is not None
