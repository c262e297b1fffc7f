"""Figures for a report, drawn with seaborn and saved as PNG and SVG."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from sim.analysis.survival import kaplan_meier  # noqa: E402

sns.set_theme(style="whitegrid", context="notebook")


@dataclass(frozen=True)
class Figure:
    """A saved figure: its file stem, the PNG path and a caption for the report."""

    name: str
    png: Path
    caption: str


def _save(fig: plt.Figure, folder: Path, name: str, caption: str) -> Figure:
    folder.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    png = folder / f"{name}.png"
    fig.savefig(png, dpi=110)
    fig.savefig(folder / f"{name}.svg")
    plt.close(fig)
    return Figure(name, png, caption)


def survival_curves(runs: pd.DataFrame, group: str, horizon: int, folder: Path) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 4.2))
    palette = sns.color_palette(n_colors=runs[group].nunique())
    for colour, (level, part) in zip(palette, runs.groupby(group, sort=True), strict=True):
        curve = kaplan_meier(part, horizon)
        ax.step(curve.months, curve.survival, where="post", color=colour, label=f"{level} (n={len(part)})")
        ax.fill_between(curve.months, curve.low, curve.high, step="post", color=colour, alpha=0.15)
    ax.set(xlabel="months", ylabel="share of alliances still running", ylim=(0, 1.02), xlim=(0, horizon))
    ax.legend(title=group, loc="lower left", fontsize="small")
    return _save(fig, folder, f"survival_by_{group}", f"Kaplan-Meier survival of the alliances by "
                 f"{group}, with 95% pointwise bands; runs reaching month {horizon} are censored.")


def value_distribution(runs: pd.DataFrame, group: str, folder: Path) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 4))
    sns.boxplot(data=runs, x=group, y="total_value", ax=ax, color="0.85", showfliers=False)
    sns.stripplot(data=runs, x=group, y="total_value", ax=ax, size=2, alpha=0.4, color="C0")
    ax.set(ylabel="total value created", xlabel=group)
    return _save(fig, folder, f"value_by_{group}", f"Total value created per run by {group} "
                 "(boxes: quartiles; dots: runs).")


def duration_value(runs: pd.DataFrame, group: str, folder: Path) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 4.2))
    sns.scatterplot(data=runs, x="duration", y="total_value", hue=group, style="dissolved",
                    alpha=0.6, s=18, ax=ax)
    ax.set(xlabel="months the alliance lasted", ylabel="total value created")
    return _save(fig, folder, "duration_value", "Duration against value created per run: the "
                 "value-duration trade-off (crosses and dots distinguish dissolved from censored runs).")


def heatmaps(runs: pd.DataFrame, rows: str, columns: str, folder: Path) -> Figure:
    table = runs.assign(dissolved=runs["dissolved"].astype(float), total_value=runs["total_value"].astype(float))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, (outcome, label, cmap) in zip(axes, [("dissolved", "share dissolved", "rocket_r"),
                                                 ("total_value", "mean total value", "mako")], strict=True):
        grid = table.pivot_table(index=rows, columns=columns, values=outcome, aggfunc="mean")
        sns.heatmap(grid, annot=True, fmt=".2f" if outcome == "dissolved" else ".0f", cmap=cmap, ax=ax,
                    cbar_kws={"label": label})
        ax.set_title(label)
    return _save(fig, folder, f"heatmap_{rows}_{columns}", f"Share of alliances dissolved and mean "
                 f"value created for each combination of {rows} and {columns}.")


def hazard_lines(hazard: pd.DataFrame, group: str, folder: Path) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 3.6))
    sns.lineplot(data=hazard, x="year", y="hazard", hue=group, marker="o", ax=ax)
    ax.set(ylabel="share of running alliances that end", xlabel="year")
    return _save(fig, folder, f"hazard_by_{group}", "Hazard of dissolution by year: of the "
                 "alliances running at the start of a year, the share that ends during it.")


def sensitivity_bars(indices: pd.DataFrame, kind: str, folder: Path) -> Figure:
    outcome = indices["outcome"].iloc[0]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(indices) + 1.8))
    if kind == "sobol":
        long = indices.melt(id_vars="factor", value_vars=["S1", "ST"], var_name="index")
        sns.barplot(data=long, y="factor", x="value", hue="index", ax=ax, orient="h")
        ax.set(xlabel=f"Sobol index for {outcome}")
        caption = (f"Sobol indices for {outcome}: first order (S1, the factor alone) and total (ST, "
                   "with interactions).")
    else:
        sns.barplot(data=indices, y="factor", x="mu_star", ax=ax, orient="h", color="C0")
        ax.errorbar(indices["mu_star"], np.arange(len(indices)), xerr=indices["mu_star_conf"],
                    fmt="none", ecolor="0.2")
        ax.set(xlabel=f"Morris mu* for {outcome}")
        caption = f"Morris elementary effects for {outcome}: mu* with its 95% interval."
    return _save(fig, folder, f"sensitivity_{kind}_{outcome}", caption)


def time_series(series: pd.DataFrame, runs: pd.DataFrame, group: str, folder: Path) -> Figure:
    data = series.merge(runs[["run_id", group]], on="run_id")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, column, label in [(axes[0], "value", "value created per month"),
                              (axes[1], "mean_trust", "mean trust")]:
        sns.lineplot(data=data, x="step", y=column, hue=group, errorbar=("pi", 80), ax=ax)
        ax.set(xlabel="month", ylabel=label)
    return _save(fig, folder, "time_series", "Value created and mean trust month by month: lines are "
                 "means over the runs still running, bands the 10-90% range.")
