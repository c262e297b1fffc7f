"""Perception: nobody reads the true state of the world.

Each partner, and the manager, holds a belief about where joint value lies in
issue space. Every month the belief moves part of the way toward a noisy
reading of the context (exponential smoothing: error and delay). Scanning the
environment is the manager's way to a sharper and fresher reading; it costs
capacity, and what the manager learns becomes the alliance's only when the
partners adopt it in a negotiation (Daft & Weick 1984; Kaats & Van Wendel de
Joode 2016: every map is out of date the moment it is drawn).
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled import compiled


@compiled
def update_beliefs(
    beliefs: np.ndarray, context: np.ndarray, noise: float, rate: float, draws: np.ndarray
) -> np.ndarray:
    """Move each belief part of the way toward a reading of ``context`` with error ``noise``.

    Args:
        beliefs: rows of beliefs in issue space (one per observer).
        context: where joint value really lies.
        noise: standard deviation of a reading's error, per issue.
        rate: weight of the new reading in the belief, in (0, 1] (1 = no memory, no delay).
        draws: standard-normal numbers of the beliefs' shape.
    """
    return beliefs + rate * (context + noise * draws - beliefs)


def scanned_reading(
    noise: float, rate: float, precision: float, effectiveness: float
) -> tuple[float, float]:
    """Error and weight of a scan's reading: ``precision x effectiveness`` of error and delay removed."""
    gain = precision * effectiveness
    return noise * (1.0 - gain), rate + (1.0 - rate) * gain
