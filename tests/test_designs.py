"""Designs respect what a factor means, and policies are compared on identical futures."""

import pandas as pd
import pytest

from sim.config.knobs import INTERVENTIONS
from sim.config.validation import ConfigError
from sim.model import AllianceModel
from sim.sweeps.designs import design_points
from sim.sweeps.experiment import Experiment, load_experiment
from sim.sweeps.runner import plan, run_experiment

PAIRED = {
    "experiment": {
        "name": "paired",
        "scenario": "pps_infrastructure",
        "steps": 24,
        "replications": 2,
        "seed": 11,
    },
    "design": {"kind": "lhs", "samples": 6},
    "policy": [
        {"name": "Availability", "payment_mechanism": "availability"},
        {
            "name": "User fees, shared risk",
            "payment_mechanism": "user_fees",
            "risk_allocation": 0.5,
        },
        {"name": "With a manager", "manager": "independent"},
    ],
    "uncertainties": {"turbulence": {"low": 0.05, "high": 0.6}, "political_cycle": [0.0, 0.8]},
}


def paired(**changes) -> Experiment:
    """The paired experiment above, with keys changed (a value of None removes the key)."""
    data = {k: v for k, v in {**PAIRED, **changes}.items() if v is not None}
    return Experiment.from_dict(data)


# --- the factors that cannot act --------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_without_a_manager_the_intervention_portfolio_changes_nothing(seed):
    one = AllianceModel(
        "open_innovation", rng=seed, manager="none", interventions=["mediate"]
    ).run()
    every = AllianceModel(
        "open_innovation", rng=seed, manager="none", interventions=list(INTERVENTIONS)
    ).run()
    assert one == every


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_independent_manager_has_no_position_between_home_and_joint_interest(seed):
    home = AllianceModel(
        "pps_infrastructure", rng=seed, manager="independent", manager_position=0.0
    ).run()
    joint = AllianceModel(
        "pps_infrastructure", rng=seed, manager="independent", manager_position=1.0
    ).run()
    assert home == joint


def test_a_lead_partners_managers_position_does_change_the_alliance():
    def outcomes(position):
        return [
            AllianceModel(
                "pps_infrastructure", rng=s, manager="lead_partner", manager_position=position
            ).run()
            for s in range(1, 6)
        ]

    assert outcomes(0.0) != outcomes(1.0)


def test_a_factorial_design_leaves_out_the_cells_where_a_factor_cannot_act():
    design = design_points(load_experiment("experiments/manager_interventions.toml"))
    cells = design.groupby(["scenario", "turbulence", "manager"]).size()
    # no manager: one cell; an independent manager: one per portfolio; a lead partner's: x 3 positions
    assert set(cells.xs("none", level="manager")) == {1}
    assert set(cells.xs("independent", level="manager")) == {9}
    assert set(cells.xs("lead_partner", level="manager")) == {27}
    none = design[design["manager"] == "none"]
    assert none["interventions"].isna().all() and none["manager_position"].isna().all()
    factors = ["scenario", "manager", "manager_position", "interventions", "turbulence"]
    assert not design.duplicated(subset=factors).any()


def test_a_blank_cell_runs_the_scenarios_own_setting():
    experiment = load_experiment("experiments/manager_interventions.toml")
    task = next(plan(experiment, design_points(experiment)))
    assert task.factors["manager"] == "none"
    assert "interventions" not in task.knobs and "manager_position" not in task.knobs


# --- policies on shared futures --------------------------------------------------------


def test_every_policy_meets_the_same_futures_with_the_same_seeds():
    experiment = paired()
    tasks = pd.DataFrame(
        [
            {**t.factors, "seed": t.seed, "replication": t.replication, **t.knobs}
            for t in plan(experiment, design_points(experiment))
        ]
    )
    assert len(tasks) == 3 * 6 * 2
    futures = tasks.groupby(["future", "replication"])
    assert (futures["seed"].nunique() == 1).all()
    assert (futures["turbulence"].nunique() == 1).all()
    assert (futures["political_cycle"].nunique() == 1).all()
    assert tasks.groupby("policy")["seed"].apply(frozenset).nunique() == 1
    assert tasks.drop_duplicates(["future", "replication"])["seed"].is_unique


def test_a_policy_runs_its_own_levers_and_the_scenarios_setting_for_the_rest():
    experiment = paired()
    tasks = {t.factors["policy"]: t for t in plan(experiment, design_points(experiment))}
    assert tasks["User fees, shared risk"].knobs["risk_allocation"] == 0.5
    assert tasks["Availability"].knobs["payment_mechanism"] == "availability"
    assert tasks["With a manager"].knobs["manager"] == "independent"
    scenario_value = tasks["Availability"].knobs["risk_allocation"]
    assert scenario_value == tasks["With a manager"].knobs["risk_allocation"] != 0.5


def test_the_runs_table_names_the_policy_and_the_future(tmp_path):
    runs = run_experiment(paired(), out=tmp_path / "out", workers=1, progress=False).runs
    assert list(runs.columns[5:9]) == ["policy", "future", "payment_mechanism", "risk_allocation"]
    assert runs.groupby(["future", "replication"])["seed"].nunique().eq(1).all()
    assert (runs["status"] == "ok").all()


def test_crossed_policies_skip_combinations_that_make_no_difference():
    experiment = paired(
        policy=None,
        policies={
            "manager": ["none", "independent", "lead_partner"],
            "manager_position": [0.0, 1.0],
        },
    )
    names = [p.name for p in experiment.policies]
    assert names == [
        "manager=none",
        "manager=independent",
        "manager=lead_partner, manager_position=0",
        "manager=lead_partner, manager_position=1",
    ]


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"factors": {"turbulence": [0.1, 0.5]}}, "factors"),
        ({"policy": [{"name": "A"}, {"name": "A"}]}, "policy[1].name"),
        ({"policy": [{"name": "A", "turbulence": 0.2}]}, "uncertainties.turbulence"),
        ({"policy": [{"name": "A", "manger": "none"}]}, "policy[0].manger"),
        ({"design": {"kind": "sobol", "samples": 8}}, "design.kind"),
        ({"uncertainties": None}, "uncertainties"),
        ({"policy": []}, "policy"),
    ],
)
def test_a_malformed_paired_experiment_names_its_key(changes, key):
    data = {k: v for k, v in {**PAIRED, **changes}.items() if v is not None}
    with pytest.raises(ConfigError) as caught:
        Experiment.from_dict(data, source="study.toml")
    assert caught.value.key == key and "study.toml" in str(caught.value)


def test_an_experiment_from_a_dict_equals_the_same_experiment_from_its_file(tmp_path):
    path = tmp_path / "paired.toml"
    path.write_text("""
[experiment]
name = "paired"
scenario = "pps_infrastructure"
steps = 24
replications = 2
seed = 11

[design]
kind = "lhs"
samples = 6

[[policy]]
name = "Availability"
payment_mechanism = "availability"

[[policy]]
name = "User fees, shared risk"
payment_mechanism = "user_fees"
risk_allocation = 0.5

[[policy]]
name = "With a manager"
manager = "independent"

[uncertainties]
turbulence = { low = 0.05, high = 0.6 }
political_cycle = [0.0, 0.8]
""")
    assert Experiment.from_file(path).fingerprint() == Experiment.from_dict(PAIRED).fingerprint()


def test_crossing_too_many_policy_levels_is_refused_before_anything_is_built():
    levels = {
        name: [0.1 * i for i in range(1, 10)]
        for name in (
            "goal_diversity",
            "risk_allocation",
            "manager_skill",
            "formalisation",
            "manager_position",
        )
    }
    with pytest.raises(ConfigError, match="59,049 combinations"):
        paired(policy=None, uncertainties={"political_cycle": [0.0, 0.8]}, policies=levels)


def test_heatmaps_name_pairs_of_factors_and_a_stray_name_is_refused():
    base = {
        "experiment": {"name": "h", "scenario": "open_innovation", "steps": 12, "seed": 1},
        "factors": {"manager": ["none", "independent"], "turbulence": [0.2, 0.5]},
    }
    good = Experiment.from_dict({**base, "analysis": {"heatmaps": [["manager", "turbulence"]]}})
    assert good.analysis["heatmaps"] == [["manager", "turbulence"]]
    with pytest.raises(ConfigError) as caught:
        Experiment.from_dict({**base, "analysis": {"heatmaps": [["manager", "turbulance"]]}})
    assert caught.value.key == "analysis.heatmaps[0]" and "turbulence" in str(caught.value)
    with pytest.raises(ConfigError, match="two different factor names"):
        Experiment.from_dict({**base, "analysis": {"heatmaps": [["manager", "manager"]]}})


def test_modifiers_are_factors_other_than_the_group():
    base = {
        "experiment": {"name": "m", "scenario": "open_innovation", "steps": 12, "seed": 1},
        "factors": {"manager": ["none", "independent"], "turbulence": [0.2, 0.5]},
    }
    good = Experiment.from_dict(
        {**base, "analysis": {"group": "manager", "modifiers": ["turbulence"]}}
    )
    assert good.analysis["modifiers"] == ["turbulence"]
    with pytest.raises(ConfigError) as caught:
        Experiment.from_dict({**base, "analysis": {"group": "manager", "modifiers": ["manager"]}})
    assert caught.value.key == "analysis.modifiers[0]"


def test_a_named_policy_may_not_set_a_lever_that_cannot_act_under_its_own_settings():
    with pytest.raises(ConfigError) as caught:
        paired(policy=[{"name": "A", "manager": "independent", "manager_position": 0.3}])
    assert caught.value.key == "policy[0].manager_position" and "lead partner" in str(caught.value)


def test_an_empty_table_of_uncertainties_is_refused():
    with pytest.raises(ConfigError) as caught:
        paired(uncertainties={})
    assert caught.value.key == "uncertainties"
