"""The alliance manager's standing: the backing of those who fund it and the partners' acceptance.

A manager works on borrowed authority. A lead partner's manager is backed by its home
organisation as long as the home gets what it wants from the alliance; one who goes native
(a high position toward the joint interest) loses that backing. An independent manager, a
network administrative organisation in Provan & Kenis' (2008) terms, is funded by all: its
backing is its legitimacy with the partners, earned by the fairness they perceive (the mean
satisfaction of those still in) and lowered by their suspicion of a partisan manager.
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled import compiled


@compiled
def fair_legitimacy(fairness: float, partisan_distrust: float, partisanship: float) -> float:
    """The legitimacy a manager earns from the ``fairness`` partners perceive, less their
    suspicion of a manager who pulls for its home (``partisanship`` in [0, 1])."""
    return fairness * (1.0 - partisan_distrust * partisanship)


@compiled
def standing_after(
    satisfaction: np.ndarray,
    active: np.ndarray,
    home: int,
    position: float,
    partisanship: float,
    mandate: float,
    legitimacy: float,
    legitimacy_rate: float,
    partisan_distrust: float,
    mandate_rate: float,
    native_penalty: float,
) -> tuple[float, float]:
    """The manager's ``(mandate, legitimacy)`` after a month of an agreement: legitimacy moves
    toward the fairness partners perceive; a lead partner's manager's mandate toward its home's
    satisfaction (``home`` is -1 for an independent manager, whose mandate is its legitimacy)."""
    fairness = float(satisfaction @ active / active.sum())
    earned = fair_legitimacy(fairness, partisan_distrust, partisanship)
    legitimacy += legitimacy_rate * (earned - legitimacy)
    if home >= 0:
        target = satisfaction[home] * (1.0 - native_penalty * position)
        mandate += mandate_rate * (target - mandate)
    else:
        mandate = legitimacy
    return mandate, legitimacy
