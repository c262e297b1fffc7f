"""Commitment: how much each partner puts in, from trust and what it expects to get.

Partners are conditional cooperators (Fehr & Gächter 2000; Ostrom 1998): they
contribute more when they trust the others, when the agenda serves their own
goals, when they are satisfied with what they get and when the alliance has
built relational capital. Contributing is costly, so each partner is tempted to
free-ride (how much differs per partner), and a weaker partner under a dominant
one withholds effort (resentment). Formal contracts and monitoring put a floor
under the contribution.
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled import compiled


@compiled
def contribution_intent(
    trust_in_others: np.ndarray,
    satisfaction: np.ndarray,
    goal_fit: np.ndarray,
    relational_capital: float,
    temptation: np.ndarray,
    resentment: np.ndarray,
    satisfaction_pull: float,
    goal_fit_pull: float,
    relational_pull: float,
    goal_fit_reference: float,
) -> np.ndarray:
    """What each partner would like to contribute, as a fraction of its capacity."""
    intent = (
        trust_in_others
        + satisfaction_pull * (satisfaction - 0.5)
        + goal_fit_pull * (goal_fit - goal_fit_reference)
        + relational_pull * relational_capital
        - temptation
        - resentment
    )
    return np.minimum(np.maximum(intent, 0.0), 1.0)


@compiled
def resentment(weights: np.ndarray, active: np.ndarray, rate: float) -> np.ndarray:
    """Effort each partner withholds because another dominates the table.

    Proportional to how far the partner's bargaining weight falls short of the
    strongest partner's, relative to it: none among equals, ``rate`` for a partner
    with no say at all, whatever the number of partners.
    """
    top = weights.max()
    if top <= 0:
        return np.zeros_like(weights)
    return rate * (1.0 - weights / top) * active


@compiled
def enforced_contribution(intent: np.ndarray, formalisation: float, floor: float) -> np.ndarray:
    """The contribution after contracts: monitoring lifts shirkers to ``formalisation x floor``."""
    return np.maximum(intent, formalisation * floor)


@compiled
def opportunism(contribution: np.ndarray, active: np.ndarray, floor: float) -> float:
    """How far partners' actual contributions fall short of the contracted effort, on average
    (0 = nobody free-rides). Contracts and monitoring lower it by lifting the floor."""
    n = active.sum()
    return float(np.maximum(floor - contribution, 0.0) @ active / n) if n else 0.0
