"""The small mechanisms, each checked against the claim it encodes."""

import numpy as np
import pytest

from sim.model.alliance import build_relational_capital
from sim.model.assessment import accumulate_disappointment, leavers, satisfaction, update_aspiration
from sim.model.commitment import CONTRACT_FLOOR, contribution_intent, enforced_contribution
from sim.model.environment import Environment
from sim.model.interventions import alignment_share, balance_power, build_trust, formalise
from sim.model.outcomes import gini
from sim.model.partners import ideal_points, shaped_power
from sim.model.trust import trust_in_others, update_trust
from sim.model.value import conflict, context_fit, coordination_cost, gross_value, resource_bundle


def test_trust_builds_slowly_and_breaks_fast():
    trust = np.full((2, 2), 0.5)
    better = update_trust(trust, np.array([0.7, 0.7]), build_rate=0.05, break_rate=0.3)
    worse = update_trust(trust, np.array([0.3, 0.3]), build_rate=0.05, break_rate=0.3)
    gain, loss = better[0, 1] - 0.5, 0.5 - worse[0, 1]
    assert 0 < gain < loss
    assert loss / gain == pytest.approx(6.0)


def test_trust_follows_what_each_partner_did():
    trust = np.full((3, 3), 0.5)
    updated = update_trust(trust, np.array([1.0, 0.5, 0.0]), 0.1, 0.3)
    assert updated[1, 0] > 0.5 and updated[0, 1] == 0.5 and updated[0, 2] < 0.5


def test_mean_trust_in_others_ignores_self_and_partners_who_left():
    trust = np.array([[1.0, 0.2, 0.9], [0.4, 1.0, 0.9], [0.6, 0.8, 1.0]])
    assert trust_in_others(trust, np.ones(3))[0] == pytest.approx(0.55)
    assert trust_in_others(trust, np.array([1.0, 1.0, 0.0]))[0] == pytest.approx(0.2)


def test_partners_contribute_more_when_they_trust_the_others():
    low = contribution_intent(np.array([0.2]), np.array([0.5]), np.array([0.8]), 0.0)
    high = contribution_intent(np.array([0.8]), np.array([0.5]), np.array([0.8]), 0.0)
    assert high > low


def test_formal_contracts_lift_shirkers_to_a_floor_but_do_not_cap_the_willing():
    intent = np.array([0.1, 0.95])
    enforced = enforced_contribution(intent, formalisation=1.0)
    assert enforced[0] == pytest.approx(CONTRACT_FLOOR) and enforced[1] == 0.95
    assert np.all(enforced_contribution(intent, 0.0) == intent)


def test_diverse_resources_add_more_than_similar_ones():
    money_only = np.array([[1.0, 0, 0, 0], [1.0, 0, 0, 0]])
    money_and_expertise = np.array([[1.0, 0, 0, 0], [0, 0, 1.0, 0]])
    contribution = np.array([1.0, 1.0])
    assert resource_bundle(contribution, money_and_expertise) > resource_bundle(contribution, money_only)


def test_a_perfectly_balanced_bundle_counts_at_its_total():
    assert resource_bundle(np.array([2.0]), np.full((1, 4), 0.25)) == pytest.approx(2.0)


def test_an_agenda_out_of_step_with_the_context_creates_less_value():
    context = np.array([0.5, 0.5])
    assert context_fit(context, context) == 1.0
    assert context_fit(np.array([0.9, 0.1]), context) < context_fit(np.array([0.6, 0.4]), context) < 1.0


def test_coordination_cost_grows_with_the_number_of_partners_and_with_conflict():
    assert coordination_cost(8, 0.0, 0.1, 0.0) > coordination_cost(4, 0.0, 0.1, 0.0)
    assert coordination_cost(4, 0.2, 0.1, 0.0) > coordination_cost(4, 0.0, 0.1, 0.0)
    assert coordination_cost(1, 0.5, 0.1, 0.0) == 0.0


def test_conflict_is_goal_distance_times_distrust():
    distance = np.array([[0.0, 0.6], [0.6, 0.0]])
    assert conflict(distance, np.full((2, 2), 1.0), np.ones(2)) == 0.0
    assert conflict(distance, np.full((2, 2), 0.5), np.ones(2)) == pytest.approx(0.3)


def test_formalisation_makes_the_alliance_less_innovative():
    assert gross_value(1.0, 1.0, 0.0, 1.0, 2.0) < gross_value(1.0, 1.0, 0.0, 0.0, 2.0)


def test_relational_capital_grows_with_cooperation_and_erodes_in_conflict():
    assert build_relational_capital(0.0, 1.0, 0.0) > 0.0
    assert build_relational_capital(0.5, 0.0, 0.5) < 0.5
    assert 0.0 <= build_relational_capital(1.0, 1.0, 0.0) <= 1.0


def test_satisfaction_rises_with_payoff_above_aspiration():
    s = satisfaction(np.array([0.5, 1.0, 1.5]), np.ones(3), np.ones(3))
    assert s[0] < s[1] < s[2]
    assert s[1] == pytest.approx(0.5)


def test_aspirations_follow_experience_but_not_below_the_outside_option():
    assert update_aspiration(np.array([1.0]), np.array([2.0]), np.array([0.5]))[0] > 1.0
    assert update_aspiration(np.array([1.0]), np.array([0.0]), np.array([0.95]))[0] == 0.95


def test_a_partner_leaves_after_sustained_disappointment_not_after_one_bad_month():
    record = np.zeros(1)
    record = accumulate_disappointment(record, np.array([0.0]), np.array([1.0]))
    assert leavers(record, 2.0, np.ones(1)).size == 0
    for _ in range(3):
        record = accumulate_disappointment(record, np.array([0.0]), np.array([1.0]))
    assert leavers(record, 2.0, np.ones(1)).tolist() == [0]


def test_disappointment_fades_when_things_go_well():
    record = accumulate_disappointment(np.array([1.5]), np.array([2.0]), np.array([1.0]))
    assert record[0] < 1.5


def test_the_environment_moves_the_best_agenda_and_the_salience_of_power():
    env = Environment((0.5, 0.5, 0.5), (0.25, 0.25, 0.25, 0.25), turbulence=0.8, shock_rate=2.0)
    start_context, start_salience = env.context.copy(), env.power_salience
    rng = np.random.default_rng(1)
    for _ in range(24):
        env.advance(rng)
    assert not np.allclose(env.context, start_context)
    assert not np.allclose(env.power_salience, start_salience)
    assert np.all((env.context >= 0) & (env.context <= 1))
    assert env.power_salience.sum() == pytest.approx(1.0)


def test_a_calm_environment_stands_still():
    env = Environment((0.3, 0.7), (0.4, 0.3, 0.2, 0.1), turbulence=0.0, shock_rate=1.0)
    rng = np.random.default_rng(1)
    for _ in range(24):
        assert env.advance(rng) is None
    assert np.allclose(env.context, [0.3, 0.7])
    assert np.allclose(env.power_salience, [0.4, 0.3, 0.2, 0.1])


def test_goal_diversity_spreads_ideal_points_around_the_middle():
    stance = np.array([[-1.0, 1.0], [1.0, -1.0]])
    assert np.allclose(ideal_points(stance, 0.0), 0.5)
    assert np.allclose(ideal_points(stance, 1.0), [[0.0, 1.0], [1.0, 0.0]])


def test_power_asymmetry_spreads_total_power_but_keeps_each_partners_mix():
    power = np.array([[2.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    equal = shaped_power(power, 0.0)
    unequal = shaped_power(power, 1.0)
    assert np.allclose(equal.sum(axis=1), 1.0)
    assert unequal[0].sum() / unequal[1].sum() > 10
    assert unequal[1, 0] == 0 and unequal[0, 1] == 0


def test_interventions_move_their_targets_in_the_intended_direction():
    trust = np.full((2, 2), 0.4)
    assert np.all(build_trust(trust, 1.0) > trust)
    assert 0.0 < alignment_share(1.0) < 1.0 and alignment_share(0.0) == 0.0
    assert 0.0 < balance_power(0.0, 1.0) < 1.0
    assert 0.3 < formalise(0.3, 1.0) < 1.0
    assert build_trust(trust, 0.0) is not trust and np.allclose(build_trust(trust, 0.0), trust)


def test_gini_is_zero_for_an_equal_split_and_grows_with_inequality():
    assert gini(np.array([1.0, 1.0, 1.0])) == pytest.approx(0.0)
    assert gini(np.array([0.0, 0.0, 3.0])) == pytest.approx(2 / 3)
    assert gini(np.array([1.0, 2.0, 3.0])) == pytest.approx(2 / 9)


def test_moving_ideals_toward_an_agenda_rescales_goal_distances_exactly():
    from sim.model.partners import goal_distances
    from sim.config.scenario import load_scenario
    from sim.model.partners import Partners

    partners = Partners.from_specs(load_scenario("open_innovation").partners, 0.8, 0.5, 0.5)
    agenda = np.array([0.5, 0.4, 0.6])
    before = np.abs(partners.ideals - agenda).sum()
    partners.move_ideals_toward(agenda, 0.2)
    assert np.abs(partners.ideals - agenda).sum() == pytest.approx(0.8 * before)
    assert np.allclose(partners.goal_distance, goal_distances(partners.ideals))
    assert np.all((partners.ideals >= 0) & (partners.ideals <= 1))
