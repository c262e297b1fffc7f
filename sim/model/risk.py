"""Risk sharing: who absorbs the gap between the value expected and the value realised.

The agreement fixes each partner's share of the value the partners *expected*
when they agreed. What actually comes in differs, through performance (how well
the joint effort went) and demand (the market). A public-private partnership
decides who carries which: ``risk_allocation`` puts a share of performance risk
on the private partners, and the payment mechanism decides demand risk:
under availability payments the public principal carries it, under user fees
the private partners do (Grimsey & Lewis 2002; Iossa & Martimort 2015). By
default every risk follows the value shares, and a partner simply gets its
share of what was realised.
"""

from __future__ import annotations

import numpy as np

from sim.model.compiled import compiled, summed


@compiled
def _within(shares: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Shares renormalised within ``group`` (a 0/1 weight per partner; zero outside it)."""
    inside = shares * group
    total = summed(inside)
    return inside / total if total > 0 else inside


@compiled
def _split(shares: np.ndarray, private: np.ndarray, allocation: float) -> np.ndarray:
    """:func:`performance_risk_weights` with an ``allocation`` (``private`` as 0/1 weights)."""
    public = 1.0 - private
    if not (shares * private).any() or not (shares * public).any():
        return shares / summed(shares)
    return allocation * _within(shares, private) + (1.0 - allocation) * _within(shares, public)


def performance_risk_weights(
    shares: np.ndarray, private: np.ndarray, allocation: float | None
) -> np.ndarray:
    """How the performance gap is split: by shares, or ``allocation`` of it on private partners."""
    if allocation is None:
        return shares / shares.sum()
    return _split(shares, private.astype(float), float(allocation))


def demand_risk_weights(
    shares: np.ndarray,
    private: np.ndarray,
    public: np.ndarray,
    mechanism: str,
    performance: np.ndarray,
) -> np.ndarray:
    """How the demand gap is split: with the public side (availability payment), the private
    side (user fees), or like performance risk (shared)."""
    bearer = {"availability": public, "user_fees": private}.get(mechanism)
    if bearer is None:
        return performance
    return _borne_by(shares, bearer.astype(float), performance)


@compiled
def _borne_by(shares: np.ndarray, bearer: np.ndarray, otherwise: np.ndarray) -> np.ndarray:
    """Shares renormalised within ``bearer`` (0/1 weights), or ``otherwise`` if it holds none."""
    if not (shares * bearer).any():
        return otherwise
    return _within(shares, bearer)


@compiled
def distribute(
    shares: np.ndarray,
    expected: float,
    base_value: float,
    realised: float,
    performance: np.ndarray,
    demand: np.ndarray,
) -> np.ndarray:
    """What each partner receives: its share of the expected value plus its part of the gaps.

    ``base_value`` is the realised value before the market's demand effect; the
    performance gap is ``base_value - expected``, the demand gap ``realised - base_value``.
    The amounts add up to ``realised`` whenever the shares and the weights each sum to one.
    """
    return (
        shares * expected + performance * (base_value - expected) + demand * (realised - base_value)
    )


def public_gap_costs(
    performance: np.ndarray,
    demand: np.ndarray,
    public: np.ndarray,
    expected: float,
    base_value: float,
    realised: float,
    renegotiation_loss: float,
) -> tuple[float, float]:
    """What the public partners pay this month for the gaps they carry, in two parts.

    An accounting of :func:`distribute`, not a mechanism: the public side's part of the
    performance gap and of the demand gap, with the sign turned so that a shortfall the
    public side makes good counts as a cost (and a windfall it keeps as a negative cost),
    as the IMF/World Bank PPP Fiscal Risk Assessment Model counts contingent liabilities.
    The month's renegotiation loss sits inside the performance gap (it lowers
    ``base_value``); it is returned apart so that a reader sees what reopening the deal
    cost the public side.

    Returns:
        ``(gap, renegotiation)``: the public side's share of the gaps without the
        renegotiation loss, and its share of that loss; together they are its whole part
        of ``distribute``'s gap terms, negated.
    """
    return public_gap_parts(
        float(performance[public].sum()),
        float(demand[public].sum()),
        expected,
        base_value,
        realised,
        renegotiation_loss,
    )


@compiled
def public_gap_parts(
    performance_public: float,
    demand_public: float,
    expected: float,
    base_value: float,
    realised: float,
    renegotiation_loss: float,
) -> tuple[float, float]:
    """:func:`public_gap_costs` from the public side's total weights of the performance and the
    demand gap (fixed while an agreement stands, so the model sums them once per agreement)."""
    gap = -(
        performance_public * (base_value + renegotiation_loss - expected)
        + demand_public * (realised - base_value)
    )
    return gap, performance_public * renegotiation_loss
