"""Execution: the value the joint effort creates, net of the cost of working together.

Value grows with contributions, more when they are diverse (a CES bundle over the
four kinds of resource, so money plus expertise beats twice the money), with the
fit of the agenda to where value lies in the current context, and with
relational capital. Formal control makes the alliance less innovative.
Coordination cost grows with the number of partners and with conflict (goal
distance times distrust): diversity cuts both ways.
"""

from __future__ import annotations

import math

import numpy as np

#: CES exponent across resource kinds: below 1 means kinds complement one another.
COMPLEMENTARITY = 0.5
#: Mean squared distance between agenda and context at which fit falls to exp(-1/2).
FIT_BANDWIDTH = 0.2
#: Value bonus of full relational capital (shared routines, identity, joint knowledge).
RELATIONAL_GAIN = 0.5
#: Share of value lost to rigidity under full formalisation (the fence and the sheep).
INNOVATION_LOSS = 0.25
#: How much conflict multiplies coordination cost, and the monitoring cost of formal control.
CONFLICT_WEIGHT = 3.0
MONITORING_COST = 0.04
#: How strongly demand for what the alliance delivers follows the market index.
DEMAND_SENSITIVITY = 0.2


def resource_bundle(contribution: np.ndarray, resource_profile: np.ndarray) -> float:
    """Effective input of the joint effort: a CES aggregate over resource kinds.

    Scaled so that a perfectly balanced bundle counts at its total and a bundle
    of one kind only at a quarter of it (with the default exponent).
    """
    by_kind = contribution @ resource_profile
    n_kinds = by_kind.size
    return float(n_kinds * (np.sum(by_kind**COMPLEMENTARITY) / n_kinds) ** (1.0 / COMPLEMENTARITY))


def context_fit(agenda: np.ndarray, context: np.ndarray) -> float:
    """How well the agreed agenda fits where joint value lies now, in (0, 1]."""
    gap = agenda - context
    return math.exp(-float(gap @ gap) / (gap.size * 2.0 * FIT_BANDWIDTH**2))


def conflict(goal_distance: np.ndarray, trust: np.ndarray, active: np.ndarray) -> float:
    """Mean over pairs of active partners of goal distance times distrust, in [0, 1]."""
    n = active.sum()
    if n < 2:
        return 0.0
    return float(active @ (goal_distance - goal_distance * trust) @ active / (n * (n - 1)))


def coordination_cost(n_active: int, conflict_level: float, rate: float, formalisation: float) -> float:
    """Monthly cost of working together: n log n in the partners, raised by conflict and monitoring."""
    if n_active < 2:
        return 0.0
    return n_active * (rate * math.log(n_active) * (1.0 + CONFLICT_WEIGHT * conflict_level)
                       + MONITORING_COST * formalisation)


def gross_value(bundle: float, fit: float, relational_capital: float, formalisation: float,
                productivity: float) -> float:
    """Value created in a month before coordination cost."""
    return (productivity * bundle * fit * (1.0 + RELATIONAL_GAIN * relational_capital)
            * (1.0 - INNOVATION_LOSS * formalisation))


def demand_effect(gross: float, market: float) -> float:
    """The part of value that comes from the market: booms raise demand, busts cut it."""
    return DEMAND_SENSITIVITY * market * gross
