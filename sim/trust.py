"""Trust between partners: built slowly, broken fast.

Each partner's trust in another tracks what that other actually contributed,
with a learning rate that is larger for disappointments than for pleasant
surprises (Slovic 1993's asymmetry principle; Lewicki & Bunker 1996). Row i,
column j of the trust matrix is how much partner i trusts partner j.
"""

from __future__ import annotations

import numpy as np


def update_trust(trust: np.ndarray, observed: np.ndarray, build_rate: float,
                 break_rate: float) -> np.ndarray:
    """Move each partner's trust in each other toward the other's observed cooperation.

    Args:
        trust: N x N matrix in [0, 1].
        observed: cooperation shown by each partner this month, in [0, 1] (length N);
            every partner sees the same behaviour of a given partner.
        build_rate: learning rate when the other did better than trusted.
        break_rate: learning rate when the other did worse; larger than ``build_rate``.

    Returns:
        The new trust matrix, still in [0, 1].
    """
    surprise = observed - trust
    rate = break_rate + (build_rate - break_rate) * (surprise > 0)
    return np.minimum(np.maximum(trust + rate * surprise, 0.0), 1.0)


def trust_in_others(trust: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Each partner's mean trust in the other active partners (its own diagonal excluded).

    ``active`` is 1.0 for partners in the alliance and 0.0 for those that left.
    """
    n_others = active.sum() - active
    total = trust @ active - trust.diagonal() * active
    return total / np.maximum(n_others, 1.0)


def erode_trust(trust: np.ndarray, in_whom: np.ndarray, rate: float) -> np.ndarray:
    """Scale down everyone's trust in the partners flagged by ``in_whom`` (a 0..1 vector) by ``rate``."""
    return trust * (1.0 - rate * in_whom[None, :])
