"""Summary measures of a run: how long, how much value, for whom."""

from __future__ import annotations

import numpy as np


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative amounts (0 = equal split, toward 1 = one takes all).

    Negative amounts (a partner that lost money) count as zero received.
    """
    x = np.sort(np.maximum(np.asarray(values, dtype=float), 0.0))
    n = x.size
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2.0 * (ranks * x).sum()) / (n * total) - (n + 1.0) / n)
