"""A stress test compares designs on identical futures, from the experiment file the
dashboard writes to the policy summary."""

from __future__ import annotations

import tomllib

import pandas as pd

from sim.analysis import policy
from sim.dashboard import pps
from sim.sweeps.experiment import Experiment
from sim.sweeps.runner import run_experiment

OUTCOMES = ["duration", "dissolved", "total_value", "public_exposure", "shocks", "seed"]


def _stress_test(tmp_path, designs, samples=8):
    text = pps.experiment_text(
        "pps-test", "pps_infrastructure", designs, pps.DEFAULT_FUTURES, samples, 20261130, "en"
    )
    path = tmp_path / "pps-test.toml"
    path.write_text(text, encoding="utf-8")
    experiment = Experiment.from_file(path)
    return experiment, run_experiment(
        experiment, out=tmp_path / "out", workers=1, progress=False
    ).runs


def _designs(**second):
    first = dict(pps.default_designs("en")[0], contract_term_years=10)
    return [first, dict(first, name="Twin", **second)]


def test_the_dashboard_writes_a_paired_experiment_over_the_longest_contract_term(tmp_path):
    designs = _designs(contract_term_years=12)
    experiment, _ = _stress_test(tmp_path, designs, samples=2)
    assert experiment.is_paired and [p.name for p in experiment.policies] == [
        "Availability payment",
        "Twin",
    ]
    assert experiment.knobs["horizon"] == 144
    assert experiment.policies[1].knobs["contract_term"] == 144
    assert [f.name for f in experiment.uncertainties] == list(pps.DEFAULT_FUTURES)
    data = tomllib.loads((tmp_path / "pps-test.toml").read_text())
    assert data["design"] == {"kind": "lhs", "samples": 2}


def test_the_futures_are_drawn_from_the_whole_ranges_not_only_their_ends(tmp_path):
    from sim.sweeps.designs import design_points

    text = pps.experiment_text(
        "pps-ranges",
        "pps_infrastructure",
        pps.default_designs("en"),
        pps.DEFAULT_FUTURES,
        200,
        1,
        "en",
    )
    path = tmp_path / "pps-ranges.toml"
    path.write_text(text, encoding="utf-8")
    experiment = Experiment.from_file(path)
    for factor in experiment.uncertainties:
        assert (factor.low, factor.high) == pps.DEFAULT_FUTURES[factor.name]
    points = design_points(experiment)
    futures = points[list(pps.DEFAULT_FUTURES)].drop_duplicates()
    assert len(futures) == 200
    for name, (low, high) in pps.DEFAULT_FUTURES.items():
        assert futures[name].nunique() == 200
        assert futures[name].between(low, high).all()
        # A Latin hypercube puts one future in each fifth of every range.
        assert set(((futures[name] - low) / (high - low) * 5).astype(int).clip(0, 4)) == set(
            range(5)
        )


def test_a_range_closed_to_one_value_keeps_that_uncertainty_fixed(tmp_path):
    from sim.sweeps.designs import design_points

    futures = dict(pps.DEFAULT_FUTURES, turbulence=(0.3, 0.3))
    path = tmp_path / "closed.toml"
    path.write_text(
        pps.experiment_text(
            "closed", "pps_infrastructure", pps.default_designs("en"), futures, 20, 1, "en"
        ),
        encoding="utf-8",
    )
    points = design_points(Experiment.from_file(path))
    assert set(points["turbulence"]) == {0.3} and points["shock_rate"].nunique() == 20


def test_every_design_meets_the_same_futures_with_the_same_draws(tmp_path):
    _, runs = _stress_test(tmp_path, _designs())
    by_design = {
        name: group.set_index("future").sort_index() for name, group in runs.groupby("policy")
    }
    first, twin = by_design["Availability payment"], by_design["Twin"]
    futures = list(pps.DEFAULT_FUTURES)
    pd.testing.assert_frame_equal(first[futures], twin[futures])
    # The same knobs under another name: the same seed gives the same run, draw for draw.
    pd.testing.assert_frame_equal(first[OUTCOMES], twin[OUTCOMES])
    summary = policy.summarise(
        runs,
        {
            "experiment": {
                "name": "pps-test",
                "policies": [
                    {"name": "Availability payment", "knobs": {}},
                    {"name": "Twin", "knobs": {}},
                ],
            }
        },
    )
    assert all(c.identical for comparisons in summary.comparisons.values() for c in comparisons)


def test_a_different_design_meets_the_same_shocks_while_its_partnership_lasts(tmp_path):
    _, runs = _stress_test(tmp_path, _designs(payment_mechanism="user_fees"), samples=16)
    wide = runs.pivot(index="future", columns="policy", values=["seed", "turbulence", "shock_rate"])
    assert (wide["seed"]["Availability payment"] == wide["seed"]["Twin"]).all()
    assert (wide["shock_rate"]["Availability payment"] == wide["shock_rate"]["Twin"]).all()
    lasted = runs.pivot(index="future", columns="policy", values="duration")
    as_long = lasted["Availability payment"] == lasted["Twin"]
    assert as_long.sum() >= 2
    shocks = runs.pivot(index="future", columns="policy", values="shocks")[as_long]
    assert shocks.to_numpy().sum() > 0 and (shocks["Availability payment"] == shocks["Twin"]).all()


def test_a_stress_test_needs_two_to_four_designs_with_their_own_names():
    one = pps.default_designs("en")[:1]
    assert pps.problems(one, "en") == ["Define two to 4 designs."]
    same = [dict(one[0]), dict(one[0])]
    assert pps.problems(same, "en") == ["Give each design its own name."]
    blank = [dict(one[0], name=" "), dict(one[0], name="B")]
    assert pps.problems(blank, "nl") == ["Elk ontwerp heeft een naam nodig."]


def test_the_report_of_a_quick_dutch_run_opens_with_the_policy_summary_and_its_warning(tmp_path):
    from sim.analysis.report import make_report

    text = pps.experiment_text(
        "pps-report",
        "pps_care",
        _designs(payment_mechanism="user_fees"),
        pps.DEFAULT_FUTURES,
        16,
        7,
        "nl",
    )
    path = tmp_path / "pps-report.toml"
    path.write_text(text, encoding="utf-8")
    experiment = Experiment.from_file(path).quick()
    folder = tmp_path / "out"
    run_experiment(experiment, out=folder, workers=1, progress=False)
    report = make_report(folder).read_text(encoding="utf-8")
    opening = report[report.index("<h1>") : report.index("Headline findings")]
    assert "PPS-contractvormen vergeleken over onzekere toekomsten" in opening
    assert "Snelle run" in opening and "niet betrouwbaar" in opening
    assert "Maximale spijt" in opening and "Twin" in opening
    assert "Twin" in (folder / "memo.html").read_text(encoding="utf-8")


def _paired_report(tmp_path, text):
    from sim.analysis.report import make_report

    path = tmp_path / "paired.toml"
    path.write_text(text, encoding="utf-8")
    folder = tmp_path / "out"
    run_experiment(Experiment.from_file(path), out=folder, workers=1, progress=False)
    report = make_report(folder).read_text(encoding="utf-8")
    return report[report.index("<h1>") : report.index("Headline findings")]


def test_a_paired_design_with_one_future_reports_that_one_future_cannot_compare_designs(tmp_path):
    opening = _paired_report(
        tmp_path,
        """
[experiment]
name = "one-future"
scenario = "pps_infrastructure"
steps = 24
replications = 3
seed = 5
[design]
kind = "factorial"
[[policy]]
name = "Availability"
payment_mechanism = "availability"
[[policy]]
name = "User fees"
payment_mechanism = "user_fees"
[uncertainties]
turbulence = [0.2]
""",
    )
    assert "cannot be compared with one future" in opening


def test_managers_compared_in_an_open_innovation_network_are_not_framed_as_pps_contracts(tmp_path):
    opening = _paired_report(
        tmp_path,
        """
[experiment]
name = "managers"
scenario = "open_innovation"
steps = 36
replications = 1
seed = 9
[design]
kind = "lhs"
samples = 12
[[policy]]
name = "no manager"
manager = "none"
[[policy]]
name = "independent manager"
manager = "independent"
[uncertainties]
turbulence = { low = 0.05, high = 0.6 }
""",
    )
    assert "Policies compared over uncertain futures" in opening
    assert "PPS" not in opening and "contract" not in opening.lower()
    assert "fiscal exposure" not in opening.lower()
