"""Analysis on synthetic tables where the answer is known, and the report as a reader gets it."""

import re

import numpy as np
import pandas as pd
import pytest

from sim.analysis.report import make_report
from sim.analysis.robustness import robustness_table
from sim.analysis.sensitivity import sobol_indices, switch_effects
from sim.analysis.statistics import difference_interval, hedges_g, mean_interval
from sim.analysis.survival import hazard_by_year, kaplan_meier, logrank_tests, survival_table
from sim.sweeps.experiment import load_experiment
from sim.sweeps.runner import run_experiment

# Six alliances: ended at months 2, 3, 3 and 5; two censored at the horizon (month 6).
SMALL = pd.DataFrame({"duration": [2, 3, 3, 5, 6, 6], "dissolved": [True, True, True, True, False, False],
                      "group": ["a"] * 6})


def test_kaplan_meier_matches_the_hand_computed_product_limit():
    curve = kaplan_meier(SMALL, horizon=6)
    # S(2) = 5/6; S(3) = 5/6 * 3/5 = 1/2; S(5) = 1/2 * 2/3 = 1/3; then flat (censored).
    assert curve.at(1) == pytest.approx(1.0)
    assert curve.survival[2] == pytest.approx(5 / 6)
    assert curve.survival[3] == pytest.approx(1 / 2)
    assert curve.survival[5] == pytest.approx(1 / 3)
    assert curve.survival[6] == pytest.approx(1 / 3)
    assert curve.median == 3
    assert np.all(curve.low <= curve.survival + 1e-12) and np.all(curve.survival <= curve.high + 1e-12)


def test_kaplan_meier_with_censoring_before_the_end():
    runs = pd.DataFrame({"duration": [1, 2, 3, 4], "dissolved": [True, False, True, False]})
    curve = kaplan_meier(runs, horizon=4)
    # S(1) = 3/4; the run censored at 2 leaves 2 at risk at 3: S(3) = 3/4 * 1/2 = 3/8.
    assert curve.survival[1] == pytest.approx(0.75)
    assert curve.survival[3] == pytest.approx(0.375)


def test_logrank_matches_the_hand_computed_statistic():
    runs = pd.DataFrame({"duration": [1, 2, 3, 3], "dissolved": [True, True, False, False],
                         "group": ["x", "x", "y", "y"]})
    # At t=1: 4 at risk (2 in x), 1 event: E_x = 0.5, V = 0.25. At t=2: 3 at risk (1 in x):
    # E_x = 1/3, V = 2/9. O_x - E_x = 2 - 5/6 = 7/6; chi2 = (7/6)^2 / (17/36) = 49/17.
    result = logrank_tests(runs, "group").iloc[0]
    assert result["statistic"] ** 2 == pytest.approx(49 / 17)
    assert result["p_value"] == pytest.approx(0.0896, abs=1e-3)


def test_survival_table_and_hazard_by_year():
    runs = pd.DataFrame({"duration": [6, 18, 24, 24], "dissolved": [True, True, False, False],
                         "group": ["g"] * 4})
    table = survival_table(runs, "group", horizon=24)
    assert table["dissolved"].iloc[0] == 0.5 and table["survival_at_horizon"].iloc[0] == pytest.approx(0.5)
    hazard = hazard_by_year(runs, "group", horizon=24)
    assert hazard["hazard"].tolist() == pytest.approx([0.25, 1 / 3])


def test_bootstrap_intervals_cover_a_known_mean_most_of_the_time():
    rng = np.random.default_rng(5)
    covered = 0
    for _ in range(60):
        sample = rng.normal(10.0, 2.0, 40)
        _, low, high = mean_interval(sample)
        covered += low <= 10.0 <= high
    assert covered >= 51  # 95% nominal; at least 85% of 60


def test_difference_interval_and_effect_size_find_a_known_shift():
    rng = np.random.default_rng(6)
    a, b = rng.normal(3.0, 1.0, 200), rng.normal(2.0, 1.0, 200)
    diff, low, high = difference_interval(a, b)
    assert low < 1.0 < high and low > 0.5
    assert hedges_g(a, b) == pytest.approx(1.0, abs=0.25)


def test_sobol_indices_of_the_ishigami_function_are_recovered():
    from SALib.sample import sobol as sobol_sample
    from SALib.test_functions import Ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol_sample.sample(problem, 1024, calc_second_order=False, seed=1)
    y = Ishigami.evaluate(x)
    runs = pd.DataFrame({"point_id": np.arange(len(y)), "status": "ok", "y": y})
    indices = sobol_indices(problem, runs, "y").set_index("factor")
    # Analytical values: S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244.
    assert indices.loc["x1", "S1"] == pytest.approx(0.314, abs=0.06)
    assert indices.loc["x2", "S1"] == pytest.approx(0.442, abs=0.06)
    assert indices.loc["x3", "S1"] == pytest.approx(0.0, abs=0.06)
    assert indices.loc["x3", "ST"] == pytest.approx(0.244, abs=0.06)


def test_switch_effects_recover_an_effect_whose_sign_depends_on_another_factor():
    """y = (2 * switch) * (x - 0.5): switching on helps where x > 0.5 and hurts below."""
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 2, "names": ["switch", "x"], "bounds": [[0.0, 1.0]] * 2}
    unit = sobol_sample.sample(problem, 64, calc_second_order=False, seed=3)
    design = pd.DataFrame({"point_id": np.arange(len(unit)), "switch": (unit[:, 0] >= 0.5).astype(int),
                           "x": unit[:, 1]})
    y = 2.0 * design["switch"] * (design["x"] - 0.5)
    runs = pd.DataFrame({"point_id": design["point_id"], "status": "ok", "y": y})
    effects = switch_effects(problem, design, runs, "switch", "y")
    assert len(effects) > 10 and (effects["switch_from"] != effects["switch_to"]).all()
    expected = 2.0 * (effects["switch_to"] - effects["switch_from"]) * (effects["x"] - 0.5)
    assert np.allclose(effects["effect"], expected)


def test_robustness_table_ranks_designs_by_regret():
    runs = pd.DataFrame({
        "status": "ok", "design": ["A", "A", "B", "B"], "future": ["calm", "storm"] * 2,
        "total_value": [10.0, 2.0, 8.0, 6.0],
    })
    table = robustness_table(runs, ["design"], ["future"], "total_value")
    first = table.iloc[0]
    assert first.iloc[0] == "B" and first["max_regret"] == 2.0 and first["worst_future"] == "calm"
    assert table.iloc[1]["max_regret"] == 4.0


EXPERIMENT = """
[experiment]
name = "tiny"
scenario = "pps_infrastructure"
steps = 36
replications = 6
seed = 3
timeseries = true

[factors]
manager = ["none", "independent"]
turbulence = [0.2, 0.6]
"""


def test_the_report_is_self_contained_and_contains_every_figure_it_lists(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(EXPERIMENT)
    out = tmp_path / "tiny"
    run_experiment(load_experiment(path), out=out, workers=1, progress=False)
    report = make_report(out)
    page = report.read_text()
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", page)
    figures = sorted(p.stem for p in (out / "figures").glob("*.png"))
    assert {"survival_by_manager", "value_by_manager", "duration_value", "time_series"} <= set(figures)
    for name in figures:
        assert f"id='{name}'" in page and (out / "figures" / f"{name}.svg").exists()
    assert page.count("data:image/png;base64,") == len(figures)
    assert (out / "tables" / "survival.csv").exists() and (out / "tables" / "effects.csv").exists()
    headline = re.findall(r"<p class='headline'>(.*?)</p>", page)
    assert any("manager = independent" in line and "95% CI" in line for line in headline)
