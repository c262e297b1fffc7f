"""Negotiation: who weighs how much, which agenda, how the value is split, and whether it settles.

Bargaining weight comes from effective power: each partner's power bases
weighted by what the context currently values (French & Raven; Ansell & Gash's
power/resource asymmetries). Without help, partners split the difference issue
by issue. A mediator looks for integrative deals that trade across issues by
salience (Fisher & Ury; Raiffa's logrolling) and only proposes what every
partner prefers. The value is split by the asymmetric Nash bargaining solution
over the surplus above each partner's reservation; if there is no surplus,
there is no agreement (deadlock). Even with room for a deal, consensus among
many takes time: a steering core settles faster, a mediator helps.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model.compiled import compiled, summed


@compiled
def effective_power(power: np.ndarray, salience: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Each active partner's share of power when bases are weighted by their current salience."""
    raw = (power @ salience) * active
    total = raw.sum()
    return raw / total if total > 0 else active / max(active.sum(), 1)


def bargaining_weights(
    power_share: np.ndarray, balance: float, active: np.ndarray, n: float | None = None
) -> np.ndarray:
    """Weights in negotiation: effective power moved toward equality by ``balance`` in [0, 1]."""
    return balanced_weights(power_share, balance, active, float(active.sum()) if n is None else n)


@compiled
def balanced_weights(
    power_share: np.ndarray, balance: float, active: np.ndarray, n: float
) -> np.ndarray:
    """:func:`bargaining_weights` given ``n``, the number of active partners."""
    if balance == 0.0:
        return power_share
    return (1.0 - balance) * power_share + balance * active / n


@compiled
def tilted(weights: np.ndarray, home: int, pull: float) -> np.ndarray:
    """Bargaining weights after a partisan manager has argued its home organisation's case: the
    home's weight raised by the share ``pull``, then all weights rescaled to sum to one."""
    weights = weights.copy()
    weights[home] *= 1.0 + pull
    return weights / summed(weights)


@compiled
def concentration(weights: np.ndarray, n_active: int) -> float:
    """How far bargaining weight is concentrated, in [0, 1]: 0 = all equal, 1 = one partner holds all.

    The Herfindahl index of the weights, rescaled so that equal weights give 0.
    """
    if n_active < 2:
        return 1.0
    floor = 1.0 / n_active
    return max((float(weights @ weights) - floor) / (1.0 - floor), 0.0)


@compiled
def strongest_lead(weights: np.ndarray, n_active: float) -> float:
    """How far the strongest partner's weight exceeds an equal share, in [0, 1] (1 = holds all)."""
    if n_active < 2:
        return 0.0
    return max((float(weights.max()) * n_active - 1.0) / (n_active - 1.0), 0.0)


@compiled
def settle_chance(
    weights: np.ndarray,
    n_active: int,
    base: float,
    steering: float,
    mediation: float,
    brokerage: float = 0.0,
) -> float:
    """Chance that a negotiation with room for a deal settles this month.

    Consensus among ``n`` partners takes about log2(n) rounds of pairwise
    agreement, each settling with chance ``base`` (raised by a mediator); a broker
    at the hub of the network (share ``brokerage`` in [0, 1]) talks to all at once and
    saves that share of the rounds; a steering core (concentrated weight, scaled by
    ``steering``) settles what consensus cannot.
    """
    per_round = base + (1.0 - base) * mediation
    consensus = per_round ** (math.log2(max(n_active, 2)) * (1.0 - brokerage))
    core = min(steering * concentration(weights, n_active), 1.0)
    return core + (1.0 - core) * consensus


@compiled
def goal_fit(
    agenda: np.ndarray, ideals: np.ndarray, salience: np.ndarray, misfit_scale: float
) -> np.ndarray:
    """How well an agenda serves each partner's goals, in [0, 1] (1 = its ideal point)."""
    misfit = (salience * (agenda - ideals) ** 2).sum(axis=1)
    return np.maximum(1.0 - misfit / misfit_scale, 0.0)


@compiled
def split_the_difference(ideals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Issue-by-issue compromise: the weight-averaged ideal on each issue, ignoring salience."""
    return weights @ ideals


@compiled
def integrative_agenda(ideals: np.ndarray, salience: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The agenda that trades across issues: each partner pulls hardest where it cares most.

    It maximises the weighted sum of partners' quadratic goal utilities, so the
    joint gain is largest; but a single partner can lose compared with splitting
    the difference, which is why :func:`mediated_agenda` moves only part-way.
    """
    pull = weights[:, None] * salience
    return (pull * ideals).sum(axis=0) / np.maximum(pull.sum(axis=0), 1e-12)


@compiled
def _safe_step(
    d: np.ndarray, target: np.ndarray, ideals: np.ndarray, salience: np.ndarray, weights: np.ndarray
) -> float:
    """How far from ``d`` toward ``target`` (0..1) no partner's goal fit falls below its fit at ``d``.

    A partner's quadratic utility along the line is concave, so its admissible steps form
    an interval [0, lambda_i] with lambda_i = 2 B_i / A_i.
    """
    direction = target - d
    a = salience @ direction**2  # A_i: curvature along the line
    b = (salience * (ideals - d)) @ direction  # B_i: initial slope / 2
    safe = np.where(a > 1e-15, 2.0 * b / np.maximum(a, 1e-15), np.inf)
    return min(max(float(np.min(np.where(weights > 0, safe, np.inf))), 0.0), 1.0)


@compiled
def mediated_agenda(
    ideals: np.ndarray, salience: np.ndarray, weights: np.ndarray, start: np.ndarray | None = None
) -> np.ndarray:
    """An agreement every partner prefers (weakly) to the one they would reach unaided.

    The unaided agreement ``start`` is splitting the difference unless given (in the model
    it also follows the partners' map of where value lies). The mediator explores trades
    across issues: toward the integrative agenda of the partners' weights, and toward those
    that favour each partner in turn (its weight doubled). Along each line it goes as far
    as no partner loses against ``start``, and it proposes the point with the highest
    weighted joint goal utility.
    """
    d = split_the_difference(ideals, weights) if start is None else start
    best, best_utility = d, -np.inf
    for tilt in range(-1, len(weights)):
        favoured = weights.copy()
        if tilt >= 0:
            if weights[tilt] <= 0:
                continue
            favoured[tilt] *= 2.0
        target = integrative_agenda(ideals, salience, favoured)
        point = d + _safe_step(d, target, ideals, salience, weights) * (target - d)
        utility = -float(weights @ (salience * (point - ideals) ** 2).sum(axis=1))
        if utility > best_utility:
            best, best_utility = point, utility
    return best


@compiled
def mission_value(fit: np.ndarray, value: float, n_active: float, weight: float) -> np.ndarray:
    """What the joint effort is worth to each partner beyond money: its goals served.

    Public value, mission and learning are not transferable: each partner enjoys
    ``weight x fit`` of its equal part of the value created (none when nothing is created).
    """
    return weight * fit * max(value, 0.0) / max(n_active, 1.0)


@compiled
def reservation_shares(
    outside: np.ndarray, costs: np.ndarray, mission: np.ndarray, perceived_value: np.ndarray
) -> np.ndarray:
    """The least share of the value each partner accepts: outside option plus costs, less the
    mission value it gets in kind, over the value it expects the deal to create."""
    need = outside + costs - mission
    return np.where(perceived_value > 0, need / np.maximum(perceived_value, 1e-12), np.inf)


@compiled
def nash_shares(
    reservation: np.ndarray, weights: np.ndarray, active: np.ndarray
) -> np.ndarray | None:
    """Asymmetric Nash bargaining split of a transferable value, or None when no deal exists.

    Maximising prod_i (s_i - r_i)^w_i subject to sum s_i = 1 gives each partner its
    reservation share plus its weight's part of what is left. If the
    reservations add up to more than the whole, any split pushes some partner
    below what it needs: deadlock.
    """
    r = np.where(active > 0, reservation, 0.0)
    surplus = 1.0 - r.sum()
    if not np.isfinite(surplus) or surplus < 0:
        return None
    return (r + weights * surplus) * active
