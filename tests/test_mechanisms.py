"""The small mechanisms, each checked against the claim it encodes.

Constants come from the parameter table (``KNOBS[name].default``), so a test keeps
checking the claim when a default is recalibrated; a test only fixes a number when
the claim is about that number.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.config.scenario import load_scenario
from sim.config.vocabulary import INTERVENTIONS, POWER_BASES
from sim.model.alliance import build_relational_capital
from sim.model.assessment import (
    accumulate_disappointment,
    exit_thresholds,
    leavers,
    satisfaction,
    update_aspiration,
)
from sim.model.bargaining import tilted
from sim.model.commitment import contribution_intent, enforced_contribution, opportunism, resentment
from sim.model.environment import SHOCKS, Environment
from sim.model.figures import Figure, new_figures
from sim.model.interventions import LEVERS, Observation, alarms_of, capacity_costs, urgencies
from sim.model.month import Rule, managing, rules_of
from sim.model.outcomes import gini
from sim.model.partners import (
    TRAITS,
    Partners,
    draw_traits,
    goal_distances,
    ideal_points,
    lineup_of,
    listed_lineup,
    shaped_power,
)
from sim.model.perception import scanned_reading, update_beliefs
from sim.model.trust import (
    erode_trust,
    improved,
    kept_promise,
    observed_cooperation,
    repair_rates,
    trust_in_others,
    update_trust,
)
from sim.model.value import (
    conflict,
    context_fit,
    coordination_cost,
    demand_effect,
    gross_value,
    potential_value,
    resource_bundle,
    variety,
)

from .conftest import default, params

BUILD, BREAK = default("trust_build_rate"), default("trust_break_rate")


# --- trust --------------------------------------------------------------------------------


def test_trust_breaks_faster_than_it_builds():
    trust = np.full((2, 2), 0.5)
    better = update_trust(trust, np.array([0.7, 0.7]), BUILD, BREAK)
    worse = update_trust(trust, np.array([0.3, 0.3]), BUILD, BREAK)
    gain, loss = better[0, 1] - 0.5, 0.5 - worse[0, 1]
    assert 0 < gain < loss
    assert loss / gain == pytest.approx(BREAK / BUILD)


def test_trust_follows_what_each_partner_did():
    trust = np.full((3, 3), 0.5)
    updated = update_trust(trust, np.array([1.0, 0.5, 0.0]), BUILD, BREAK)
    # Column j is trust in partner j: raised for the cooperator, kept, lowered for the defector.
    assert (
        np.all(updated[:, 0] > 0.5) and np.all(updated[:, 1] == 0.5) and np.all(updated[:, 2] < 0.5)
    )


def test_each_observer_learns_at_its_own_rate_and_rates_can_differ_per_relation():
    trust = np.full((3, 3), 0.5)
    cooperative = np.array([0.9, 0.9, 0.9])
    per_observer = update_trust(trust, cooperative, np.array([0.2, 0.05, 0.0]), BREAK)
    assert per_observer[0, 2] > per_observer[1, 2] > per_observer[2, 2] == 0.5
    per_relation = np.zeros((3, 3))
    per_relation[0, 1] = 0.2
    updated = update_trust(trust, cooperative, per_relation, BREAK)
    changed = np.argwhere(updated != trust)
    assert changed.tolist() == [[0, 1]]


def test_noise_alone_costs_trust():
    # Everyone cooperates exactly as much as they are trusted, but is seen with symmetric error.
    trust = np.full((2, 2), 0.5)
    willing = np.full(2, 0.5)
    seen = observed_cooperation(willing, 0.1, np.array([[1.0, -1.0], [-1.0, 1.0]]))
    assert update_trust(trust, seen, BUILD, BREAK).mean() < 0.5
    clear = observed_cooperation(willing, 0.0, np.ones((2, 2)))
    assert np.allclose(update_trust(trust, clear, BUILD, BREAK), 0.5)


def test_what_partners_see_of_each_other_stays_in_the_unit_interval():
    seen = observed_cooperation(np.array([0.0, 1.0]), 0.3, np.array([[-3.0, 3.0], [3.0, -3.0]]))
    assert np.allclose(seen, [[0.0, 1.0], [0.9, 0.1]])


def test_trust_is_judged_against_the_effort_that_was_promised_not_full_capacity():
    kept = kept_promise(willing=np.array([0.4, 0.4, 0.9]), promised=np.array([0.4, 0.8, 0.6]))
    assert kept.tolist() == pytest.approx([1.0, 0.5, 1.0])  # over-delivering counts as keeping it


def test_trust_building_does_not_raise_trust_in_a_partner_who_keeps_defecting():
    trust = np.full((3, 3), 0.5)
    seen = np.array([0.1, 0.9, 0.9])  # partner 0 defects, partner 1 has improved, partner 2 as ever
    got_better = np.array([0.0, 1.0, 0.0])
    plain = update_trust(trust, seen, np.full(3, BUILD), BREAK)
    repaired = update_trust(
        trust, seen, repair_rates(np.full(3, BUILD), got_better, default("repair_boost")), BREAK
    )
    assert np.array_equal(repaired[:, 0], plain[:, 0]) and np.all(repaired[:, 0] < 0.5)
    assert np.all(repaired[:, 1] > plain[:, 1])
    assert np.array_equal(repaired[:, 2], plain[:, 2])


@settings(max_examples=100, deadline=None)
@given(
    trust=arrays(float, (3, 3), elements=st.floats(0.0, 1.0)),
    seen=arrays(float, (3, 3), elements=st.floats(0.0, 1.0)),
    build=arrays(float, 3, elements=st.floats(0.0, 1.0)),
    fall=st.floats(0.0, 1.0),
    boost=st.floats(0.0, 3.0),
)
def test_trust_stays_in_the_unit_interval_for_rates_up_to_one(trust, seen, build, fall, boost):
    updated = update_trust(trust, seen, repair_rates(build, np.ones(3), boost), fall)
    assert np.all((updated >= 0.0) & (updated <= 1.0))


def test_mean_trust_in_others_ignores_self_and_partners_who_left():
    trust = np.array([[1.0, 0.2, 0.9], [0.4, 1.0, 0.9], [0.6, 0.8, 1.0]])
    assert trust_in_others(trust, np.ones(3))[0] == pytest.approx(0.55)
    assert trust_in_others(trust, np.array([1.0, 1.0, 0.0]))[0] == pytest.approx(0.2)


def test_suspicion_erodes_everyones_trust_in_the_suspected_partner_only():
    trust = np.full((3, 3), 0.6)
    eroded = erode_trust(trust, np.array([0.0, 0.5, 0.0]), 0.1)
    assert np.all(eroded[:, 1] < 0.6)
    assert np.array_equal(eroded[:, [0, 2]], trust[:, [0, 2]])


# --- commitment -----------------------------------------------------------------------------

PULLS = (default("satisfaction_pull"), default("goal_fit_pull"), default("relational_pull"))


def intent(trust=0.5, sat=0.5, fit=0.7, capital=0.2, temptation=None, resent=0.0):
    temptation = default("temptation") if temptation is None else temptation
    return contribution_intent(
        np.array([trust]),
        np.array([sat]),
        np.array([fit]),
        capital,
        np.array([temptation]),
        np.array([resent]),
        *PULLS,
        default("goal_fit_reference"),
    )[0]


def test_partners_contribute_more_when_they_trust_are_satisfied_see_their_goals_served_and_share_capital():
    base = intent()
    assert 0.0 < base < 1.0
    assert intent(trust=0.8) > base
    assert intent(sat=0.9) > base
    assert intent(fit=1.0) > base
    assert intent(capital=0.8) > base


def test_temptation_and_resentment_hold_contributions_back_but_never_below_zero():
    base = intent()
    assert intent(temptation=0.2) < base
    assert intent(resent=0.2) < base
    assert intent(trust=0.0, temptation=1.0) == 0.0
    assert intent(trust=1.0, sat=1.0, fit=1.0, capital=1.0, temptation=0.0) == 1.0


def test_weaker_partners_resent_a_dominant_one_and_equals_resent_nobody():
    rate = default("resentment")
    assert np.all(resentment(np.full(4, 0.25), np.ones(4), rate) == 0.0)
    r = resentment(np.array([0.5, 0.3, 0.2]), np.ones(3), rate)
    assert r[0] == 0.0 < r[1] < r[2]
    gone = resentment(np.array([0.6, 0.0, 0.4]), np.array([1.0, 0.0, 1.0]), rate)
    assert gone[1] == 0.0 and gone[2] > 0.0
    # A partner with no say at all withholds the full rate, in a small alliance as in a large one.
    for n in (3, 12):
        weights = np.zeros(n)
        weights[0] = 1.0
        assert resentment(weights, np.ones(n), rate)[1:] == pytest.approx(np.full(n - 1, rate))


def test_formal_contracts_lift_shirkers_to_a_floor_but_do_not_cap_the_willing():
    floor = default("contract_floor")
    intent_ = np.array([0.1, 0.95])
    enforced = enforced_contribution(intent_, 1.0, floor)
    assert enforced[0] == pytest.approx(floor) and enforced[1] == 0.95
    assert enforced_contribution(intent_, 0.5, floor)[0] == pytest.approx(0.5 * floor)
    assert np.array_equal(enforced_contribution(intent_, 0.0, floor), intent_)


def test_opportunism_is_the_shortfall_below_the_contracted_effort_and_contracts_lower_it():
    floor = default("contract_floor")
    intent_ = np.array([0.1, 0.2, 0.95])
    active = np.ones(3)
    loose = opportunism(enforced_contribution(intent_, 0.0, floor), active, floor)
    tight = opportunism(enforced_contribution(intent_, 1.0, floor), active, floor)
    assert loose > 0.0 and tight == 0.0
    assert opportunism(np.zeros(2), np.zeros(2), floor) == 0.0


# --- value ---------------------------------------------------------------------------------


def test_diverse_resources_add_more_than_similar_ones():
    money_only = np.array([[1.0, 0, 0, 0], [1.0, 0, 0, 0]])
    money_and_expertise = np.array([[1.0, 0, 0, 0], [0, 0, 1.0, 0]])
    contribution = np.array([1.0, 1.0])
    rho = default("complementarity")
    assert resource_bundle(contribution, money_and_expertise, rho) > resource_bundle(
        contribution, money_only, rho
    )


def test_a_balanced_bundle_counts_at_its_total_and_one_kind_only_at_a_discount():
    rho = default("complementarity")
    assert resource_bundle(np.array([2.0]), np.full((1, 4), 0.25), rho) == pytest.approx(2.0)
    one_kind = resource_bundle(np.array([2.0]), np.array([[1.0, 0, 0, 0]]), rho)
    assert one_kind == pytest.approx(2.0 * 4 ** (1 - 1 / rho))
    # Without complementarity (perfect substitutes) the mix does not matter.
    assert resource_bundle(np.array([2.0]), np.array([[1.0, 0, 0, 0]]), 1.0) == pytest.approx(2.0)


def test_an_agenda_out_of_step_with_the_context_creates_less_value():
    context = np.array([0.5, 0.5])
    bandwidth = default("fit_bandwidth")
    assert context_fit(context, context, bandwidth) == 1.0
    far, near = (
        context_fit(np.array([0.9, 0.1]), context, bandwidth),
        context_fit(np.array([0.6, 0.4]), context, bandwidth),
    )
    assert 0.0 < far < near < 1.0
    assert (
        context_fit(np.array([0.9, 0.1]), context, 2 * bandwidth) > far
    )  # a wider band forgives more


def test_variety_is_the_mean_goal_distance_between_partners_still_in():
    distance = goal_distances(np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]))
    assert variety(distance, np.array([1.0, 0.0, 1.0])) == 0.0
    assert variety(distance, np.ones(3)) == pytest.approx(2 / 3)
    assert variety(distance, np.array([1.0, 0.0, 0.0])) == 0.0


def test_more_variety_raises_potential_value_more_conflict_raises_coordination_cost():
    productivity, gain = default("productivity"), default("diversity_gain")
    assert potential_value(3.0, 0.6, productivity, gain) > potential_value(
        3.0, 0.2, productivity, gain
    )
    assert potential_value(3.0, 0.6, productivity, 0.0) == potential_value(
        3.0, 0.2, productivity, 0.0
    )

    def cost(level):
        return coordination_cost(
            5,
            level,
            default("coordination_cost"),
            0.0,
            default("conflict_weight"),
            default("monitoring_cost"),
        )

    assert cost(0.3) > cost(0.1) > cost(0.0) > 0.0


def test_goal_diversity_cuts_both_ways_more_potential_value_and_more_friction():
    stance = np.array([[-1.0, 0.5, 1.0], [1.0, -0.5, 0.0], [0.0, 1.0, -1.0]])
    trust, active = np.full((3, 3), 0.5), np.ones(3)

    def upside_and_friction(diversity):
        distance = goal_distances(ideal_points(stance, diversity))
        upside = potential_value(
            2.0, variety(distance, active), default("productivity"), default("diversity_gain")
        )
        friction = coordination_cost(
            3,
            conflict(distance, trust, active),
            default("coordination_cost"),
            0.0,
            default("conflict_weight"),
            default("monitoring_cost"),
        )
        return upside, friction

    (low_up, low_cost), (high_up, high_cost) = upside_and_friction(0.2), upside_and_friction(0.8)
    assert high_up > low_up and high_cost > low_cost


def test_coordination_cost_grows_with_the_number_of_partners_and_monitoring():
    rate, weight, monitoring = (
        default("coordination_cost"),
        default("conflict_weight"),
        default("monitoring_cost"),
    )
    assert coordination_cost(8, 0.0, rate, 0.0, weight, monitoring) > coordination_cost(
        4, 0.0, rate, 0.0, weight, monitoring
    )
    assert coordination_cost(4, 0.0, rate, 1.0, weight, monitoring) > coordination_cost(
        4, 0.0, rate, 0.0, weight, monitoring
    )
    assert coordination_cost(1, 0.5, rate, 1.0, weight, monitoring) == 0.0


def test_a_hub_saves_nothing_among_three_partners_and_more_the_more_partners_there_are():
    rate, weight = default("coordination_cost"), default("conflict_weight")

    def saving(n):
        cost = lambda broker: coordination_cost(n, 0.2, rate, 0.0, weight, 0.0, broker)  # noqa: E731
        return 1.0 - cost(default("hub_efficiency")) / cost(0.0)

    assert saving(2) == 0.0 and saving(3) == 0.0
    assert 0.0 < saving(5) < saving(20) < default("hub_efficiency")


def test_conflict_is_goal_distance_times_distrust():
    distance = np.array([[0.0, 0.6], [0.6, 0.0]])
    assert conflict(distance, np.full((2, 2), 1.0), np.ones(2)) == 0.0
    assert conflict(distance, np.full((2, 2), 0.5), np.ones(2)) == pytest.approx(0.3)
    assert conflict(distance, np.full((2, 2), 0.5), np.array([1.0, 0.0])) == 0.0


def test_formalisation_makes_the_alliance_less_innovative_and_relational_capital_more_productive():
    gain, loss = default("relational_gain"), default("innovation_loss")
    assert gross_value(1.0, 1.0, 0.0, 1.0, gain, loss) < gross_value(1.0, 1.0, 0.0, 0.0, gain, loss)
    assert gross_value(1.0, 1.0, 1.0, 0.0, gain, loss) > gross_value(1.0, 1.0, 0.0, 0.0, gain, loss)
    assert gross_value(1.0, 0.5, 0.0, 0.0, gain, loss) < gross_value(1.0, 1.0, 0.0, 0.0, gain, loss)


def test_booms_raise_demand_and_busts_cut_it():
    sensitivity = default("demand_sensitivity")
    assert demand_effect(2.0, 0.5, sensitivity) > 0.0 > demand_effect(2.0, -0.5, sensitivity)
    assert demand_effect(2.0, 0.0, sensitivity) == 0.0


# --- relational capital ------------------------------------------------------------------------


def test_relational_capital_grows_with_cooperation_and_erodes_in_conflict():
    growth, decay = default("capital_growth"), default("capital_decay")
    assert build_relational_capital(0.0, 1.0, 0.0, growth, decay) > 0.0
    assert build_relational_capital(0.5, 1.0, 0.0, growth, decay) > build_relational_capital(
        0.5, 0.2, 0.0, growth, decay
    )
    assert build_relational_capital(0.5, 0.0, 0.5, growth, decay) < 0.5
    assert 0.0 <= build_relational_capital(1.0, 1.0, 0.0, growth, decay) <= 1.0


# --- assessment and exit --------------------------------------------------------------------------

SCALE, MEMORY = default("satisfaction_scale"), default("disappointment_memory")


def test_satisfaction_rises_with_payoff_above_aspiration():
    s = satisfaction(np.array([0.5, 1.0, 1.5]), np.ones(3), np.ones(3), SCALE)
    assert s[0] < s[1] < s[2]
    assert s[1] == pytest.approx(0.5)


def test_aspirations_follow_experience_but_not_below_the_outside_option():
    rate = default("aspiration_rate")
    assert update_aspiration(np.array([1.0]), np.array([2.0]), np.array([0.5]), rate)[0] > 1.0
    assert update_aspiration(np.array([1.0]), np.array([0.0]), np.array([0.95]), rate)[0] == 0.95
    fast, slow = update_aspiration(
        np.array([1.0, 1.0]), np.array([2.0, 2.0]), np.zeros(2), np.array([0.3, 0.1])
    )
    assert fast > slow  # each partner adapts at its own speed


def test_a_partner_leaves_after_sustained_disappointment_not_after_one_bad_month():
    record = accumulate_disappointment(np.zeros(1), np.array([0.0]), np.array([1.0]), MEMORY)
    assert leavers(record, np.array([2.0]), np.ones(1)).size == 0
    for _ in range(3):
        record = accumulate_disappointment(record, np.array([0.0]), np.array([1.0]), MEMORY)
    assert leavers(record, np.array([2.0]), np.ones(1)).tolist() == [0]
    assert (
        leavers(record, np.array([2.0]), np.zeros(1)).size == 0
    )  # a partner that left cannot leave again


def test_disappointment_fades_when_things_go_well():
    record = accumulate_disappointment(np.array([1.5]), np.array([2.0]), np.array([1.0]), MEMORY)
    assert record[0] < 1.5


def test_termination_compensation_owed_raises_a_partners_exit_threshold():
    threshold, outside = np.array([3.0, 3.0]), np.array([0.5, 0.5])
    lock_in = default("lock_in")
    assert np.array_equal(exit_thresholds(threshold, np.zeros(2), outside, lock_in), threshold)
    raised = exit_thresholds(threshold, np.array([0.0, 6.0]), outside, lock_in)
    assert raised[0] == 3.0 < raised[1]
    assert exit_thresholds(threshold, np.array([0.0, 6.0]), outside, 2 * lock_in)[1] > raised[1]
    # A partner as disappointed as the first stays only because leaving would cost it.
    assert leavers(np.array([3.5, 3.5]), raised, np.ones(2)).tolist() == [0]


# --- the environment -------------------------------------------------------------------------------


def test_the_environment_moves_the_best_agenda_and_the_salience_of_power():
    env = Environment(
        (0.5, 0.5, 0.5), (0.25, 0.25, 0.25, 0.25), params(turbulence=0.8, shock_rate=2.0)
    )
    start_context, start_salience = env.context.copy(), env.power_salience
    rng = np.random.default_rng(1)
    for _ in range(24):
        env.advance(rng)
    assert not np.allclose(env.context, start_context)
    assert not np.allclose(env.power_salience, start_salience)
    assert np.all((env.context >= 0) & (env.context <= 1))
    assert env.power_salience.sum() == pytest.approx(1.0)


def test_a_calm_environment_stands_still():
    env = Environment((0.3, 0.7), (0.4, 0.3, 0.2, 0.1), params(turbulence=0.0, shock_rate=6.0))
    rng = np.random.default_rng(1)
    for _ in range(24):
        assert env.advance(rng) is None
    assert np.allclose(env.context, [0.3, 0.7])
    assert np.allclose(env.power_salience, [0.4, 0.3, 0.2, 0.1])
    assert env.market == 0.0 and env.shocks == 0


def test_without_shocks_the_context_still_drifts_in_turbulence():
    env = Environment((0.3, 0.7), (0.4, 0.3, 0.2, 0.1), params(turbulence=1.0, shock_rate=0.0))
    rng = np.random.default_rng(2)
    assert all(env.advance(rng) is None for _ in range(60))
    assert env.shocks == 0 and not np.allclose(env.context, [0.3, 0.7])


def test_a_shock_favours_its_power_base_and_pushes_the_market_its_way():
    # Only shocks move salience and the market here: no drift, no pull back.
    quiet = params(
        turbulence=1.0,
        shock_rate=6.0,
        salience_drift=0.0,
        market_drift=0.0,
        salience_reversion=0.0,
        market_reversion=0.0,
    )
    env = Environment((0.5, 0.5), (0.25, 0.25, 0.25, 0.25), quiet)
    rng = np.random.default_rng(3)
    seen = set()
    for _ in range(120):
        salience, market = env.power_salience.copy(), env.market
        kind = env.advance(rng)
        if kind is None:
            assert np.allclose(env.power_salience, salience) and env.market == market
            continue
        seen.add(kind)
        base, push = SHOCKS[kind]
        favoured = POWER_BASES.index(base)
        assert np.argmax(env.power_salience - salience) == favoured
        assert np.sign(env.market - market) == np.sign(push)
    assert seen == set(SHOCKS)


# --- partners ----------------------------------------------------------------------------------------


def test_goal_diversity_spreads_ideal_points_around_the_middle():
    stance = np.array([[-1.0, 1.0], [1.0, -1.0]])
    assert np.allclose(ideal_points(stance, 0.0), 0.5)
    assert np.allclose(ideal_points(stance, 1.0), [[0.0, 1.0], [1.0, 0.0]])


def test_power_asymmetry_spreads_total_power_but_keeps_each_partners_mix():
    power = np.array([[2.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    equal = shaped_power(power, 0.0, default("asymmetry_spread"))
    unequal = shaped_power(power, 1.0, default("asymmetry_spread"))
    assert np.allclose(equal.sum(axis=1), 1.0)
    assert unequal[0].sum() / unequal[1].sum() > 10
    assert unequal[1, 0] == 0 and unequal[0, 1] == 0


def test_partners_differ_in_traits_when_trait_variation_is_positive_and_are_identical_at_zero():
    rng = np.random.default_rng(0)
    same = draw_traits(params(trait_variation=0.0), 6, rng)
    varied = draw_traits(params(trait_variation=0.3), 6, rng)
    assert set(same) == set(varied) == set(TRAITS)
    for name in TRAITS:
        assert np.all(same[name] == default(name))
        assert np.unique(varied[name]).size == 6
        assert np.all(np.abs(varied[name] / default(name) - 1.0) <= 0.3)


def test_moving_ideals_toward_an_agenda_rescales_goal_distances_exactly():
    specs = load_scenario("open_innovation").partners
    beliefs = np.full((len(specs), 3), 0.5)
    partners = Partners.from_specs(
        specs, params(goal_diversity=0.8), beliefs, np.random.default_rng(0)
    )
    agenda = np.array([0.5, 0.4, 0.6])
    before = np.abs(partners.ideals - agenda).sum()
    partners.move_ideals_toward(agenda, 0.2)
    assert np.abs(partners.ideals - agenda).sum() == pytest.approx(0.8 * before)
    assert np.allclose(partners.goal_distance, goal_distances(partners.ideals))
    assert np.all((partners.ideals >= 0) & (partners.ideals <= 1))


def test_listed_partners_are_lined_up_once_and_no_run_changes_the_next_runs_start():
    specs = load_scenario("open_innovation").partners
    beliefs = np.full((len(specs), 3), 0.5)
    knobs = params(goal_diversity=0.8, power_asymmetry=0.6)
    fresh = Partners.from_specs(specs, knobs, beliefs, np.random.default_rng(0))
    first = Partners.from_specs(specs, knobs, beliefs, np.random.default_rng(0), listed=True)
    for table in ("issues", "bases", "relations", "ledger", "profile", "essential"):
        assert np.array_equal(getattr(first, table), getattr(fresh, table)), table
    # a run's alignment and a lost partner stay in that run
    first.move_ideals_toward(np.array([0.5, 0.4, 0.6]), 0.5)
    first.leave(0)
    first.trust[1, 2] = 0.0
    second = Partners.from_specs(specs, knobs, beliefs, np.random.default_rng(0), listed=True)
    for table in ("issues", "bases", "relations", "ledger", "profile"):
        assert np.array_equal(getattr(second, table), getattr(fresh, table)), table
    lineup = listed_lineup(specs, 0.8, 0.6, knobs["asymmetry_spread"])
    assert lineup is listed_lineup(specs, 0.8, 0.6, knobs["asymmetry_spread"])
    with pytest.raises(ValueError, match="read-only"):
        lineup.ideals[0, 0] = 0.0
    # other knobs, another lineup
    wider = lineup_of(specs, 1.0, 0.6, knobs["asymmetry_spread"])
    assert not np.array_equal(wider.ideals, lineup.ideals)


# --- perception ------------------------------------------------------------------------------------------


def test_beliefs_lag_behind_the_context_and_a_clear_fresh_reading_is_the_context():
    context, belief = np.array([0.8, 0.2]), np.array([[0.2, 0.8]])
    fresh = update_beliefs(belief, context, 0.0, 1.0, np.ones((1, 2)))
    assert np.allclose(fresh, context)
    late = update_beliefs(belief, context, 0.0, default("perception_rate"), np.ones((1, 2)))
    assert np.all(np.abs(late - context) < np.abs(belief - context))
    assert np.all(np.abs(late - context) > 0.1)
    noisy = update_beliefs(
        np.tile(context, (500, 1)),
        context,
        default("perception_noise"),
        1.0,
        np.random.default_rng(0).standard_normal((500, 2)),
    )
    assert np.std(noisy - context) == pytest.approx(default("perception_noise"), rel=0.15)


def test_a_scan_is_a_sharper_and_fresher_reading_the_more_effective_it_is():
    noise, rate, precision = (
        default("perception_noise"),
        default("perception_rate"),
        default("scan_precision"),
    )
    assert scanned_reading(noise, rate, precision, 0.0) == pytest.approx((noise, rate))
    half, full = (
        scanned_reading(noise, rate, precision, 0.5),
        scanned_reading(noise, rate, precision, 1.0),
    )
    assert noise > half[0] > full[0] >= 0.0
    assert rate < half[1] < full[1] <= 1.0
    assert scanned_reading(noise, rate, 0.0, 1.0) == pytest.approx((noise, rate))


# --- the manager's levers ----------------------------------------------------------------------------------

QUIET = dict(
    negotiation_due=False,
    deadlocked=False,
    shock_seen=False,
    agenda_fit_seen=1.0,
    mean_trust=0.9,
    trust_fell=False,
    conflict=0.0,
    dominance=1.0,
    opportunism=0.0,
)


def fired(**seen):
    observation = Observation(**{**QUIET, **seen})
    return {name for name, lever in LEVERS.items() if lever.triggered(observation, params())}


def test_the_registry_holds_every_lever_with_a_cost_in_the_parameter_table():
    assert tuple(LEVERS) == INTERVENTIONS
    # and an alarm: the compiled urgencies have one entry per lever, silent when all is quiet
    silent = urgencies(*QUIET.values(), alarms_of(params()))
    assert silent.tolist() == [0.0] * len(INTERVENTIONS)
    costs = capacity_costs(params())
    assert set(costs) == set(INTERVENTIONS)
    assert all(costs[name] == default(f"cost_{name}") > 0 for name in INTERVENTIONS)
    assert {n for n, lever in LEVERS.items() if lever.relational} == {
        "mediate",
        "build_trust",
        "align_ambition",
    }


@pytest.mark.parametrize(
    "seen, lever",
    [
        ({"shock_seen": True}, "scan_adapt"),
        ({"agenda_fit_seen": 0.5}, "scan_adapt"),
        ({"negotiation_due": True}, "mediate"),
        ({"deadlocked": True}, "mediate"),
        ({"mean_trust": 0.3}, "build_trust"),
        ({"trust_fell": True}, "build_trust"),
        ({"conflict": 0.2}, "align_ambition"),
        ({"dominance": 2.5}, "balance_power"),
        ({"opportunism": 0.3}, "formalise"),
    ],
)
def test_a_responsive_manager_pulls_each_lever_on_its_own_alarm_only(seen, lever):
    assert fired() == set()
    assert fired(**seen) == {lever}


def test_a_highly_formal_alliance_does_not_ring_the_opportunism_alarm_even_if_nobody_wants_to_contribute():
    floor = default("contract_floor")
    shirking = enforced_contribution(np.zeros(4), 0.9, floor)
    seen = opportunism(shirking, np.ones(4), floor)
    assert seen < default("opportunism_alarm")
    assert "formalise" not in fired(opportunism=seen)


def manager_month(routine: bool = False, levers=INTERVENTIONS, **seen):
    """The compiled manager's month for four partners with an agreement, seeing ``seen``; the
    lever names it would try, in order, and its standing afterwards."""
    rules = rules_of(params())
    rules[Rule.perception_rate] = 0.0  # its own reading leaves its belief where it is
    n, k = 4, 3
    looks = {**QUIET, **seen}
    trust = np.full((n, n), looks["mean_trust"])
    np.fill_diagonal(trust, 1.0)
    agenda = np.full(k, 0.5)
    # A belief so far from the agenda that the fit the manager sees is the one asked for.
    gap = np.sqrt(-np.log(looks["agenda_fit_seen"]) * 2.0 * default("fit_bandwidth") ** 2)
    belief = agenda + gap
    weights = np.full(n, looks["dominance"] / n) / (looks["dominance"] / n * n)
    weights[0] = looks["dominance"] / n
    previous = looks["mean_trust"] + (0.1 if looks["trust_fell"] else 0.0)
    figures = new_figures()
    figures[Figure.conflict], figures[Figure.opportunism] = looks["conflict"], looks["opportunism"]
    *_, order = managing(
        rules,
        belief,
        np.zeros(k),  # the context and the reading's noise, given no weight
        np.zeros(k),
        agenda,
        True,
        trust,
        np.ones(n),
        float(n),
        np.full(n, 0.5),
        weights,
        figures,
        previous,
        looks["negotiation_due"],
        looks["deadlocked"],
        looks["shock_seen"],
        -1,
        1.0,
        0.0,
        1.0,
        1.0,
        0.5,
        np.array([INTERVENTIONS.index(name) for name in levers], dtype=np.int64),
        routine,
        alarms_of(params()),
    )
    return [INTERVENTIONS[code] for code in order]


def test_the_compiled_manager_sees_what_each_levers_alarm_rings_for():
    assert manager_month() == []
    assert manager_month(deadlocked=True) == ["mediate"]
    assert manager_month(agenda_fit_seen=0.5) == ["scan_adapt"]
    assert manager_month(mean_trust=0.3) == ["build_trust"]
    assert manager_month(opportunism=0.3) == ["formalise"]


def test_a_responsive_manager_tries_the_most_urgent_lever_first_and_ties_in_its_usual_order():
    # A deadlock is the most urgent signal there is (1.0); a fall in trust (0.1) ties with a
    # negotiation that is due (0.1), and then the usual order puts mediation first.
    assert manager_month(deadlocked=True, trust_fell=True)[0] == "mediate"
    assert manager_month(negotiation_due=True, trust_fell=True) == ["mediate", "build_trust"]
    reordered = ("build_trust", "mediate")
    assert manager_month(negotiation_due=True, trust_fell=True, levers=reordered) == list(reordered)


def test_a_routine_manager_tries_all_its_levers_in_its_usual_order_whatever_it_sees():
    assert manager_month(routine=True) == list(INTERVENTIONS)
    assert manager_month(routine=True, levers=("formalise", "mediate")) == ["formalise", "mediate"]


def test_a_partisan_manager_raises_its_homes_bargaining_weight_and_the_weights_still_sum_to_one():
    weights = np.array([0.4, 0.3, 0.2, 0.1])
    pulled = tilted(weights, 2, 0.5)
    assert pulled.sum() == pytest.approx(1.0)
    assert pulled[2] > weights[2]
    assert np.all(pulled[[0, 1, 3]] < weights[[0, 1, 3]])
    assert pulled[0] / pulled[1] == pytest.approx(weights[0] / weights[1])
    assert np.allclose(tilted(weights, 2, 0.0), weights)


def test_improvement_means_a_contribution_that_rose():
    assert improved(np.array([0.5, 0.5, 0.2]), np.array([0.4, 0.5, 0.3])).tolist() == [
        1.0,
        0.0,
        0.0,
    ]


# --- outcomes --------------------------------------------------------------------------------------------


def test_gini_is_zero_for_an_equal_split_and_grows_with_inequality():
    assert gini(np.array([1.0, 1.0, 1.0])) == pytest.approx(0.0)
    assert gini(np.array([0.0, 0.0, 3.0])) == pytest.approx(2 / 3)
    assert gini(np.array([1.0, 2.0, 3.0])) == pytest.approx(2 / 9)
    assert gini(np.array([-1.0, 0.0])) == 0.0
