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
    # A step of size rate in [0, 1] toward a target in [0, 1] stays in [0, 1]: no clipping needed.
    surprise = observed - trust
    return trust + break_rate * surprise + (build_rate - break_rate) * np.maximum(surprise, 0.0)


def trust_in_others(trust: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Each partner's mean trust in the other active partners (its own diagonal excluded).

    ``active`` is 1.0 for partners in the alliance and 0.0 for those that left; the
    value for a partner that left is meaningless and never used.
    """
    n_others = max(float(active.sum()) - 1.0, 1.0)
    return (trust @ active - trust.diagonal() * active) / n_others


def erode_trust(trust: np.ndarray, in_whom: np.ndarray, rate: float) -> np.ndarray:
    """Scale down everyone's trust in the partners flagged by ``in_whom`` (a 0..1 vector) by ``rate``."""
    return trust * (1.0 - rate * in_whom[None, :])
