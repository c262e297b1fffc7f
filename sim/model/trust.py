"""Trust between partners: built slowly, broken fast, from behaviour seen imperfectly.

Each partner's trust in another tracks how far that other was *seen* to keep the
effort it promised when the deal was made:
cooperation is observed with error, and the learning rate is larger for
disappointments than for pleasant surprises (Slovic 1993's asymmetry principle;
Lewicki & Bunker 1996), so noise alone costs trust. Building trust works through
this channel only: it makes cooperation visible (less error) and lets a partner
whose behaviour improves earn trust back faster; it does nothing for a partner
who keeps defecting. Row i, column j of the trust matrix is how much partner i
trusts partner j.
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled import compiled


def update_trust(
    trust: np.ndarray,
    observed: np.ndarray,
    build_rate: np.ndarray | float,
    break_rate: np.ndarray | float,
) -> np.ndarray:
    """Move each partner's trust in each other toward the other's observed cooperation.

    Args:
        trust: N x N matrix in [0, 1].
        observed: cooperation of each partner as seen by each other, in [0, 1]: a
            length-N vector (all see the same) or an N x N matrix (row = observer).
        build_rate: learning rate when the other did better than trusted; per observer
            (length N) or one for all; the matrix form ``N x N`` gives a rate per relation.
        break_rate: learning rate when the other did worse; larger than ``build_rate``.

    Returns:
        The new trust matrix, still in [0, 1].
    """
    return approach(trust, observed, learning_rates(build_rate), learning_rates(break_rate))


def learning_rates(rate: np.ndarray | float) -> np.ndarray:
    """Learning rates as trust uses them: at most 1 (a step never overshoots its target) and
    one row per observer (a length-N vector becomes a column; a matrix is a rate per relation)."""
    rate = np.asarray(rate, dtype=float)
    return np.minimum(rate[:, None] if rate.ndim == 1 else rate, 1.0)


@compiled
def approach(
    trust: np.ndarray, observed: np.ndarray, up: np.ndarray, down: np.ndarray
) -> np.ndarray:
    """:func:`update_trust` with its rates already prepared by :func:`learning_rates` (a run's
    rates do not change, so the model prepares them once)."""
    # A step of size rate in [0, 1] toward a target in [0, 1] stays in [0, 1].
    surprise = observed - trust
    return trust + np.where(surprise > 0, up, down) * surprise


@compiled
def kept_promise(willing: np.ndarray, promised: np.ndarray) -> np.ndarray:
    """How far each partner kept the effort the agreement was built on, in [0, 1] (1 = all of it).

    Trust is confidence that the other will do what it said (Ring & Van de Ven 1994),
    so cooperation is judged against the promise, not against full capacity.
    """
    return np.minimum(willing / np.maximum(promised, 0.05), 1.0)


@compiled
def observed_cooperation(willing: np.ndarray, noise: float, draws: np.ndarray) -> np.ndarray:
    """What each partner sees of each other's cooperation (row = observer): the willing part of
    the contribution plus observation error, within [0, 1]."""
    return np.minimum(np.maximum(willing[None, :] + noise * draws, 0.0), 1.0)


@compiled
def improved(contribution: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """1.0 for partners whose contribution rose since last month (a breach being repaired)."""
    return (contribution > previous + 1e-9).astype(np.float64)


@compiled
def repair_rates(build_rate: np.ndarray, improved: np.ndarray, boost: float) -> np.ndarray:
    """Build rates while the manager works on trust: a partner whose cooperation improved this
    month (column) is trusted faster by everyone (row); a partner who did not earns nothing extra."""
    return build_rate[:, None] * (1.0 + boost * improved[None, :])


def trust_in_others(trust: np.ndarray, active: np.ndarray, n: float | None = None) -> np.ndarray:
    """Each partner's mean trust in the other active partners (its own diagonal excluded).

    ``active`` is 1.0 for partners in the alliance and 0.0 for those that left; the
    value for a partner that left is meaningless and never used.
    """
    return mean_trust_in_others(trust, active, float(active.sum()) if n is None else n)


@compiled
def mean_trust_in_others(trust: np.ndarray, active: np.ndarray, n: float) -> np.ndarray:
    """:func:`trust_in_others` given ``n``, the number of active partners."""
    return (trust @ active - np.diag(trust) * active) / max(n - 1.0, 1.0)


@compiled
def mean_trust(trust: np.ndarray, active: np.ndarray, n: float) -> float:
    """Average trust of the ``n`` active partners in one another (nan when none is left, 0
    for a partner alone)."""
    if n < 2:
        return np.nan if n == 0 else 0.0
    return float((active @ trust @ active - np.diag(trust) @ active) / (n * (n - 1)))


@compiled
def erode_trust(trust: np.ndarray, in_whom: np.ndarray, rate: float) -> np.ndarray:
    """Scale down everyone's trust in the partners flagged by ``in_whom`` (a 0..1 vector) by
    ``rate`` (the loss never exceeds all of it)."""
    return trust * (1.0 - np.minimum(rate * in_whom, 1.0))
