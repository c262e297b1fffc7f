"""The model as a whole: public interface, reproducibility, and the claims of MODEL.md."""

import math

import mesa
import numpy as np
import pytest

from sim import AllianceModel
from sim.config.vocabulary import INTERVENTIONS

from .conftest import run_outcomes

REQUIRED_OUTCOMES = {"duration", "dissolved", "total_value", "gini", "min_partner_gain", "exits",
                     "deadlocks", "renegotiations"} | {f"capacity_{i}" for i in INTERVENTIONS}


def test_same_seed_same_run_bit_for_bit():
    a = AllianceModel("open_innovation", rng=11, manager="independent")
    b = AllianceModel("open_innovation", rng=11, manager="independent")
    assert a.run() == b.run()
    assert a.datacollector.get_model_vars_dataframe().equals(b.datacollector.get_model_vars_dataframe())
    assert a.events == b.events


def test_different_seeds_give_different_runs():
    runs = run_outcomes("pps_infrastructure", range(5))
    assert len({r["total_value"] for r in runs}) == 5


def test_generated_partners_come_from_the_model_rng():
    a = AllianceModel("regional_network", rng=3, n_partners=12)
    b = AllianceModel("regional_network", rng=3, n_partners=12)
    c = AllianceModel("regional_network", rng=4, n_partners=12)
    assert np.array_equal(a.partners.ideals, b.partners.ideals)
    assert not np.array_equal(a.partners.ideals, c.partners.ideals)
    assert len(a.organisations) == 12


def test_outcomes_are_a_flat_dict_with_the_promised_keys():
    outcomes = AllianceModel("pps_infrastructure", rng=1).run()
    assert REQUIRED_OUTCOMES <= outcomes.keys()
    assert all(isinstance(v, bool | int | float) for v in outcomes.values())


def test_relational_capital_starts_at_zero_and_the_alliance_does_not_exist_before_agreement(pps_model):
    assert pps_model.alliance.relational_capital == 0.0
    assert not pps_model.alliance.formed
    pps_model.step()
    assert pps_model.alliance.formed or pps_model.alliance.deadlocks == 1


def test_shares_sum_to_the_value_distributed_each_month():
    model = AllianceModel("regional_network", rng=5, n_partners=10)
    for _ in range(60):
        model.step()
        assert model.partners.received.sum() == pytest.approx(model.value)


def test_one_step_is_one_month_and_runs_stop_at_the_horizon():
    model = AllianceModel("pps_infrastructure", rng=2, horizon=12, exit_threshold=20.0)
    outcomes = model.run()
    assert model.month == 12 and outcomes["duration"] == 12 and not outcomes["dissolved"]


def test_a_dissolved_alliance_stops_running_and_says_why():
    outcomes = [(m, m.run()) for m in (AllianceModel("open_innovation", rng=s, collect=False)
                                       for s in range(30))]
    dissolved = [m for m, o in outcomes if o["dissolved"]]
    assert dissolved, "some open-innovation alliances should dissolve"
    for model in dissolved:
        assert not model.running
        assert model.events[-1][1] == "dissolution"
        assert model.outcomes()["duration"] < model.horizon


def test_a_partisan_manager_raises_the_home_share_and_lowers_the_others_trust_in_home():
    seeds = range(40)
    partisan = run_outcomes("pps_infrastructure", seeds, manager="lead_partner", manager_position=0.0,
                            horizon=60, exit_threshold=20.0)
    steward = run_outcomes("pps_infrastructure", seeds, manager="lead_partner", manager_position=1.0,
                           horizon=60, exit_threshold=20.0)
    home_gain = np.array([p["home_share"] - s["home_share"] for p, s in zip(partisan, steward, strict=True)])
    trust_loss = np.array([s["trust_in_home"] - p["trust_in_home"] for p, s in zip(partisan, steward, strict=True)])
    assert home_gain.mean() > 0.02 and (home_gain > 0).mean() > 0.8
    assert trust_loss.mean() > 0.02 and (trust_loss > 0).mean() > 0.8


def test_a_manager_who_goes_native_loses_the_mandate_of_home():
    partisan = AllianceModel("pps_infrastructure", rng=1, manager="lead_partner", manager_position=0.0,
                             exit_threshold=20.0, horizon=36)
    native = AllianceModel("pps_infrastructure", rng=1, manager="lead_partner", manager_position=1.0,
                           exit_threshold=20.0, horizon=36)
    assert native.run()["mandate"] < partisan.run()["mandate"]


def test_the_manager_spends_no_more_capacity_than_it_has():
    model = AllianceModel("open_innovation", rng=3, manager="independent", manager_capacity=0.5,
                          manager_strategy="routine", exit_threshold=20.0, horizon=24)
    outcomes = model.run()
    spent = sum(outcomes[f"capacity_{i}"] for i in INTERVENTIONS)
    assert 0 < spent <= 0.5 * 24 + 1e-9


def test_a_manager_uses_only_the_levers_it_is_given():
    outcomes = AllianceModel("pps_infrastructure", rng=3, manager="independent",
                             interventions=["build_trust"], manager_strategy="routine").run()
    used = {i for i in INTERVENTIONS if outcomes[f"capacity_{i}"] > 0}
    assert used == {"build_trust"}


def test_no_manager_means_no_capacity_used():
    outcomes = AllianceModel("pps_infrastructure", rng=3).run()
    assert all(outcomes[f"capacity_{i}"] == 0 for i in INTERVENTIONS)


@pytest.mark.parametrize("knob, value, fragment", [
    ("turbulance", 0.3, "did you mean 'turbulence'"),
    ("turbulence", 1.5, "float in [0, 1]"),
    ("turbulence", math.nan, "turbulence"),
    ("manager", "boss", "one of 'none', 'lead_partner', 'independent'"),
    ("interventions", ["mediate", "pray"], "unknown intervention 'pray'"),
    ("horizon", 12.5, "int in [1, 1200]"),
])
def test_bad_knobs_raise_a_clear_error_naming_the_knob_and_its_range(knob, value, fragment):
    with pytest.raises(ValueError) as error:
        AllianceModel("pps_infrastructure", rng=1, **{knob: value})
    assert fragment in str(error.value)


def test_n_partners_only_applies_to_scenarios_that_generate_partners():
    with pytest.raises(ValueError, match="n_partners"):
        AllianceModel("pps_infrastructure", n_partners=5)


def test_knobs_lists_every_knob_with_default_range_and_meaning():
    listing = {k["name"]: k for k in AllianceModel.knobs()}
    for name in ("manager", "manager_position", "manager_skill", "manager_capacity", "interventions",
                 "turbulence", "power_asymmetry", "goal_diversity", "formalisation", "n_partners"):
        assert listing[name]["meaning"] and listing[name]["allowed"]
        assert "default" in listing[name]


def test_interventions_accept_a_plus_separated_string_for_command_lines_and_files():
    model = AllianceModel("pps_infrastructure", interventions="mediate+build_trust", manager="independent")
    assert model.manager.interventions == ("mediate", "build_trust")


def test_data_collection_records_one_row_per_month_and_can_be_switched_off():
    model = AllianceModel("pps_infrastructure", rng=4, horizon=24, exit_threshold=20.0)
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 25 and {"value", "mean_trust", "relational_capital",
                                  "mean_satisfaction", "power_concentration"} <= set(frame.columns)
    partners = model.datacollector.get_agenttype_vars_dataframe(type(model.organisations[0]))
    assert {"effective_power", "satisfaction", "trust_in_others"} <= set(partners.columns)
    assert AllianceModel("pps_infrastructure", collect=False).datacollector is None


def test_the_model_runs_under_mesa_batch_run():
    results = mesa.batchrunner.batch_run(
        AllianceModel, parameters={"scenario": "pps_infrastructure", "manager": ["none", "independent"]},
        max_steps=12, number_processes=1, display_progress=False, rng=[1, 2])
    assert len(results) > 0 and {"value", "manager", "mean_trust"} <= results[0].keys()


def test_no_outcome_shares_a_name_with_a_knob_so_results_tables_keep_every_factor():
    from sim.config.knobs import KNOBS

    outcomes = AllianceModel("pps_infrastructure", rng=1, horizon=3).run()
    assert not set(outcomes) & set(KNOBS)
