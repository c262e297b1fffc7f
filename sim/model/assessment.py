"""Assessment: partners compare what they got with what they hoped for and could get elsewhere.

Satisfaction is measured against an adaptive aspiration level (Simon's
satisficing; Cyert & March): aspirations follow experience, at a speed that
differs per partner. The record of unmet expectations accumulates the monthly
shortfall below the outside option, with fading memory; a partner leaves when
that record passes its own exit threshold (Ring & Van de Ven's assessment
stage; Hirschman's exit), raised by what leaving would cost it (termination
compensation it would owe).
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled import compiled


@compiled
def satisfaction(
    payoff: np.ndarray, aspiration: np.ndarray, outside: np.ndarray, scale: float
) -> np.ndarray:
    """Satisfaction in [0, 1]: a logistic function of payoff against aspiration."""
    z = (aspiration - payoff) / (scale * np.maximum(outside, 0.05))
    return 1.0 / (1.0 + np.exp(np.minimum(z, 50.0)))


@compiled
def update_aspiration(
    aspiration: np.ndarray, payoff: np.ndarray, outside: np.ndarray, rate: np.ndarray | float
) -> np.ndarray:
    """Aspirations follow payoffs, but never below what the partner could get elsewhere."""
    return np.maximum(aspiration + rate * (payoff - aspiration), outside)


@compiled
def accumulate_disappointment(
    record: np.ndarray, payoff: np.ndarray, outside: np.ndarray, memory: float
) -> np.ndarray:
    """Add this month's relative shortfall below the outside option to a fading record."""
    shortfall = np.maximum(outside - payoff, 0.0) / np.maximum(outside, 0.05)
    return memory * record + np.minimum(shortfall, 2.0)


def exit_thresholds(
    threshold: np.ndarray, owed: np.ndarray, outside: np.ndarray, lock_in: float
) -> np.ndarray:
    """Each partner's exit threshold, raised by the compensation it would owe on leaving,
    counted in years of its outside option (a hostage: Williamson 1985)."""
    return threshold * (1.0 + lock_in * owed / (12.0 * np.maximum(outside, 0.05)))


def leavers(record: np.ndarray, threshold: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Indices of active partners whose disappointment has reached their exit threshold."""
    return np.flatnonzero((active > 0) & (record >= threshold))
