"""Commitment: how much each partner puts in, from trust and what it expects to get.

Partners are conditional cooperators (Fehr & Gächter 2000; Ostrom 1998): they
contribute more when they trust the others, when the agenda serves their own
goals, when they are satisfied with what they get and when the alliance has
built relational capital. Contributing is costly, so the intent can fall short
of the agreed effort; formal contracts and monitoring put a floor under it.
"""

from __future__ import annotations

import numpy as np

#: How strongly satisfaction, goal fit and relational capital move intent around trust.
SATISFACTION_PULL = 0.3
GOAL_FIT_PULL = 0.3
GOAL_FIT_REFERENCE = 0.7
RELATIONAL_PULL = 0.25
#: Pull toward free-riding: contributing is costly and the value is shared.
TEMPTATION = 0.06
#: Contribution level a full contract enforces (as a fraction of capacity).
CONTRACT_FLOOR = 0.8


def contribution_intent(trust_in_others: np.ndarray, satisfaction: np.ndarray,
                        goal_fit: np.ndarray, relational_capital: float) -> np.ndarray:
    """What each partner would like to contribute, as a fraction of its capacity."""
    intent = (trust_in_others
              + SATISFACTION_PULL * (satisfaction - 0.5)
              + GOAL_FIT_PULL * (goal_fit - GOAL_FIT_REFERENCE)
              + RELATIONAL_PULL * relational_capital
              - TEMPTATION)
    return np.minimum(np.maximum(intent, 0.0), 1.0)


def enforced_contribution(intent: np.ndarray, formalisation: float) -> np.ndarray:
    """The contribution after contracts: monitoring lifts shirkers to a floor of ``formalisation * CONTRACT_FLOOR``."""
    return np.maximum(intent, formalisation * CONTRACT_FLOOR)


def opportunism(contribution: np.ndarray, active: np.ndarray) -> float:
    """How far partners' actual contributions fall short of the contracted effort, on average
    (0 = nobody free-rides). Contracts and monitoring lower it by lifting the floor."""
    n = active.sum()
    return float(np.maximum(CONTRACT_FLOOR - contribution, 0.0) @ active / n) if n else 0.0
