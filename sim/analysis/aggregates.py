"""The tables behind the report's figures: aggregated over runs, so a figure's size and
drawing time do not grow with the number of runs.

Each function reduces the runs to a few rows per group (a survival curve on the monthly
grid, quartiles and a histogram, medians per duration bin, cell means, means and
percentiles per month); the figures in :mod:`sim.analysis.figures` draw only these tables,
and save them beside the figure as ``figures/<name>.csv``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis.survival import cumulative_incidence, formed_only, kaplan_meier

#: Bins of the value histogram drawn behind each box.
VALUE_BINS = 40


def survival_curves(runs: pd.DataFrame, group: str, horizon: int) -> pd.DataFrame:
    """Kaplan-Meier survival of the alliances that formed, per group, month by month, with
    the 95% pointwise band; ``formed_runs`` of ``runs`` formed (the others are left out)."""
    frames = []
    for level, part in runs.groupby(group, sort=True):
        formed = formed_only(part)
        if not len(formed):
            continue
        curve = kaplan_meier(formed, horizon)
        frames.append(
            pd.DataFrame(
                {
                    group: level,
                    "month": curve.months,
                    "survival": curve.survival,
                    "low": curve.low,
                    "high": curve.high,
                    "formed_runs": len(formed),
                    "runs": len(part),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def incidence_curves(runs: pd.DataFrame, group: str, horizon: int) -> pd.DataFrame:
    """The Aalen-Johansen cumulative incidence of each cause per group, month by month, with
    the 95% pointwise band (:func:`~sim.analysis.survival.cumulative_incidence`)."""
    frames = []
    for level, part in runs.groupby(group, sort=True):
        cif = cumulative_incidence(part, horizon)
        for cause, incidence in cif.incidence.items():
            frames.append(
                pd.DataFrame(
                    {
                        group: level,
                        "cause": cause,
                        "month": cif.months,
                        "incidence": incidence,
                        "low": cif.low[cause],
                        "high": cif.high[cause],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def box_statistics(runs: pd.DataFrame, group: str, outcome: str) -> pd.DataFrame:
    """Per group the box of a box plot: quartiles, whiskers at the most extreme values within
    1.5 interquartile ranges of the box (matplotlib's and seaborn's rule), the mean, the
    runs."""
    from matplotlib import cbook

    rows = []
    for level, part in runs.groupby(group, sort=True):
        values = part[outcome].astype(float).to_numpy()
        values = values[np.isfinite(values)]
        if not values.size:
            continue
        box = cbook.boxplot_stats(values, whis=1.5)[0]
        rows.append(
            {
                group: level,
                "runs": int(values.size),
                "mean": float(box["mean"]),
                "whisker_low": float(box["whislo"]),
                "q1": float(box["q1"]),
                "median": float(box["med"]),
                "q3": float(box["q3"]),
                "whisker_high": float(box["whishi"]),
            }
        )
    return pd.DataFrame(rows)


def histogram(runs: pd.DataFrame, group: str, outcome: str, bins: int = VALUE_BINS) -> pd.DataFrame:
    """Per group the share of its runs in each of ``bins`` equal bins over the range of all
    runs (a density to draw beside the box)."""
    values = runs[outcome].astype(float)
    finite = values[np.isfinite(values)]
    if not len(finite):
        return pd.DataFrame(columns=[group, "low", "high", "runs", "share"])
    edges = np.histogram_bin_edges(finite.to_numpy(), bins=bins)
    frames = []
    for level, part in runs.assign(_v=values).groupby(group, sort=True):
        v = part["_v"].to_numpy()
        counts, _ = np.histogram(v[np.isfinite(v)], bins=edges)
        frames.append(
            pd.DataFrame(
                {
                    group: level,
                    "low": edges[:-1],
                    "high": edges[1:],
                    "runs": counts,
                    "share": counts / max(counts.sum(), 1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def duration_bin_width(horizon: int) -> int:
    """Months per duration bin: a tenth of the horizon, rounded up (12 for 120 months)."""
    return max(1, math.ceil(horizon / 10))


def value_by_duration(runs: pd.DataFrame, group: str, horizon: int) -> pd.DataFrame:
    """Per group: the median value and its quartiles of the runs that ended within each
    duration bin (:func:`duration_bin_width` months), and of the runs still running at the
    horizon (``censored``, at month ``horizon``)."""
    width = duration_bin_width(horizon)
    dissolved = runs["dissolved"].astype(bool)
    start = (runs["duration"].astype(int) // width) * width
    table = runs.assign(
        _value=runs["total_value"].astype(float),
        _censored=~dissolved,
        _start=np.where(dissolved, start, horizon),
    )
    grouped = table.groupby([group, "_censored", "_start"], sort=True)["_value"]
    out = grouped.agg(
        runs="size",
        q1=lambda v: v.quantile(0.25),
        median="median",
        q3=lambda v: v.quantile(0.75),
    ).reset_index()
    out = out.rename(columns={"_censored": "censored", "_start": "from_month"})
    out["to_month"] = np.where(
        out["censored"], horizon, np.minimum(out["from_month"] + width, horizon)
    )
    return out[[group, "censored", "from_month", "to_month", "runs", "q1", "median", "q3"]]


def cell_means(runs: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """Per combination of two factors: the runs, the share that ended before the horizon
    and the mean total value (the cells of a heatmap)."""
    table = runs.assign(
        _dissolved=runs["dissolved"].astype(float), _value=runs["total_value"].astype(float)
    )
    return (
        table.groupby([rows, columns], sort=True)
        .agg(
            runs=("_value", "size"),
            dissolved=("_dissolved", "mean"),
            total_value=("_value", "mean"),
        )
        .reset_index()
    )


def series_bands(series: pd.DataFrame, runs: pd.DataFrame, group: str) -> pd.DataFrame:
    """Per group and month: the mean of each monthly series over the runs still running,
    and its 10th and 90th percentiles (the middle 80% of the runs)."""
    data = series.merge(runs[["run_id", group]], on="run_id")
    frames = []
    for column in ("value", "mean_trust"):
        grouped = data.groupby([group, "step"], sort=True)[column]
        frames.append(
            pd.DataFrame(
                {
                    "series": column,
                    "mean": grouped.mean(),
                    "p10": grouped.quantile(0.1),
                    "p90": grouped.quantile(0.9),
                    "runs": grouped.count(),
                }
            ).reset_index()
        )
    return pd.concat(frames, ignore_index=True)
