"""Negotiation: who weighs how much, which agenda, and how the value is split.

Bargaining weight comes from effective power: each partner's power bases
weighted by what the context currently values (French & Raven; Ansell & Gash's
power/resource asymmetries). Without help, partners split the difference issue
by issue. A mediator looks for integrative deals that trade across issues by
salience (Fisher & Ury; Raiffa's logrolling) and only proposes what every
partner prefers. The value is split by the asymmetric Nash bargaining solution
over the surplus above each partner's outside option; if there is no surplus,
there is no agreement (deadlock).
"""

from __future__ import annotations

import numpy as np

#: Squared distance on an issue at which an agenda serves a partner's goals not at all.
MISFIT_SCALE = 0.25


def effective_power(power: np.ndarray, salience: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Each active partner's share of power when bases are weighted by their current salience."""
    raw = (power @ salience) * active
    total = raw.sum()
    return raw / total if total > 0 else active / max(active.sum(), 1)


def bargaining_weights(power_share: np.ndarray, balance: float, active: np.ndarray) -> np.ndarray:
    """Weights in negotiation: effective power moved toward equality by ``balance`` in [0, 1]."""
    return (1.0 - balance) * power_share + balance * active / active.sum()


def goal_fit(agenda: np.ndarray, ideals: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """How well an agenda serves each partner's goals, in [0, 1] (1 = its ideal point)."""
    misfit = (salience * (agenda - ideals) ** 2).sum(axis=1)
    return np.maximum(1.0 - misfit / MISFIT_SCALE, 0.0)


def split_the_difference(ideals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Issue-by-issue compromise: the weight-averaged ideal on each issue, ignoring salience."""
    return weights @ ideals


def integrative_agenda(ideals: np.ndarray, salience: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The agenda that trades across issues: each partner pulls hardest where it cares most.

    It maximises the weighted sum of partners' quadratic goal utilities, so the
    joint gain is largest; but a single partner can lose compared with splitting
    the difference, which is why :func:`mediated_agenda` moves only part-way.
    """
    pull = weights[:, None] * salience
    return (pull * ideals).sum(axis=0) / np.maximum(pull.sum(axis=0), 1e-12)


def mediated_agenda(ideals: np.ndarray, salience: np.ndarray, weights: np.ndarray,
                    skill: float) -> np.ndarray:
    """An agreement every partner prefers (weakly) to splitting the difference.

    The mediator moves from the split-the-difference agenda ``d`` toward the
    integrative agenda ``g`` as far as no partner's goal fit falls; a partner's
    quadratic utility along the line is concave, so the admissible steps form an
    interval [0, lambda_i] with lambda_i = 2 B_i / A_i. A less skilled mediator
    finds less of the way.
    """
    d = split_the_difference(ideals, weights)
    direction = integrative_agenda(ideals, salience, weights) - d
    a = salience @ direction**2  # A_i: curvature along the line
    b = (salience * (ideals - d)) @ direction  # B_i: initial slope / 2
    safe_step = np.where(a > 1e-15, 2.0 * b / np.maximum(a, 1e-15), np.inf)
    step = np.clip(np.min(np.where(weights > 0, safe_step, np.inf)), 0.0, 1.0)
    return d + skill * step * direction


def reservation_shares(outside: np.ndarray, costs: np.ndarray, expected_value: float) -> np.ndarray:
    """The least share of the expected value each partner accepts: its outside option plus its costs."""
    if expected_value <= 0:
        return np.full_like(outside, np.inf)
    return (outside + costs) / expected_value


def nash_shares(reservation: np.ndarray, weights: np.ndarray, active: np.ndarray) -> np.ndarray | None:
    """Asymmetric Nash bargaining split of a transferable value, or None when no deal exists.

    Maximising prod_i (s_i - r_i)^w_i subject to sum s_i = 1 gives each partner its
    reservation share plus its weight's part of what is left. If the
    reservations add up to more than the whole, any split pushes some partner
    below its outside option: deadlock.
    """
    r = np.where(active > 0, reservation, 0.0)
    surplus = 1.0 - r.sum()
    if not np.isfinite(surplus) or surplus < 0:
        return None
    return (r + weights * surplus) * active
