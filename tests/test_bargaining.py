"""Negotiation: who weighs how much, which agenda, and how the value is split."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.model.bargaining import (
    bargaining_weights,
    effective_power,
    goal_fit,
    integrative_agenda,
    mediated_agenda,
    nash_shares,
    reservation_shares,
    split_the_difference,
)

# Two partners, two issues: each cares mostly about a different issue (a logrolling situation).
IDEALS = np.array([[0.9, 0.1], [0.1, 0.9]])
OPPOSITE_SALIENCE = np.array([[0.9, 0.1], [0.1, 0.9]])
EQUAL = np.array([0.5, 0.5])


def test_splitting_the_difference_meets_in_the_middle_of_each_issue():
    assert np.allclose(split_the_difference(IDEALS, EQUAL), [0.5, 0.5])


def test_a_mediator_finds_an_agreement_every_partner_prefers_to_splitting_the_difference():
    split = goal_fit(split_the_difference(IDEALS, EQUAL), IDEALS, OPPOSITE_SALIENCE)
    mediated = goal_fit(mediated_agenda(IDEALS, OPPOSITE_SALIENCE, EQUAL, skill=1.0),
                        IDEALS, OPPOSITE_SALIENCE)
    assert np.all(mediated > split + 0.05)


def test_a_less_skilled_mediator_finds_less_of_the_joint_gain():
    fits = [goal_fit(mediated_agenda(IDEALS, OPPOSITE_SALIENCE, EQUAL, skill), IDEALS,
                     OPPOSITE_SALIENCE).sum() for skill in (0.0, 0.5, 1.0)]
    assert fits[0] < fits[1] < fits[2]


def test_integrative_agenda_gives_each_partner_the_issue_it_cares_most_about():
    agenda = integrative_agenda(IDEALS, OPPOSITE_SALIENCE, EQUAL)
    # Issue 0 goes most of the way to partner 0's ideal (0.9), issue 1 to partner 1's (0.9).
    assert np.allclose(agenda, [0.82, 0.82])


unit = st.floats(0.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(
    ideals=arrays(float, (4, 3), elements=unit),
    salience=arrays(float, (4, 3), elements=st.floats(0.01, 1.0)),
    raw_weights=arrays(float, 4, elements=st.floats(0.01, 1.0)),
    skill=unit,
)
def test_mediation_never_leaves_any_partner_worse_off_than_splitting_the_difference(
        ideals, salience, raw_weights, skill):
    salience = salience / salience.sum(axis=1, keepdims=True)
    weights = raw_weights / raw_weights.sum()
    split = goal_fit(split_the_difference(ideals, weights), ideals, salience)
    mediated = goal_fit(mediated_agenda(ideals, salience, weights, skill), ideals, salience)
    assert np.all(mediated >= split - 1e-9)


def test_no_agreement_exists_when_it_would_push_a_partner_below_its_outside_option():
    active = np.ones(3)
    reservation = reservation_shares(np.array([2.0, 2.0, 2.0]), np.zeros(3), expected_value=5.0)
    assert nash_shares(reservation, np.full(3, 1 / 3), active) is None


def test_no_agreement_when_the_alliance_is_expected_to_destroy_value():
    reservation = reservation_shares(np.ones(2), np.zeros(2), expected_value=-1.0)
    assert nash_shares(reservation, EQUAL, np.ones(2)) is None


@settings(max_examples=200, deadline=None)
@given(
    outside=arrays(float, 5, elements=st.floats(0.0, 2.0)),
    costs=arrays(float, 5, elements=st.floats(0.0, 1.0)),
    value=st.floats(0.1, 50.0),
    raw_weights=arrays(float, 5, elements=st.floats(0.01, 1.0)),
)
def test_an_agreement_gives_every_partner_at_least_its_outside_option_and_shares_sum_to_one(
        outside, costs, value, raw_weights):
    weights = raw_weights / raw_weights.sum()
    reservation = reservation_shares(outside, costs, value)
    shares = nash_shares(reservation, weights, np.ones(5))
    if reservation.sum() > 1.0:
        assert shares is None
    else:
        assert np.isclose(shares.sum(), 1.0)
        assert np.all(shares * value >= outside + costs - 1e-9)


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
