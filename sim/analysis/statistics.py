"""Means with bootstrap confidence intervals and effect sizes against a baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

#: Resamples for bootstrap intervals; the seed makes a report reproducible.
RESAMPLES = 2000
SEED = 20261126


def mean_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """The mean and its bootstrap (BCa) confidence interval."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan"), float("nan")
    if values.size < 3 or np.all(values == values[0]):
        return float(values.mean()), float(values.mean()), float(values.mean())
    result = stats.bootstrap((values,), np.mean, confidence_level=confidence, n_resamples=RESAMPLES,
                             method="BCa", rng=np.random.default_rng(SEED))
    return float(values.mean()), float(result.confidence_interval.low), float(result.confidence_interval.high)


def difference_interval(treated: np.ndarray, baseline: np.ndarray,
                        confidence: float = 0.95) -> tuple[float, float, float]:
    """Difference of means (treated minus baseline) with a bootstrap interval."""
    a = np.asarray(treated, dtype=float)
    b = np.asarray(baseline, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    estimate = float(a.mean() - b.mean())
    if a.size < 3 or b.size < 3 or (np.ptp(a) == 0 and np.ptp(b) == 0):
        return estimate, estimate, estimate

    def statistic(x, y, axis=-1):
        return np.mean(x, axis=axis) - np.mean(y, axis=axis)

    result = stats.bootstrap((a, b), statistic, confidence_level=confidence, n_resamples=RESAMPLES,
                             method="percentile", vectorized=True, rng=np.random.default_rng(SEED))
    return estimate, float(result.confidence_interval.low), float(result.confidence_interval.high)


def hedges_g(treated: np.ndarray, baseline: np.ndarray) -> float:
    """Standardised mean difference with the small-sample correction (Hedges 1981)."""
    a, b = np.asarray(treated, dtype=float), np.asarray(baseline, dtype=float)
    n1, n2 = a.size, b.size
    if n1 < 2 or n2 < 2:
        return float("nan")
    pooled = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return 0.0
    return float((a.mean() - b.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9)))


def summary_table(runs: pd.DataFrame, group: str, outcomes: list[str]) -> pd.DataFrame:
    """Per group and outcome: mean with its 95% bootstrap interval."""
    rows = []
    for level, part in runs.groupby(group, sort=True):
        for outcome in outcomes:
            mean, low, high = mean_interval(part[outcome].astype(float).to_numpy())
            rows.append({group: level, "outcome": outcome, "mean": mean, "low": low, "high": high,
                         "runs": len(part)})
    return pd.DataFrame(rows)


def effects_against(runs: pd.DataFrame, group: str, baseline, outcomes: list[str]) -> pd.DataFrame:
    """Each group's effect on each outcome against the ``baseline`` group."""
    base = runs[runs[group] == baseline]
    rows = []
    for level, part in runs.groupby(group, sort=True):
        if level == baseline:
            continue
        for outcome in outcomes:
            x, y = part[outcome].astype(float).to_numpy(), base[outcome].astype(float).to_numpy()
            diff, low, high = difference_interval(x, y)
            rows.append({group: level, "baseline": baseline, "outcome": outcome, "difference": diff,
                         "low": low, "high": high, "hedges_g": hedges_g(x, y)})
    return pd.DataFrame(rows)


def conditional_effects(runs: pd.DataFrame, group: str, baseline, factors: list[str],
                        outcome: str) -> pd.DataFrame:
    """The effect of each group against the baseline within the low and the high half of each
    numeric factor: does an effect hold across the range of the other factors?"""
    rows = []
    for factor in factors:
        cut = runs[factor].astype(float).median()
        for half, part in (("low", runs[runs[factor].astype(float) <= cut]),
                           ("high", runs[runs[factor].astype(float) > cut])):
            base = part[part[group] == baseline][outcome].astype(float).to_numpy()
            for level, treated in part[part[group] != baseline].groupby(group):
                diff, low, high = difference_interval(treated[outcome].astype(float).to_numpy(), base)
                rows.append({"factor": factor, "half": half, "cut": cut, group: level, "outcome": outcome,
                             "difference": diff, "low": low, "high": high})
    return pd.DataFrame(rows)
