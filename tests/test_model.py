"""The model as a whole: public interface, configuration, reproducibility, the manager's levers
and the claims of MODEL.md."""

import copy
import itertools
import math
import pickle

import mesa
import numpy as np
import pandas as pd
import pytest

from sim import AllianceModel, ConfigError
from sim.config.configuration import Configuration, configure
from sim.config.knobs import CONSTANTS, KNOBS
from sim.config.vocabulary import INTERVENTIONS
from sim.model.model import NormalDraws
from sim.model.outcomes import END_CAUSES, OUTCOMES
from sim.model.partners import TRAITS
from sim.model.value import variety

from .conftest import default, formed_model, run_outcomes, step_until_formed

# --- reproducibility ---------------------------------------------------------------------------


def test_same_seed_gives_identical_outcomes_and_events():
    a = AllianceModel("open_innovation", rng=11, manager="independent")
    b = AllianceModel("open_innovation", rng=11, manager="independent")
    assert a.run() == b.run()
    assert a.events == b.events
    assert a.datacollector.get_model_vars_dataframe().equals(
        b.datacollector.get_model_vars_dataframe()
    )


@pytest.mark.parametrize("scenario", ["pps_infrastructure", "regional_network", "pps_care"])
@pytest.mark.parametrize("manager", ["none", "lead_partner", "independent"])
def test_a_model_copied_or_pickled_mid_run_goes_on_as_the_original_does(scenario, manager):
    original = AllianceModel(scenario, rng=1, collect=False, manager=manager)
    for _ in range(40):
        original.step()
    copies = [copy.deepcopy(original), pickle.loads(pickle.dumps(original))]
    for model in [original, *copies]:
        while model.running:
            model.step()
    for twin in copies:
        assert twin.outcomes() == original.outcomes()
        assert repr(twin.events) == repr(original.events)


def test_a_collecting_model_pickled_mid_run_keeps_the_same_series():
    """A model that records its months (the dashboard's, a notebook's) can be checkpointed
    too: the copy's series and outcomes are the original's."""
    from sim.model.agents import Organisation

    original = AllianceModel("pps_care", rng=1, manager="independent")
    for _ in range(20):
        original.step()
    copies = [copy.deepcopy(original), pickle.loads(pickle.dumps(original))]
    for model in [original, *copies]:
        model.run()
    recorded = original.datacollector
    assert len(recorded.get_model_vars_dataframe()) > 20
    for twin in copies:
        assert twin.outcomes() == original.outcomes()
        pd.testing.assert_frame_equal(
            twin.datacollector.get_model_vars_dataframe(), recorded.get_model_vars_dataframe()
        )
        pd.testing.assert_frame_equal(
            twin.datacollector.get_agenttype_vars_dataframe(Organisation),
            recorded.get_agenttype_vars_dataframe(Organisation),
        )


@pytest.mark.parametrize(
    "scenario, knobs",
    [
        ("pps_infrastructure", {"manager": "independent"}),
        ("pps_care", {"manager": "lead_partner", "manager_position": 0.1, "political_cycle": 1.0}),
        (
            "regional_network",
            {"manager": "independent", "termination_compensation": 0.5, "turbulence": 0.9},
        ),
        ("open_innovation", {"manager": "none"}),
    ],
)
def test_a_quiet_month_in_one_call_tells_the_same_story_as_the_month_stage_by_stage(
    scenario, knobs, monkeypatch
):
    def history(one_call: bool) -> list:
        monkeypatch.setattr(AllianceModel, "quiet_months_in_one_call", one_call)
        runs = []
        for seed in range(6):
            model = AllianceModel(scenario, rng=seed, collect=False, **knobs)
            runs.append((model.run(), model.events))
        return runs

    fused, staged = history(True), history(False)
    assert fused == staged  # every outcome and every event, to the last bit
    assert any(outcomes["exits"] or outcomes["renegotiations"] for outcomes, _ in fused)


@pytest.mark.parametrize("shape", [(3, 2), (40, 40), (100, 100)])
def test_normals_drawn_in_blocks_are_the_numbers_drawn_one_month_at_a_time(shape):
    monthly, blocks = np.random.default_rng(7), NormalDraws(np.random.default_rng(7), shape)
    for _ in range(30):  # across block boundaries (a block of 12, of 2, or single draws)
        assert np.array_equal(blocks.draw(), monthly.standard_normal(shape))


def test_different_seeds_give_different_runs():
    runs = run_outcomes("pps_infrastructure", range(5))
    assert len({r["total_value"] for r in runs}) == 5


def test_identical_settings_still_give_different_histories_in_a_calm_context():
    models = [
        AllianceModel(
            "pps_infrastructure",
            rng=seed,
            collect=False,
            turbulence=0.0,
            shock_rate=0.0,
            trait_variation=0.0,
        )
        for seed in range(4)
    ]
    outcomes = [m.run() for m in models]
    home = np.array(models[0].config.scenario.context)
    for model, result in zip(models, outcomes, strict=True):
        assert result["shocks"] == 0 and np.array_equal(model.environment.context, home)
    # Identical partners in a context that stands still, yet perception, expectations and
    # observation are noisy: histories differ.
    assert len({r["total_value"] for r in outcomes}) == 4
    assert len({repr(m.events) for m in models}) == 4


def test_generated_partners_and_their_traits_come_from_the_model_rng():
    a = AllianceModel("regional_network", rng=3, n_partners=12)
    b = AllianceModel("regional_network", rng=3, n_partners=12)
    c = AllianceModel("regional_network", rng=4, n_partners=12)
    assert np.array_equal(a.partners.ideals, b.partners.ideals)
    assert np.array_equal(a.partners.temptation, b.partners.temptation)
    assert not np.array_equal(a.partners.ideals, c.partners.ideals)
    assert len(a.organisations) == 12


def test_partners_differ_in_traits_when_trait_variation_is_positive_and_are_identical_at_zero():
    same = AllianceModel("pps_care", rng=1, trait_variation=0.0).partners
    varied = AllianceModel("pps_care", rng=1, trait_variation=0.5).partners
    for trait in TRAITS:
        assert np.all(getattr(same, trait) == default(trait))
        assert np.unique(getattr(varied, trait)).size == len(varied)


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "knob, value, fragment",
    [
        ("turbulance", 0.3, "did you mean 'turbulence'"),
        ("turbulence", 1.5, "float in [0, 1]"),
        ("turbulence", math.nan, "turbulence"),
        ("manager", "boss", "one of 'none', 'lead_partner', 'independent'"),
        ("interventions", ["mediate", "pray"], "unknown intervention 'pray'"),
        ("horizon", 12.5, "int in [1, 1200]"),
        ("settle_chance", 0.0, "settle_chance"),  # constants are checked like any knob
        ("deadlock_retry", 2.5, "deadlock_retry"),
    ],
)
def test_bad_knobs_raise_a_config_error_naming_the_knob_and_its_range(knob, value, fragment):
    with pytest.raises(ConfigError) as error:
        AllianceModel("pps_infrastructure", rng=1, **{knob: value})
    assert isinstance(error.value, ValueError)
    assert fragment in str(error.value) and str(error.value).startswith("knobs: ")


def test_a_bad_knob_error_carries_the_knobs_name_as_its_key():
    with pytest.raises(ConfigError) as error:
        configure("pps_infrastructure", turbulence=1.5)
    assert error.value.key == "turbulence"


def test_n_partners_only_applies_to_scenarios_that_generate_partners():
    with pytest.raises(ConfigError, match="n_partners") as error:
        AllianceModel("pps_infrastructure", n_partners=5)
    assert error.value.key == "n_partners"


def test_a_configuration_is_resolved_once_and_runs_like_the_same_scenario_and_knobs():
    config = configure("regional_network", n_partners=6, manager="independent", turbulence=0.6)
    assert isinstance(config, Configuration) and config.name == "regional_network"
    assert config.params["turbulence"] == 0.6 and config.params["n_partners"] == 6
    with pytest.raises(TypeError):
        config.params["turbulence"] = 0.1  # read-only
    from_config = AllianceModel(config, rng=5, collect=False)
    from_names = AllianceModel(
        "regional_network",
        rng=5,
        collect=False,
        n_partners=6,
        manager="independent",
        turbulence=0.6,
    )
    assert from_config.config is config
    assert from_config.run() == from_names.run()
    # It travels to sweep workers intact.
    assert pickle.loads(pickle.dumps(config)).params == dict(config.params)


def test_knobs_given_with_a_configuration_override_it_and_keep_its_other_settings():
    config = configure("pps_infrastructure", turbulence=0.6, formalisation=0.1)
    model = AllianceModel(config, rng=1, turbulence=0.2)
    assert model.params["turbulence"] == 0.2 and model.params["formalisation"] == 0.1
    assert config.params["turbulence"] == 0.6


def test_knobs_lists_every_parameter_and_every_constant_has_a_plausible_range_and_a_source():
    listing = {k["name"]: k for k in AllianceModel.knobs()}
    assert set(listing) == set(KNOBS)
    for entry in listing.values():
        assert entry["meaning"] and entry["allowed"]
        assert entry["default"] == KNOBS[entry["name"]].default, entry["name"]
    for name in CONSTANTS:
        entry = listing[name]
        low, high = entry["plausible"]
        assert entry["group"] == "constant" and entry["source"], name
        assert entry["low"] <= low <= entry["default"] <= high <= entry["high"], name


# Settings under which the constants matter: a lead partner's manager using every lever with
# termination compensation and elections, an independent one with alarms in a larger network,
# a stretched manager who only formalises, a mediator facing hard negotiations, and a hardship clause.
SETTINGS = [
    (
        "pps_infrastructure",
        dict(
            manager="lead_partner",
            manager_position=0.5,
            manager_strategy="routine",
            termination_compensation=0.5,
            political_cycle=1.0,
            turbulence=0.8,
        ),
        range(2),
    ),
    ("regional_network", dict(manager="independent", turbulence=0.8), range(2)),
    (
        "open_innovation",
        dict(
            manager="independent",
            interventions="formalise",
            manager_capacity=0.5,
            formalisation=0.0,
        ),
        range(2),
    ),
    (
        "open_innovation",
        dict(
            settle_chance=0.01,
            steering=0.0,
            deadlock_strain=0.0,
            founding_attempts=24,
            manager="independent",
            independent_legitimacy=1.0,
            manager_skill=1.0,
            manager_strategy="routine",
            horizon=36,
        ),
        range(8),
    ),
    (
        "open_innovation",
        dict(renegotiation_rule="hardship", turbulence=1.0, shock_rate=1.0, exit_threshold=1.5),
        range(30),
    ),
]


def fingerprint(scenario, seed, **knobs):
    model = AllianceModel(scenario, rng=seed, collect=False, **knobs)
    return repr((model.run(), model.events))


def other_value(name):
    """The end of a constant's plausible range farther from its default."""
    knob = KNOBS[name]
    low, high = knob.plausible_range
    return knob.kind(high if abs(high - knob.default) >= abs(low - knob.default) else low)


def test_every_constant_is_read_by_the_model_and_the_dummy_by_nothing():
    baseline = {}

    def changes_a_run(name, settings):
        for scenario, knobs, seeds in settings:
            if name in knobs:
                continue
            for seed in seeds:
                key = (scenario, repr(knobs), seed)
                if key not in baseline:
                    baseline[key] = fingerprint(scenario, seed, **knobs)
                if (
                    fingerprint(scenario, seed, **knobs, **{name: other_value(name)})
                    != baseline[key]
                ):
                    return True
        return False

    inert = [name for name in CONSTANTS if name != "dummy" and not changes_a_run(name, SETTINGS)]
    assert not inert, (
        f"constants that changed no run: {inert} (dead, or add a setting where they matter)"
    )
    assert not changes_a_run("dummy", SETTINGS[:2])


# --- outcomes -----------------------------------------------------------------------------------


def test_outcomes_have_exactly_the_registrys_keys_and_kinds():
    outcomes = AllianceModel("pps_infrastructure", rng=1, manager="independent").run()
    assert list(outcomes) == list(OUTCOMES)
    for name, value in outcomes.items():
        assert type(value) is OUTCOMES[name].kind, name
    assert {f"capacity_{i}" for i in INTERVENTIONS} <= outcomes.keys()


def test_no_outcome_shares_a_name_with_a_knob_so_results_tables_keep_every_factor():
    assert not set(OUTCOMES) & set(KNOBS)


def test_the_end_cause_agrees_with_what_happened():
    for seed in range(30):
        model = AllianceModel("open_innovation", rng=seed, collect=False)
        out = model.run()
        assert out["end_cause"] in END_CAUSES
        assert out["dissolved"] == (out["end_cause"] != "censored")
        if out["dissolved"]:
            assert model.events[-1][1] == "dissolution"
            assert model.events[-1][2]["reason"] == out["end_cause"]
        if out["end_cause"] == "never_formed":
            assert not out["formed"] and out["deadlocks"] == default("founding_attempts")
        if out["end_cause"] == "essential_left":
            leaver = model.events[-1][2]["partner"]
            assert model.partners.essential[model.partners.names.index(leaver)]
        if out["end_cause"] == "below_quorum":
            assert model.partners.active.sum() < model.quorum
        if out["formed"]:
            first = next(e for e in model.events if e[1] == "agreement")
            assert out["founding_months"] == first[0]


def test_relational_capital_starts_at_zero_and_the_alliance_does_not_exist_before_agreement(
    pps_model,
):
    assert pps_model.alliance.relational_capital == 0.0
    assert not pps_model.alliance.formed
    pps_model.step()
    assert pps_model.alliance.formed or pps_model.alliance.deadlocks == 1
    if not pps_model.alliance.formed:
        assert pps_model.value == 0.0 and np.all(pps_model.partners.received == 0.0)


def test_the_value_is_shared_out_among_the_partners_in_the_agreement():
    checked = 0
    for seed in range(6):
        model = AllianceModel("regional_network", rng=seed, n_partners=10, collect=False)
        while model.running:
            model.step()
            agreement, p = model.alliance.agreement, model.partners
            if agreement is not None and not np.any(agreement.shares[~p.members]):
                assert p.received.sum() == pytest.approx(model.value)
                checked += 1
    assert checked > 200


def test_the_value_is_shared_out_also_between_an_exit_and_the_next_agreement():
    for seed in range(10):
        model = AllianceModel("regional_network", rng=seed, n_partners=10, collect=False)
        while model.running:
            model.step()
            if model.alliance.formed:
                assert model.partners.received.sum() == pytest.approx(model.value)


def test_one_step_is_one_month_and_runs_stop_at_the_horizon():
    model = AllianceModel("pps_infrastructure", rng=2, horizon=12, exit_threshold=20.0)
    outcomes = model.run()
    assert model.month == 12 and outcomes["duration"] == 12 and not outcomes["dissolved"]
    events, value = list(model.events), model.total_value
    model.step()
    assert model.events == events and model.total_value == value  # a finished run stays finished


def test_data_collection_records_one_row_per_month_and_can_be_switched_off():
    model = AllianceModel("pps_infrastructure", rng=4, horizon=24, exit_threshold=20.0)
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 25 and {
        "value",
        "mean_trust",
        "relational_capital",
        "mean_satisfaction",
        "power_concentration",
    } <= set(frame.columns)
    partners = model.datacollector.get_agenttype_vars_dataframe(type(model.organisations[0]))
    assert {"effective_power", "satisfaction", "trust_in_others"} <= set(partners.columns)
    assert AllianceModel("pps_infrastructure", collect=False).datacollector is None


def test_the_model_runs_under_mesa_batch_run():
    results = mesa.batchrunner.batch_run(
        AllianceModel,
        parameters={"scenario": "pps_infrastructure", "manager": ["none", "independent"]},
        max_steps=12,
        number_processes=1,
        display_progress=False,
        rng=[1, 2],
    )
    assert len(results) > 0 and {"value", "manager", "mean_trust"} <= results[0].keys()
    assert {r["manager"] for r in results} == {"none", "independent"}


# --- trust in the model ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suspicion, knobs",
    [
        ("dominance_distrust", dict(power_asymmetry=1.0)),  # the Province is the strongest partner
        (
            "partisan_suspicion",
            dict(
                manager="lead_partner",
                manager_position=0.0,
                interventions="none",
                dominance_distrust=0.0,
            ),
        ),  # the Province employs the manager
    ],
)
def test_a_dominant_partner_or_a_partisan_manager_costs_home_the_others_trust(suspicion, knobs):
    seeds, fixed = range(30), dict(exit_threshold=20.0, horizon=36, **knobs)
    calm = run_outcomes("pps_infrastructure", seeds, **{suspicion: 0.0}, **fixed)
    wary = run_outcomes(
        "pps_infrastructure", seeds, **{suspicion: KNOBS[suspicion].plausible[1]}, **fixed
    )
    assert (
        np.mean([r["trust_in_home"] for r in wary])
        < np.mean([r["trust_in_home"] for r in calm]) - 0.05
    )


def test_a_partisan_manager_raises_the_home_share_and_lowers_the_others_trust_in_home():
    seeds = range(40)
    partisan = run_outcomes(
        "pps_infrastructure",
        seeds,
        manager="lead_partner",
        manager_position=0.0,
        horizon=60,
        exit_threshold=20.0,
    )
    steward = run_outcomes(
        "pps_infrastructure",
        seeds,
        manager="lead_partner",
        manager_position=1.0,
        horizon=60,
        exit_threshold=20.0,
    )
    home_gain = np.array(
        [p["home_share"] - s["home_share"] for p, s in zip(partisan, steward, strict=True)]
    )
    trust_loss = np.array(
        [s["trust_in_home"] - p["trust_in_home"] for p, s in zip(partisan, steward, strict=True)]
    )
    assert home_gain.mean() > 0.02 and (home_gain > 0).mean() > 0.8
    assert trust_loss.mean() > 0.02 and (trust_loss > 0).mean() > 0.8


# --- the manager ---------------------------------------------------------------------------------------


def test_a_manager_who_goes_native_loses_the_mandate_of_home():
    compared = 0
    for seed in range(10):
        partisan, native = (
            AllianceModel(
                "pps_infrastructure",
                rng=seed,
                collect=False,
                manager="lead_partner",
                manager_position=position,
                exit_threshold=20.0,
                horizon=36,
            )
            for position in (0.0, 1.0)
        )
        partisan_out, native_out = partisan.run(), native.run()
        if not (partisan_out["formed"] and native_out["formed"]):
            continue  # the mandate is judged by a record, and there is none before a first deal
        assert native_out["mandate"] < partisan_out["mandate"]
        compared += 1
    assert compared >= 5


def test_the_manager_spends_no_more_capacity_than_it_has():
    model = AllianceModel(
        "open_innovation",
        rng=3,
        manager="independent",
        manager_capacity=0.5,
        manager_strategy="routine",
        exit_threshold=20.0,
        horizon=24,
    )
    outcomes = model.run()
    spent = sum(outcomes[f"capacity_{i}"] for i in INTERVENTIONS)
    assert 0 < spent <= 0.5 * 24 + 1e-9


def test_a_manager_uses_only_the_levers_it_is_given():
    outcomes = AllianceModel(
        "pps_infrastructure",
        rng=3,
        manager="independent",
        interventions=["build_trust"],
        manager_strategy="routine",
    ).run()
    used = {i for i in INTERVENTIONS if outcomes[f"capacity_{i}"] > 0}
    assert used == {"build_trust"}


def test_no_manager_means_no_capacity_used():
    outcomes = AllianceModel("pps_infrastructure", rng=3).run()
    assert all(outcomes[f"capacity_{i}"] == 0 for i in INTERVENTIONS)
    assert outcomes["mandate"] == outcomes["legitimacy"] == 0.0


def test_interventions_accept_a_plus_separated_string_for_command_lines_and_files():
    model = AllianceModel(
        "pps_infrastructure", interventions="mediate+build_trust", manager="independent"
    )
    assert model.manager.interventions == ("mediate", "build_trust")


def test_an_intervention_spends_its_cost_and_is_logged_and_an_unknown_one_is_refused():
    model = AllianceModel("pps_infrastructure", rng=1, manager="independent", interventions="none")
    model.manager.capacity_left = 1.0
    model.manager.intervene("formalise")
    assert model.manager.capacity_used["formalise"] == default("cost_formalise")
    assert model.manager.capacity_left == pytest.approx(1.0 - default("cost_formalise"))
    assert model.events[-1][1:] == ("intervention", {"lever": "formalise"})
    with pytest.raises(ValueError, match="unknown intervention 'pray'"):
        model.manager.intervene("pray")


def test_a_new_independent_manager_works_better_with_formal_than_with_relational_levers():
    manager = AllianceModel("pps_infrastructure", manager="independent").manager
    assert manager.legitimacy == default("independent_legitimacy")
    assert manager.effectiveness("mediate") < manager.effectiveness("formalise")
    steward = AllianceModel(
        "pps_infrastructure", manager="lead_partner", manager_position=1.0
    ).manager
    assert steward.effectiveness("mediate") == pytest.approx(steward.effectiveness("formalise"))


def first_formed_value(seed, mode, fee):
    model = AllianceModel(
        "pps_infrastructure",
        rng=seed,
        collect=False,
        manager=mode,
        manager_position=1.0,
        manager_capacity=1.5,
        interventions="none",
        manager_fee=fee,
    )
    step_until_formed(model)  # the founding month: the agreement is carried out at once
    return model


@pytest.mark.parametrize("mode", ["lead_partner", "independent"])
def test_a_fee_is_booked_out_of_value_in_both_governance_modes(mode):
    compared = 0
    for seed in range(10):
        free, paid = first_formed_value(seed, mode, 0.0), first_formed_value(seed, mode, 0.2)
        if (
            not (free.alliance.formed and paid.alliance.formed)
            or free.month != paid.month
            or free.alliance.agreement.month != paid.alliance.agreement.month
        ):
            continue
        assert paid.manager.fee == pytest.approx(0.2 * 1.5)
        assert free.value - paid.value == pytest.approx(paid.manager.fee)
        compared += 1
    assert compared >= 5


# --- the levers act on behaviour ------------------------------------------------------------------------


def quiet_manager(scenario="open_innovation", **knobs):
    """A formed alliance whose manager does nothing unless told (no levers of its own), with full
    effect, and whose partners will not leave or call for renegotiation in a while."""
    return formed_model(
        scenario,
        manager="independent",
        interventions="none",
        manager_skill=1.0,
        independent_legitimacy=1.0,
        exit_threshold=20.0,
        **knobs,
    )


def test_a_scan_brings_the_managers_belief_closer_to_the_context_than_an_ordinary_reading():
    model = AllianceModel(
        "open_innovation", rng=2, manager="independent", interventions="none", manager_skill=1.0
    )
    manager, context = model.manager, model.environment.context.copy()
    start = context + 0.3
    scanned, ordinary = [], []
    for _ in range(200):
        manager.belief = start.copy()
        manager.perceive(context, model.rng.standard_normal(context.shape))
        ordinary.append(np.abs(manager.belief - context).mean())
        manager.belief = start.copy()
        manager.intervene("scan_adapt")
        scanned.append(np.abs(manager.belief - context).mean())
    assert np.mean(scanned) < 0.5 * np.mean(ordinary)
    assert (
        min(scanned) > 0.0
    )  # sharper, but still a reading: the manager never sees the context itself


def test_without_precision_a_scan_is_no_better_than_an_ordinary_reading():
    model = AllianceModel(
        "open_innovation", rng=2, manager="independent", interventions="none", scan_precision=0.0
    )
    manager, context = model.manager, model.environment.context.copy()
    errors = []
    for _ in range(300):
        manager.belief = context + 0.3
        manager.scan(1.0)
        errors.append(np.mean(manager.belief - context))
    # Same delay as an ordinary reading: 1 - perception_rate of the old error remains on average.
    assert np.mean(errors) == pytest.approx(0.3 * (1 - default("perception_rate")), abs=0.02)


def test_the_manager_cannot_reopen_an_agreement_inside_the_cooldown():
    model = quiet_manager(renegotiation_rule="flexible", formalisation=0.0)
    agreed, cooldown = model.alliance.agreement.month, default("call_cooldown")
    assert not model.request_renegotiation("manager")
    while model.month < agreed + cooldown - 1:
        model.step()
        assert not model.request_renegotiation("manager")
    model.step()
    assert model.alliance.agreement.month == agreed
    assert model.request_renegotiation("manager")
    assert model.events[-1][1:] == ("call", {"by": "manager"})
    assert not model.request_renegotiation("manager")  # already reopened


def test_formal_contracts_lengthen_the_cooldown_and_a_scheduled_rule_never_lets_anyone_reopen():
    formal = quiet_manager(renegotiation_rule="flexible", formalisation=0.5)
    scheduled = quiet_manager(renegotiation_rule="scheduled", formalisation=0.0)
    for _ in range(default("call_cooldown")):
        formal.step()
        scheduled.step()
    assert not formal.request_renegotiation("manager")
    assert not scheduled.request_renegotiation("manager")


def test_a_scan_proposes_an_update_but_asks_to_reopen_only_under_the_partners_rules():
    # drift_alert 1: the manager always finds the agenda out of step with what it believes.
    model = quiet_manager(renegotiation_rule="flexible", formalisation=0.0, drift_alert=1.0)
    model.manager.intervene("scan_adapt")
    assert np.array_equal(model.alliance.proposal, model.manager.belief)
    assert not model.alliance.renegotiation_called
    for _ in range(default("call_cooldown")):
        model.step()
    model.manager.intervene("scan_adapt")
    assert model.alliance.renegotiation_called
    assert model.events[-2][1:] == ("call", {"by": "manager"})


def test_mediation_is_prepared_for_the_next_negotiation_and_used_once():
    model = quiet_manager()
    effect = model.manager.intervene("mediate")
    assert model.alliance.mediation == effect > 0
    model.step()  # no negotiation due: it waits
    assert model.alliance.mediation == effect
    model.alliance.renegotiation_called = True
    model.step()
    assert model.alliance.mediation == 0.0
    assert any(e[1] in ("renegotiation", "deadlock") and e[0] == model.month for e in model.events)


def test_trust_building_lasts_a_month_and_does_not_raise_trust_in_a_partner_who_keeps_defecting():
    def twin(seed):
        model = AllianceModel(
            "open_innovation",
            rng=seed,
            collect=False,
            manager="independent",
            interventions="none",
            manager_skill=1.0,
            independent_legitimacy=1.0,
            formalisation=0.0,
            exit_threshold=20.0,
        )
        model.partners.temptation[1] = 1.0  # partner 1 contributes nothing, whatever happens
        return model

    compared = 0
    for seed in range(10):
        plain, helped = twin(seed), twin(seed)
        if not (step_until_formed(plain) and step_until_formed(helped)):
            continue
        for _ in range(3):
            plain.step()
            helped.step()
        assert helped.partners.contribution[1] == 0.0
        before = helped.partners.trust[:, 1].copy()
        helped.manager.intervene("build_trust")
        assert helped.alliance.visibility > 0
        plain.step()
        helped.step()
        assert helped.alliance.visibility == 0.0
        others = np.arange(len(helped.partners)) != 1
        assert np.all(helped.partners.trust[others, 1] <= before[others] + 1e-12)
        assert np.all(helped.partners.trust[others, 1] <= plain.partners.trust[others, 1] + 1e-12)
        compared += 1
    assert compared >= 3


def test_aligning_ambitions_moves_ideals_toward_the_agenda_and_so_lowers_variety():
    model = quiet_manager()
    p, agenda = model.partners, model.alliance.agreement.agenda
    gap, spread = np.abs(p.ideals - agenda).sum(), variety(p.goal_distance, p.active)
    effect = model.manager.intervene("align_ambition")
    assert np.abs(p.ideals - agenda).sum() == pytest.approx(
        gap * (1 - default("alignment_rate") * effect)
    )
    assert variety(p.goal_distance, p.active) < spread


def test_balancing_power_costs_the_manager_standing_with_the_strong_the_more_the_stronger_they_are():
    def standing_lost(asymmetry):
        model = quiet_manager(scenario="pps_infrastructure", power_asymmetry=asymmetry)
        before = model.manager.legitimacy
        model.manager.intervene("balance_power")
        assert model.alliance.power_balance > 0.0
        return before - model.manager.legitimacy

    assert 0.0 < standing_lost(0.2) < standing_lost(1.0)


@pytest.mark.parametrize(
    "lever, attribute", [("balance_power", "power_balance"), ("formalise", "formalisation")]
)
def test_balancing_and_formalising_ratchet_toward_one_and_never_past_it(lever, attribute):
    model = quiet_manager()
    levels = [getattr(model.alliance, attribute)]
    for _ in range(60):
        model.manager.intervene(lever)
        levels.append(getattr(model.alliance, attribute))
    assert all(a < b for a, b in itertools.pairwise(levels))
    assert levels[-1] <= 1.0 and levels[-1] > 0.9


def test_the_balance_won_fades_as_the_old_power_structure_reasserts_itself():
    model = quiet_manager()
    model.manager.intervene("balance_power")
    won = model.alliance.power_balance
    for _ in range(12):
        model.step()
    assert 0.0 < model.alliance.power_balance < won
