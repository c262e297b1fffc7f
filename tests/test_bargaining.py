"""Negotiation: who weighs how much, which agenda, how the value is split and whether it settles."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim import AllianceModel
from sim.model.bargaining import (
    bargaining_weights,
    concentration,
    effective_power,
    goal_fit,
    integrative_agenda,
    mediated_agenda,
    mission_value,
    nash_shares,
    reservation_shares,
    settle_chance,
    split_the_difference,
)

from .conftest import default

# Two partners, two issues: each cares mostly about a different issue (a logrolling situation).
IDEALS = np.array([[0.9, 0.1], [0.1, 0.9]])
OPPOSITE_SALIENCE = np.array([[0.9, 0.1], [0.1, 0.9]])
EQUAL = np.array([0.5, 0.5])
MISFIT = default("misfit_scale")


def fit(agenda, ideals=IDEALS, salience=OPPOSITE_SALIENCE):
    return goal_fit(agenda, ideals, salience, MISFIT)


# --- the agenda ---------------------------------------------------------------------------------


def test_an_agenda_at_a_partners_ideal_serves_it_fully_and_one_far_away_not_at_all():
    assert fit(IDEALS[0])[0] == 1.0
    assert fit(np.array([0.0, 1.0]))[0] == 0.0
    assert fit(np.array([0.5, 0.5]))[0] < fit(np.array([0.7, 0.5]))[0] < 1.0


def test_splitting_the_difference_meets_in_the_middle_of_each_issue():
    assert np.allclose(split_the_difference(IDEALS, EQUAL), [0.5, 0.5])
    assert np.allclose(split_the_difference(IDEALS, np.array([0.75, 0.25])), [0.7, 0.3])


def test_a_mediator_finds_an_agreement_every_partner_prefers_to_splitting_the_difference():
    split = fit(split_the_difference(IDEALS, EQUAL))
    mediated = fit(mediated_agenda(IDEALS, OPPOSITE_SALIENCE, EQUAL))
    assert np.all(mediated > split + 0.05)


def test_integrative_agenda_gives_each_partner_the_issue_it_cares_most_about():
    agenda = integrative_agenda(IDEALS, OPPOSITE_SALIENCE, EQUAL)
    # Issue 0 goes most of the way to partner 0's ideal (0.9), issue 1 to partner 1's (0.9).
    assert np.allclose(agenda, [0.82, 0.82])


def test_the_integrative_gain_grows_with_how_differently_partners_weigh_the_issues():
    def joint_gain(contrast):
        salience = np.array([[0.5 + contrast, 0.5 - contrast], [0.5 - contrast, 0.5 + contrast]])
        return (
            fit(mediated_agenda(IDEALS, salience, EQUAL), salience=salience).sum()
            - fit(split_the_difference(IDEALS, EQUAL), salience=salience).sum()
        )

    gains = [joint_gain(c) for c in (0.0, 0.1, 0.2, 0.3, 0.4)]
    assert gains[0] == pytest.approx(0.0, abs=1e-12)  # nothing to trade when all weigh alike
    assert all(a < b for a, b in itertools.pairwise(gains))


def test_a_mediator_stops_where_a_partner_would_start_to_lose():
    # A and B trade issues; C cares about both alike and wants a moderate agenda on each.
    ideals = np.array([[0.9, 0.1], [0.1, 0.9], [0.6, 0.6]])
    salience = np.array([[0.9, 0.1], [0.1, 0.9], [0.5, 0.5]])
    weights = np.full(3, 1 / 3)
    fits = lambda agenda: fit(agenda, ideals, salience)  # noqa: E731
    split = split_the_difference(ideals, weights)
    best = integrative_agenda(ideals, salience, weights)
    mediated = mediated_agenda(ideals, salience, weights)
    assert fits(best)[2] < fits(split)[2]  # the joint optimum would hurt C
    assert np.all((split < mediated) & (mediated < best))  # so the mediator goes part of the way
    assert fits(mediated)[2] == pytest.approx(fits(split)[2])  # exactly as far as C allows
    assert np.all(fits(mediated)[:2] > fits(split)[:2])


unit = st.floats(0.0, 1.0)


@settings(max_examples=150, deadline=None)
@given(
    ideals=arrays(float, (4, 3), elements=unit),
    salience=arrays(float, (4, 3), elements=st.floats(0.01, 1.0)),
    raw_weights=arrays(float, 4, elements=st.floats(0.01, 1.0)),
)
def test_mediation_never_leaves_any_partner_worse_off_and_never_lowers_the_joint_gain(
    ideals, salience, raw_weights
):
    salience = salience / salience.sum(axis=1, keepdims=True)
    weights = raw_weights / raw_weights.sum()
    split_agenda = split_the_difference(ideals, weights)
    mediated_agenda_ = mediated_agenda(ideals, salience, weights)
    # Unclipped utilities (minus salience-weighted squared distance), so no partner hides at fit 0.
    utility = lambda agenda: -(salience * (agenda - ideals) ** 2).sum(axis=1)  # noqa: E731
    assert np.all(utility(mediated_agenda_) >= utility(split_agenda) - 1e-9)
    assert weights @ utility(mediated_agenda_) >= weights @ utility(split_agenda) - 1e-9


# --- the split of the value ----------------------------------------------------------------------


def test_no_agreement_exists_when_it_would_push_a_partner_below_its_outside_option():
    reservation = reservation_shares(np.full(3, 2.0), np.zeros(3), np.zeros(3), np.full(3, 5.0))
    assert nash_shares(reservation, np.full(3, 1 / 3), np.ones(3)) is None


def test_no_agreement_when_the_alliance_is_expected_to_destroy_value():
    reservation = reservation_shares(np.ones(2), np.zeros(2), np.zeros(2), np.array([-1.0, -1.0]))
    assert nash_shares(reservation, EQUAL, np.ones(2)) is None
    # One pessimist is enough.
    reservation = reservation_shares(
        np.full(2, 0.1), np.zeros(2), np.zeros(2), np.array([5.0, 0.0])
    )
    assert nash_shares(reservation, EQUAL, np.ones(2)) is None


def test_mission_value_in_kind_makes_room_for_a_deal_money_alone_cannot():
    outside, costs, value = np.full(2, 1.0), np.full(2, 0.1), 2.0
    perceived = np.full(2, value)
    weight = default("mission_weight")
    money_only = reservation_shares(outside, costs, np.zeros(2), perceived)
    assert nash_shares(money_only, EQUAL, np.ones(2)) is None
    in_kind = reservation_shares(
        outside, costs, mission_value(np.ones(2), value, 2.0, weight), perceived
    )
    shares = nash_shares(in_kind, EQUAL, np.ones(2))
    assert shares is not None and np.all(in_kind < money_only)


def test_an_agenda_that_serves_a_partners_goals_is_worth_more_to_it_but_only_if_value_is_created():
    weight = default("mission_weight")
    worth = mission_value(np.array([0.2, 0.9]), 3.0, 2.0, weight)
    assert 0.0 < worth[0] < worth[1]
    assert np.all(mission_value(np.array([0.2, 0.9]), -3.0, 2.0, weight) == 0.0)


@settings(max_examples=150, deadline=None)
@given(
    outside=arrays(float, 5, elements=st.floats(0.0, 2.0)),
    costs=arrays(float, 5, elements=st.floats(0.0, 1.0)),
    fits=arrays(float, 5, elements=unit),
    perceived=arrays(float, 5, elements=st.floats(0.1, 50.0)),
    raw_weights=arrays(float, 5, elements=st.floats(0.01, 1.0)),
)
def test_an_agreement_gives_every_partner_at_least_its_reservation_and_shares_sum_to_one(
    outside, costs, fits, perceived, raw_weights
):
    weights = raw_weights / raw_weights.sum()
    mission = mission_value(fits, float(perceived.mean()), 5.0, default("mission_weight"))
    reservation = reservation_shares(outside, costs, mission, perceived)
    shares = nash_shares(reservation, weights, np.ones(5))
    if reservation.sum() > 1.0:
        assert shares is None
    else:
        assert np.isclose(shares.sum(), 1.0)
        # In each partner's own expectation: money plus mission at least covers outside option and costs.
        assert np.all(shares * perceived + mission >= outside + costs - 1e-9)


def test_the_stronger_partner_takes_the_larger_part_of_the_surplus():
    shares = nash_shares(np.array([0.2, 0.2]), np.array([0.75, 0.25]), np.ones(2))
    assert shares[0] > shares[1]
    assert np.isclose(shares[0] - 0.2, 3 * (shares[1] - 0.2))


def test_partners_who_left_get_no_share_and_no_weight():
    active = np.array([1.0, 0.0, 1.0])
    power = effective_power(np.ones((3, 4)), np.full(4, 0.25), active)
    assert power[1] == 0.0 and np.isclose(power.sum(), 1.0)
    shares = nash_shares(np.array([0.1, 0.5, 0.1]), power, active)
    assert shares[1] == 0.0 and np.isclose(shares.sum(), 1.0)


# --- power -------------------------------------------------------------------------------------------


def test_effective_power_follows_which_power_base_the_context_values():
    # Partner 0 holds money, partner 1 formal authority.
    power = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    boom = effective_power(power, np.array([0.7, 0.1, 0.1, 0.1]), np.ones(2))
    crisis = effective_power(power, np.array([0.1, 0.7, 0.1, 0.1]), np.ones(2))
    assert boom[0] > boom[1] and crisis[1] > crisis[0]


def test_balancing_power_moves_bargaining_weights_toward_equality():
    power = np.array([0.8, 0.2])
    assert np.allclose(bargaining_weights(power, 0.0, np.ones(2)), power)
    assert np.allclose(bargaining_weights(power, 1.0, np.ones(2)), [0.5, 0.5])
    half = bargaining_weights(power, 0.5, np.ones(2))
    assert 0.5 < half[0] < 0.8


def test_concentration_is_zero_among_equals_and_one_when_one_partner_holds_all():
    assert concentration(np.full(4, 0.25), 4) == pytest.approx(0.0)
    assert concentration(np.array([1.0, 0.0, 0.0, 0.0]), 4) == pytest.approx(1.0)
    assert 0.0 < concentration(np.array([0.4, 0.2, 0.2, 0.2]), 4) < 1.0


# --- settling ------------------------------------------------------------------------------------------

BASE, STEERING = default("settle_chance"), default("steering")


def chance(weights, n=None, mediation=0.0, brokerage=0.0, steering=STEERING, base=BASE):
    weights = np.asarray(weights, dtype=float)
    return settle_chance(weights, n or weights.size, base, steering, mediation, brokerage)


def test_a_steering_core_settles_faster_and_more_partners_settle_slower():
    equal4 = chance(np.full(4, 0.25))
    assert chance([0.55, 0.15, 0.15, 0.15]) > equal4
    assert chance([0.55, 0.15, 0.15, 0.15], steering=0.0) == pytest.approx(equal4)
    by_size = [chance(np.full(n, 1.0 / n)) for n in (2, 4, 8, 16)]
    assert by_size[0] == pytest.approx(BASE)
    assert all(a > b for a, b in itertools.pairwise(by_size))


def test_a_mediator_and_a_broker_help_a_negotiation_settle():
    equal8 = np.full(8, 1 / 8)
    assert chance(equal8, mediation=0.5) > chance(equal8)
    assert chance(equal8, mediation=1.0) == pytest.approx(1.0)
    assert chance(equal8, brokerage=default("hub_efficiency")) > chance(equal8)


@settings(max_examples=100, deadline=None)
@given(
    raw=arrays(float, 6, elements=st.floats(0.0, 1.0)),
    n=st.integers(1, 6),
    base=st.floats(0.01, 1.0),
    steering=st.floats(0.0, 3.0),
    mediation=unit,
    brokerage=unit,
)
def test_the_chance_to_settle_is_a_probability(raw, n, base, steering, mediation, brokerage):
    weights = np.zeros(6)
    weights[:n] = raw[:n] + 0.01
    weights /= weights.sum()
    p = settle_chance(weights, n, base, steering, mediation, brokerage)
    assert 0.0 <= p <= 1.0 + 1e-12


# --- negotiation in the model ------------------------------------------------------------------------


def founding(seed, mediate, **knobs):
    """A model one month in, whose manager (if ``mediate``) mediated the founding negotiation."""
    model = AllianceModel(
        "open_innovation",
        rng=seed,
        collect=False,
        manager="independent",
        interventions="none",
        manager_skill=1.0,
        independent_legitimacy=1.0,
        **knobs,
    )
    if mediate:
        assert model.manager.intervene("mediate") == pytest.approx(1.0)
    model.step()
    return model


def test_in_the_model_a_mediated_founding_agenda_serves_every_partner_at_least_as_well():
    compared = 0
    for seed in range(20):
        # No pull toward the context, and every negotiation with room settles: only the agenda differs.
        plain = founding(seed, False, context_weight=0.0, settle_chance=1.0)
        mediated = founding(seed, True, context_weight=0.0, settle_chance=1.0)
        if not (plain.alliance.formed and mediated.alliance.formed):
            continue
        compared += 1
        assert [e[2] for e in mediated.events if e[1] == "agreement"] == [{"mediated": True}]
        assert [e[2] for e in plain.events if e[1] == "agreement"] == [{"mediated": False}]
        p = mediated.partners

        def fits(m, p=p):
            return goal_fit(m.alliance.agreement.agenda, p.ideals, p.salience, MISFIT)

        assert np.all(fits(mediated) >= fits(plain) - 1e-12)
        assert fits(mediated).sum() > fits(plain).sum()
    assert compared >= 5


def test_in_the_model_a_fully_effective_mediator_settles_what_would_otherwise_deadlock():
    hopeless = dict(settle_chance=0.01, steering=0.0, mediation_settle=1.0)
    plain = [founding(seed, False, **hopeless) for seed in range(10)]
    mediated = [founding(seed, True, **hopeless) for seed in range(10)]
    assert not any(m.alliance.formed for m in plain)
    # Every mediated negotiation with room for a deal settled; only a lack of room deadlocks it.
    assert all(e[2]["room"] is False for m in mediated for e in m.events if e[1] == "deadlock")
    assert sum(m.alliance.formed for m in mediated) >= 5


def test_in_the_model_a_mediated_deadlock_is_retried_sooner_and_mediation_is_used_once():
    hopeless = dict(settle_chance=0.01, steering=0.0, mediation_settle=0.0)
    for seed in range(3):
        plain, mediated = founding(seed, False, **hopeless), founding(seed, True, **hopeless)
        assert plain.alliance.deadlocks == mediated.alliance.deadlocks == 1
        assert plain.alliance.next_negotiation == 1 + default("deadlock_retry")
        assert mediated.alliance.next_negotiation == 1 + default("mediated_retry")
        assert mediated.alliance.mediation == 0.0


def test_in_the_model_mediating_after_a_deadlock_brings_the_next_attempt_forward():
    hopeless = dict(settle_chance=0.01, steering=0.0, mediation_settle=0.0)
    model = founding(0, False, **hopeless)
    assert model.alliance.deadlocks == 1
    assert model.alliance.next_negotiation == model.month + default("deadlock_retry")
    model.manager.intervene("mediate")
    assert model.alliance.next_negotiation == model.month + default("mediated_retry")
    model.step()  # the earlier attempt happens, with the mediator at the table
    assert model.alliance.mediation == 0.0
    assert any(e[0] == model.month and e[1] in ("agreement", "deadlock") for e in model.events)
