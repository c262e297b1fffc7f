"""How long collaborations last: Kaplan-Meier curves, median lifetimes, log-rank tests, hazards.

A run that reached the horizon is right-censored: we know the alliance lived at
least that long, not when it would have ended. scipy handles the censoring
(``scipy.stats.ecdf`` with ``CensoredData``; ``scipy.stats.logrank``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats


def censored(runs: pd.DataFrame) -> stats.CensoredData:
    """Durations as censored data: dissolved runs are events, the others right-censored."""
    duration = runs["duration"].to_numpy(dtype=float)
    dissolved = runs["dissolved"].to_numpy(dtype=bool)
    return stats.CensoredData(uncensored=duration[dissolved], right=duration[~dissolved])


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan-Meier estimate with a pointwise 95% confidence band, on a monthly grid."""

    months: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def at(self, month: float) -> float:
        return float(np.interp(month, self.months, self.survival))

    @property
    def median(self) -> float:
        """First month at which half the alliances have ended (NaN if more than half survive)."""
        below = np.flatnonzero(self.survival <= 0.5)
        return float(self.months[below[0]]) if below.size else float("nan")


def kaplan_meier(runs: pd.DataFrame, horizon: int) -> SurvivalCurve:
    """Kaplan-Meier survival of the alliances in ``runs`` from month 0 to ``horizon``."""
    months = np.arange(horizon + 1, dtype=float)
    if not runs["dissolved"].astype(bool).any():
        ones = np.ones_like(months)
        return SurvivalCurve(months, ones, ones, ones)
    sf = stats.ecdf(censored(runs)).sf
    survival = sf.evaluate(months)
    band = sf.confidence_interval(0.95, method="log-log")
    low, high = band.low.evaluate(months), band.high.evaluate(months)
    return SurvivalCurve(months, survival, np.nan_to_num(low, nan=0.0), np.nan_to_num(high, nan=1.0))


def survival_table(runs: pd.DataFrame, group: str, horizon: int) -> pd.DataFrame:
    """Per group: runs, share dissolved, survival at the horizon with its band, median lifetime."""
    rows = []
    for level, part in runs.groupby(group, sort=True):
        curve = kaplan_meier(part, horizon)
        end = len(curve.months) - 1
        rows.append({group: level, "runs": len(part), "dissolved": part["dissolved"].astype(bool).mean(),
                     "survival_at_horizon": curve.survival[end], "survival_low": curve.low[end],
                     "survival_high": curve.high[end], "median_lifetime": curve.median})
    return pd.DataFrame(rows)


def logrank_tests(runs: pd.DataFrame, group: str) -> pd.DataFrame:
    """Log-rank test for every pair of groups (two-sided)."""
    rows = []
    parts = dict(tuple(runs.groupby(group, sort=True)))
    for a, b in combinations(parts, 2):
        x, y = parts[a], parts[b]
        if not (x["dissolved"].astype(bool).any() or y["dissolved"].astype(bool).any()):
            statistic, pvalue = 0.0, 1.0
        else:
            result = stats.logrank(censored(x), censored(y))
            statistic, pvalue = float(result.statistic), float(result.pvalue)
        rows.append({"group_a": a, "group_b": b, "statistic": statistic, "p_value": pvalue})
    return pd.DataFrame(rows)


def hazard_by_year(runs: pd.DataFrame, group: str, horizon: int) -> pd.DataFrame:
    """Share of the alliances alive at the start of each year that dissolve during it."""
    years = int(np.ceil(horizon / 12))
    rows = []
    for level, part in runs.groupby(group, sort=True):
        duration = part["duration"].to_numpy()
        dissolved = part["dissolved"].to_numpy(dtype=bool)
        for year in range(1, years + 1):
            start, end = 12 * (year - 1), min(12 * year, horizon)
            at_risk = int((duration > start).sum())
            ended = int((dissolved & (duration > start) & (duration <= end)).sum())
            rows.append({group: level, "year": year, "at_risk": at_risk, "dissolved": ended,
                         "hazard": ended / at_risk if at_risk else float("nan")})
    return pd.DataFrame(rows)
