"""Execution: the value the joint effort creates, net of the cost of working together.

Value grows with contributions, more when they are diverse: a CES bundle over the
four kinds of resource (money plus expertise beats twice the money), and a
variety bonus for partners who see the issues differently (Hong & Page 2004:
diverse perspectives find more). It grows with the fit of the agenda to where
value lies in the current context and with relational capital; formal control
makes the alliance less innovative. Coordination cost grows with the number of
partners and with conflict (goal distance times distrust). Diversity thus cuts
both ways, and each side is its own term: potential value and friction.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model.compiled import compiled


@compiled
def resource_bundle(
    contribution: np.ndarray, resource_profile: np.ndarray, complementarity: float
) -> float:
    """Effective input of the joint effort: a CES aggregate over resource kinds.

    Scaled so that a perfectly balanced bundle counts at its total and a bundle
    of one kind only at ``n_kinds ** (1 - 1/complementarity)`` of it.
    """
    by_kind = contribution @ resource_profile
    n_kinds = by_kind.size
    return float(n_kinds * (np.sum(by_kind**complementarity) / n_kinds) ** (1.0 / complementarity))


def pair_mean(matrix: np.ndarray, active: np.ndarray, n: float | None = None) -> float:
    """Mean of a zero-diagonal partner-by-partner ``matrix`` over pairs of active partners
    (``n``, the number of active partners, when the caller knows it)."""
    return mean_over_pairs(matrix, active, float(active.sum()) if n is None else n)


@compiled
def mean_over_pairs(matrix: np.ndarray, active: np.ndarray, n: float) -> float:
    """:func:`pair_mean` given ``n``, the number of active partners."""
    if n < 2:
        return 0.0
    return float(active @ matrix @ active / (n * (n - 1)))


def variety(goal_distance: np.ndarray, active: np.ndarray, n: float | None = None) -> float:
    """Mean goal distance over pairs of active partners, in [0, 1]: how differently they see things."""
    return pair_mean(goal_distance, active, n)


@compiled
def context_fit(agenda: np.ndarray, context: np.ndarray, bandwidth: float) -> float:
    """How well the agreed agenda fits where joint value lies now, in (0, 1]."""
    gap = agenda - context
    return math.exp(-float(gap @ gap) / (gap.size * 2.0 * bandwidth**2))


def conflict(
    goal_distance: np.ndarray, trust: np.ndarray, active: np.ndarray, n: float | None = None
) -> float:
    """Mean over pairs of active partners of goal distance times distrust, in [0, 1]."""
    return conflict_among(goal_distance, trust, active, float(active.sum()) if n is None else n)


@compiled
def conflict_among(
    goal_distance: np.ndarray, trust: np.ndarray, active: np.ndarray, n: float
) -> float:
    """:func:`conflict` given ``n``, the number of active partners."""
    return mean_over_pairs(goal_distance - goal_distance * trust, active, n)


@compiled
def coordination_cost(
    n_active: int,
    conflict_level: float,
    rate: float,
    formalisation: float,
    conflict_weight: float,
    monitoring_cost: float,
    brokerage: float = 0.0,
) -> float:
    """Monthly cost of working together: n log n in the partners, raised by conflict and monitoring.

    ``brokerage`` in [0, 1] is the share of the cost of many partners a hub saves: with
    all pairs talking the channels grow as n(n-1)/2, through a hub as n, so the saving
    is ``brokerage x (1 - 2/(n-1))`` (none for three partners, most for many).
    """
    if n_active < 2:
        return 0.0
    hub = 1.0 - brokerage * max(1.0 - 2.0 / (n_active - 1), 0.0) if n_active > 2 else 1.0
    return n_active * (
        rate * math.log(n_active) * (1.0 + conflict_weight * conflict_level) * hub
        + monitoring_cost * formalisation
    )


@compiled
def potential_value(
    bundle: float, variety_level: float, productivity: float, diversity_gain: float
) -> float:
    """What the contributions could create with a perfect agenda and no history: the upside of
    diverse resources (in ``bundle``) and diverse perspectives (``variety_level``)."""
    return productivity * bundle * (1.0 + diversity_gain * variety_level)


@compiled
def gross_value(
    potential: float,
    fit: float,
    relational_capital: float,
    formalisation: float,
    relational_gain: float,
    innovation_loss: float,
) -> float:
    """Value created in a month before coordination cost."""
    return (
        potential
        * fit
        * (1.0 + relational_gain * relational_capital)
        * (1.0 - innovation_loss * formalisation)
    )


@compiled
def demand_effect(gross: float, market: float, sensitivity: float) -> float:
    """The part of value that comes from the market: booms raise demand, busts cut it."""
    return sensitivity * market * gross
