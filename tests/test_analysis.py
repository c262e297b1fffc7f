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
SMALL = pd.DataFrame(
    {
        "duration": [2, 3, 3, 5, 6, 6],
        "dissolved": [True, True, True, True, False, False],
        "group": ["a"] * 6,
    }
)


def test_kaplan_meier_matches_the_hand_computed_product_limit():
    curve = kaplan_meier(SMALL, horizon=6)
    # S(2) = 5/6; S(3) = 5/6 * 3/5 = 1/2; S(5) = 1/2 * 2/3 = 1/3; then flat (censored).
    assert curve.at(1) == pytest.approx(1.0)
    assert curve.survival[2] == pytest.approx(5 / 6)
    assert curve.survival[3] == pytest.approx(1 / 2)
    assert curve.survival[5] == pytest.approx(1 / 3)
    assert curve.survival[6] == pytest.approx(1 / 3)
    assert curve.median == 3
    assert np.all(curve.low <= curve.survival + 1e-12) and np.all(
        curve.survival <= curve.high + 1e-12
    )


def test_kaplan_meier_with_censoring_before_the_end():
    runs = pd.DataFrame({"duration": [1, 2, 3, 4], "dissolved": [True, False, True, False]})
    curve = kaplan_meier(runs, horizon=4)
    # S(1) = 3/4; the run censored at 2 leaves 2 at risk at 3: S(3) = 3/4 * 1/2 = 3/8.
    assert curve.survival[1] == pytest.approx(0.75)
    assert curve.survival[3] == pytest.approx(0.375)


def test_logrank_matches_the_hand_computed_statistic():
    runs = pd.DataFrame(
        {
            "duration": [1, 2, 3, 3],
            "dissolved": [True, True, False, False],
            "group": ["x", "x", "y", "y"],
        }
    )
    # At t=1: 4 at risk (2 in x), 1 event: E_x = 0.5, V = 0.25. At t=2: 3 at risk (1 in x):
    # E_x = 1/3, V = 2/9. O_x - E_x = 2 - 5/6 = 7/6; chi2 = (7/6)^2 / (17/36) = 49/17.
    result = logrank_tests(runs, "group").iloc[0]
    assert result["statistic"] ** 2 == pytest.approx(49 / 17)
    assert result["p_value"] == pytest.approx(0.0896, abs=1e-3)


def test_survival_table_and_hazard_by_year():
    runs = pd.DataFrame(
        {"duration": [6, 18, 24, 24], "dissolved": [True, True, False, False], "group": ["g"] * 4}
    )
    table = survival_table(runs, "group", horizon=24)
    assert table["ended"].iloc[0] == 0.5 and table["survival_at_horizon"].iloc[0] == pytest.approx(
        0.5
    )
    hazard = hazard_by_year(runs, "group", horizon=24)
    assert hazard["hazard"].tolist() == pytest.approx([0.25, 1 / 3])


# Group "a": four alliances formed (one ended at month 6, three ran to month 24) and eight
# never formed, failing to found at month 3; group "b": four formed, none ended, none failed.
WITH_FAILED_FOUNDINGS = pd.DataFrame(
    {
        "duration": [6, 24, 24, 24] + [3] * 8 + [24] * 4,
        "dissolved": [True, False, False, False] + [True] * 8 + [False] * 4,
        "formed": [True] * 4 + [False] * 8 + [True] * 4,
        "group": ["a"] * 12 + ["b"] * 4,
    }
)


def test_never_formed_alliances_stay_out_of_the_kaplan_meier_table_and_are_reported_as_the_share_founded():
    row = survival_table(WITH_FAILED_FOUNDINGS, "group", horizon=24).set_index("group").loc["a"]
    assert row["runs"] == 12 and row["founded"] == pytest.approx(1 / 3) and row["formed_runs"] == 4
    # Of the four that formed one ended: 25% ended, KM survival 3/4. Counting the failed
    # foundings as dissolutions would give 9 of 12 ended and survival 1/4.
    assert row["ended"] == pytest.approx(0.25)
    assert row["survival_at_horizon"] == pytest.approx(0.75)
    assert row["median_lifetime"] == "> 24"


def test_never_formed_alliances_stay_out_of_the_log_rank_test_and_the_hazard_by_year():
    hazard = hazard_by_year(WITH_FAILED_FOUNDINGS, "group", horizon=24).set_index(["group", "year"])
    assert hazard.loc[("a", 1), "at_risk"] == 4 and hazard.loc[("a", 1), "hazard"] == pytest.approx(
        0.25
    )
    formed = WITH_FAILED_FOUNDINGS[WITH_FAILED_FOUNDINGS["formed"]]
    assert logrank_tests(WITH_FAILED_FOUNDINGS, "group")["statistic"].iloc[0] == pytest.approx(
        logrank_tests(formed, "group")["statistic"].iloc[0]
    )
    # with the failed foundings as events, the two groups would look far apart
    assert (
        logrank_tests(WITH_FAILED_FOUNDINGS.drop(columns="formed"), "group")["p_value"].iloc[0]
        < 0.05
    )
    assert logrank_tests(WITH_FAILED_FOUNDINGS, "group")["p_value"].iloc[0] > 0.2


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
    design = pd.DataFrame(
        {
            "point_id": np.arange(len(unit)),
            "switch": (unit[:, 0] >= 0.5).astype(int),
            "x": unit[:, 1],
        }
    )
    y = 2.0 * design["switch"] * (design["x"] - 0.5)
    runs = pd.DataFrame({"point_id": design["point_id"], "status": "ok", "y": y})
    effects = switch_effects(problem, design, runs, "switch", "y")
    assert len(effects) > 10 and (effects["switch_from"] != effects["switch_to"]).all()
    expected = 2.0 * (effects["switch_to"] - effects["switch_from"]) * (effects["x"] - 0.5)
    assert np.allclose(effects["effect"], expected)


def test_robustness_table_ranks_designs_by_regret():
    runs = pd.DataFrame(
        {
            "status": "ok",
            "design": ["A", "A", "B", "B"],
            "future": ["calm", "storm"] * 2,
            "total_value": [10.0, 2.0, 8.0, 6.0],
        }
    )
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
    assert {"survival_by_manager", "value_by_manager", "duration_value", "time_series"} <= set(
        figures
    )
    for name in figures:
        assert f"id='{name}'" in page and (out / "figures" / f"{name}.svg").exists()
    assert page.count("data:image/png;base64,") == len(figures)
    assert (out / "tables" / "survival.csv").exists() and (out / "tables" / "effects.csv").exists()
    headline = re.findall(r"<p class='headline'>(.*?)</p>", page)
    assert any("manager = independent" in line and "95% CI" in line for line in headline)


def test_paired_differences_see_a_small_shift_that_the_spread_between_futures_hides():
    """Two policies on 60 futures: the futures differ a lot (sd 50), the policy adds 2 in
    every future. Paired, the shift is clear; it is the mean of the per-future differences."""
    from sim.analysis.statistics import paired_differences

    rng = np.random.default_rng(8)
    future_value = rng.normal(100.0, 50.0, 60)
    runs = pd.concat(
        [
            pd.DataFrame(
                {"policy": "A", "future": range(60), "replication": 0, "total_value": future_value}
            ),
            pd.DataFrame(
                {
                    "policy": "B",
                    "future": range(60),
                    "replication": 0,
                    "total_value": future_value + 2.0 + rng.normal(0, 0.5, 60),
                }
            ),
        ]
    )
    row = paired_differences(runs, "policy", "A", ["total_value"]).iloc[0]
    assert row["pairs"] == 60 and row["low"] > 1.5 and row["high"] < 2.5
    assert row["wilcoxon_p"] < 1e-6 and row["share_better"] > 0.95
    _, low, high = difference_interval(
        runs.loc[runs.policy == "B", "total_value"].to_numpy(),
        runs.loc[runs.policy == "A", "total_value"].to_numpy(),
    )
    assert low < 0 < high  # unpaired, the same shift is lost in the spread between futures


def test_convergence_half_width_shrinks_like_one_over_root_n_and_says_whether_it_is_enough():
    from sim.analysis.statistics import convergence, enough_replications

    rng = np.random.default_rng(9)
    runs = pd.DataFrame(
        {
            "cell": np.repeat(["a", "b"], 400),
            "replication": np.tile(range(400), 2),
            "duration": rng.normal(60.0, 10.0, 800),
        }
    )
    table = convergence(runs, ["cell"], ["duration"], steps=4).set_index("n")
    assert table.loc[400, "half_width"] == pytest.approx(1.96 * 10 / np.sqrt(400), rel=0.1)
    assert (
        table.loc[400, "half_width"] < table.index.min()
        and table["half_width"].is_monotonic_decreasing
    )
    assert enough_replications(table.reset_index(), "duration", 2.0).startswith(
        "400 replications were enough for ±2 in the mean duration"
    )
    sentence = enough_replications(table.reset_index(), "duration", 0.5)
    assert "were not enough" in sentence and "about 1" in sentence  # (1.96 * 10 / 0.5)^2 ≈ 1,5xx


def test_replications_needed_for_a_half_width_use_the_t_quantile_of_the_answer_not_of_the_run():
    from scipy import stats

    from sim.analysis.statistics import enough_replications, replications_needed

    # sd 10, target ±2: z gives (1.96 * 10 / 2)^2 = 96.04; t(96) = 1.985 gives 98.5 -> 99, and
    # t(98) * 10 / sqrt(99) = 1.9945 <= 2 while t(97) * 10 / sqrt(98) = 2.0049 > 2.
    assert replications_needed(10.0, 2.0) == 99
    # Three replications with sd 3.697 give a half-width of t(2) * 3.697 / sqrt(3) = 9.18; for
    # ±1 the answer is near (1.96 * 3.697)^2 = 52.5, not 3 * 9.18^2 = 253 (t(2) = 4.30 counted in).
    half = stats.t.ppf(0.975, 2) * 3.697 / np.sqrt(3)
    table = pd.DataFrame(
        {"unit": "replications", "n": [3], "outcome": "duration", "half_width": [half]}
    )
    needed = int(
        re.search(r"about (\d+) would be needed", enough_replications(table, "duration", 1.0))[1]
    )
    assert 52 <= needed <= 56


def test_discovery_reports_accuracy_coverage_and_density_of_its_rules():
    from sim.analysis.discovery import discover

    runs = pd.DataFrame(
        {"manager": ["none"] * 50 + ["independent"] * 50, "turbulence": np.tile([0.2, 0.6], 50)}
    )
    bad = pd.Series((runs["manager"] == "none") & (runs["turbulence"] == 0.6))
    result = discover(runs, ["manager", "turbulence"], bad, "short-lived")
    assert result["accuracy"] == 1.0 and result["coverage"] == 1.0 and result["density"] == 1.0


SHORT = """
[experiment]
name = "short"
scenario = "pps_infrastructure"
steps = 36
replications = 20
seed = 5

[factors]
manager = ["none", "lead_partner", "independent"]
manager_position = [0.0, 1.0]
turbulence = [0.2, 0.6]
"""


def _text(page: str) -> str:
    page = re.sub(r"data:image/png;base64,[^'\"]+", "", page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_report_of_a_few_hundred_short_runs_has_the_researchers_sections(tmp_path):
    from sim.analysis.methods import methods_paragraph

    path = tmp_path / "short.toml"
    path.write_text(SHORT)
    out = tmp_path / "short"
    run_experiment(load_experiment(path), out=out, workers=1, progress=False)
    page = make_report(out).read_text()
    text = _text(page)
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 160  # 8 cells: the position is crossed with the lead partner's manager only
    for title in (
        "Survival: adjusted hazards",
        "Causes of ending",
        "Restricted mean survival time",
        "Exploratory analysis",
        "Enough replications?",
    ):
        assert title in text
    ratios = pd.read_csv(out / "tables" / "hazard_ratios.csv").set_index("term")
    assert {"manager = independent (vs none)", "manager = lead_partner (vs none)"} <= set(
        ratios.index
    )
    assert (ratios["low"] <= ratios["hazard_ratio"]).all() and (
        ratios["hazard_ratio"] <= ratios["high"]
    ).all()
    causes = pd.read_csv(out / "tables" / "causes.csv")
    assert causes["runs"].sum() == len(runs)
    assert re.search(r"20 replications were (not )?enough for ±0\.1 in the mean dissolved", text)
    for name in (
        "cumulative_incidence_by_manager",
        "hazard_ratios",
        "parallel_coordinates",
        "convergence",
    ):
        assert f"id='{name}'" in page
    assert "tables/convergence.csv" in page
    paragraph = methods_paragraph(out)
    assert "a factorial design of 8 design points" in paragraph
    assert (
        "Of the full crossing of 12 cells, the 4 cells where a factor cannot act were left out"
        in paragraph
        and "manager_position (only a lead partner's manager" in paragraph
    )
    assert "interventions (" not in paragraph  # not a factor here
    assert "20 replications per point (160 runs)" in paragraph and "root seed 5" in paragraph


def test_report_tables_are_complete_not_cut_at_forty_rows():
    from sim.analysis.sections import HTML_ROWS, table_html

    table = pd.DataFrame({"row": range(100)})
    assert table_html("t", table).count("<tr") == 101  # the header and every row
    long = pd.DataFrame({"row": range(HTML_ROWS + 5)})
    assert (
        f"The first {HTML_ROWS} of {HTML_ROWS + 5} rows are shown; the CSV has them all."
        in table_html("t", long)
    )


PAIRED = """
[experiment]
name = "paired"
scenario = "pps_infrastructure"
steps = 36
replications = 1
seed = 6

[design]
kind = "lhs"
samples = 40

[[policy]]
name = "no manager"
manager = "none"

[[policy]]
name = "independent manager"
manager = "independent"

[uncertainties]
turbulence = { low = 0.05, high = 0.6 }
"""


def test_a_paired_design_is_compared_future_by_future(tmp_path):
    path = tmp_path / "paired.toml"
    path.write_text(PAIRED)
    out = tmp_path / "paired"
    run_experiment(load_experiment(path), out=out, workers=1, progress=False)
    text = _text(make_report(out).read_text())
    assert "Paired comparison of policies" in text and "stratified on future" in text
    paired = pd.read_csv(out / "tables" / "paired_differences.csv").set_index("outcome")
    assert (
        paired.loc["duration", "pairs"] == 40 and paired.loc["duration", "baseline"] == "no manager"
    )
    runs = pd.read_parquet(out / "runs.parquet")
    by_future = runs.pivot(index="future", columns="policy", values="duration")
    expected = (by_future["independent manager"] - by_future["no manager"]).mean()
    assert paired.loc["duration", "mean_difference"] == pytest.approx(expected)


def test_a_paired_report_quotes_the_paired_interval_and_compares_policies(tmp_path):
    """The headline's interval of the difference is the one in paired_differences.csv (no
    unpaired effects table beside it), the value-duration rows are the policies, and the
    methods paragraph speaks of futures added."""
    from sim.analysis.methods import methods_paragraph

    path = tmp_path / "paired.toml"
    path.write_text(
        PAIRED.replace("samples = 40", "samples = 12").replace(
            "replications = 1", "replications = 2"
        )
    )
    out = tmp_path / "paired"
    run_experiment(load_experiment(path), out=out, workers=1, progress=False)
    page = make_report(out).read_text()
    paired = pd.read_csv(out / "tables" / "paired_differences.csv").set_index("outcome")
    assert paired.loc["dissolved", "pairs"] == 12  # futures, each pair averaged over 2 replications
    low, high = paired.loc["dissolved", ["low", "high"]] * 100
    line = next(
        h for h in re.findall(r"<p class='headline'>(.*?)</p>", page) if "independent manager" in h
    )
    assert f"(95% CI {low:+.0f} to {high:+.0f})" in line and "ended before the horizon" in line
    assert "dissolved" not in line
    assert not (out / "tables" / "effects.csv").exists()
    value_duration = pd.read_csv(out / "tables" / "value_duration.csv")
    assert sorted(value_duration["policy"]) == ["independent manager", "no manager"]
    assert "as futures were added" in methods_paragraph(out)
