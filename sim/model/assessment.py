"""Assessment: partners compare what they got with what they hoped for and could get elsewhere.

Satisfaction is measured against an adaptive aspiration level (Simon's
satisficing; Cyert & March): aspirations follow experience. The record of unmet
expectations accumulates the monthly shortfall below the outside option, with
fading memory; a partner leaves when that record passes its exit threshold
(Ring & Van de Ven's assessment stage; Hirschman's exit).
"""

from __future__ import annotations

import numpy as np

#: Monthly adaptation rate of the aspiration level toward the payoff received.
ASPIRATION_RATE = 0.1
#: Payoff deviation (as a fraction of the outside option) that moves satisfaction from 0.5 to 0.73.
SATISFACTION_SCALE = 0.25
#: Monthly memory of disappointment: 0.9 means a shortfall fades with a ten-month horizon.
DISAPPOINTMENT_MEMORY = 0.9


def satisfaction(payoff: np.ndarray, aspiration: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Satisfaction in [0, 1]: a logistic function of payoff against aspiration."""
    z = (aspiration - payoff) / (SATISFACTION_SCALE * np.maximum(outside, 0.05))
    return 1.0 / (1.0 + np.exp(np.minimum(z, 50.0)))


def update_aspiration(aspiration: np.ndarray, payoff: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Aspirations follow payoffs, but never below what the partner could get elsewhere."""
    return np.maximum(aspiration + ASPIRATION_RATE * (payoff - aspiration), outside)


def accumulate_disappointment(record: np.ndarray, payoff: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Add this month's relative shortfall below the outside option to a fading record."""
    shortfall = np.maximum(outside - payoff, 0.0) / np.maximum(outside, 0.05)
    return DISAPPOINTMENT_MEMORY * record + np.minimum(shortfall, 2.0)


def leavers(record: np.ndarray, threshold: float, active: np.ndarray) -> np.ndarray:
    """Indices of active partners whose disappointment has reached the exit threshold."""
    return np.flatnonzero((active > 0) & (record >= threshold))
