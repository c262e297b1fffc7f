"""Figures for a report, drawn with seaborn and saved as PNG and SVG."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from sim.analysis.survival import (  # noqa: E402
    cumulative_incidence,
    ending_causes,
    formed_only,
    kaplan_meier,
)

sns.set_theme(style="whitegrid", context="notebook")


@dataclass(frozen=True)
class Figure:
    """A saved figure: its file stem, the PNG path and a caption for the report."""

    name: str
    png: Path
    caption: str


def _save(fig: plt.Figure, folder: Path, name: str, caption: str) -> Figure:
    folder.mkdir(parents=True, exist_ok=True)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    png = folder / f"{name}.png"
    fig.savefig(png, dpi=110)
    fig.savefig(folder / f"{name}.svg")
    plt.close(fig)
    return Figure(name, png, caption)


def survival_curves(runs: pd.DataFrame, group: str, horizon: int, folder: Path) -> Figure:
    """Kaplan-Meier curves of the alliances that formed, by group; the legend gives each
    group's formed runs out of all its runs (the others never formed and are left out)."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    palette = sns.color_palette(n_colors=runs[group].nunique())
    for colour, (level, part) in zip(palette, runs.groupby(group, sort=True), strict=True):
        formed = formed_only(part)
        if not len(formed):
            continue
        curve = kaplan_meier(formed, horizon)
        ax.step(
            curve.months,
            curve.survival,
            where="post",
            color=colour,
            label=f"{level} ({len(formed)} of {len(part)} formed)",
        )
        ax.fill_between(curve.months, curve.low, curve.high, step="post", color=colour, alpha=0.15)
    ax.set(
        xlabel="months",
        ylabel="share of formed alliances still running",
        ylim=(0, 1.02),
        xlim=(0, horizon),
    )
    ax.legend(title=group, loc="lower left", fontsize="small")
    return _save(
        fig,
        folder,
        f"survival_by_{group}",
        f"Kaplan-Meier survival of the alliances that "
        f"formed, by {group}, with 95% pointwise bands; runs reaching month {horizon} are "
        "censored, runs that never formed are left out (the legend counts them).",
    )


def value_distribution(runs: pd.DataFrame, group: str, folder: Path) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 4))
    sns.boxplot(data=runs, x=group, y="total_value", ax=ax, color="0.85", showfliers=False)
    sns.stripplot(data=runs, x=group, y="total_value", ax=ax, size=2, alpha=0.4, color="C0")
    ax.set(ylabel="total value created", xlabel=group)
    return _save(
        fig,
        folder,
        f"value_by_{group}",
        f"Total value created per run by {group} (boxes: quartiles; dots: runs).",
    )


def duration_value(runs: pd.DataFrame, group: str, folder: Path) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 4.2))
    sns.scatterplot(
        data=runs,
        x="duration",
        y="total_value",
        hue=group,
        style="dissolved",
        alpha=0.6,
        s=18,
        ax=ax,
    )
    ax.set(xlabel="months the alliance lasted", ylabel="total value created")
    return _save(
        fig,
        folder,
        "duration_value",
        "Duration against value created per run: the "
        "value-duration trade-off (crosses and dots distinguish dissolved from censored runs).",
    )


def heatmaps(runs: pd.DataFrame, rows: str, columns: str, folder: Path) -> Figure:
    """Share ended before the horizon and mean value for each combination of two factors.

    Each panel is sized to its grid and to the length of both the row and the column labels
    (long intervention names, ``pps_infrastructure``), and the panels are stacked rather
    than set side by side when a panel with its labels and colour bar is wide, so no label
    reaches into the neighbouring panel. The share's colour scale is fixed to 0-1, so two
    heatmaps of one report can be compared by colour.
    """
    table = runs.assign(
        dissolved=runs["dissolved"].astype(float), total_value=runs["total_value"].astype(float)
    )
    n_rows, n_columns = table[rows].nunique(), table[columns].nunique()
    longest_column = max(len(str(v)) for v in table[columns].unique())
    longest_row = max(len(str(v)) for v in table[rows].unique())
    # inches: the row labels, the cells, the colour bar with its label
    panel_width = 0.075 * longest_row + 0.6 + max(0.9 * n_columns, 0.11 * longest_column) + 1.4
    panel_height = 1.0 + 0.42 * n_rows + 0.065 * longest_column
    stacked = 2 * panel_width > 12
    fig, axes = plt.subplots(
        2 if stacked else 1,
        1 if stacked else 2,
        figsize=(panel_width, 2 * panel_height) if stacked else (2 * panel_width, panel_height),
        layout="constrained",
    )
    panels = [
        (
            "dissolved",
            "share ended before the horizon",
            "share",
            "rocket_r",
            {"vmin": 0.0, "vmax": 1.0},
        ),
        ("total_value", "mean total value", "value", "mako", {}),
    ]
    for ax, (outcome, label, short, cmap, scale) in zip(axes, panels, strict=True):
        grid = table.pivot_table(index=rows, columns=columns, values=outcome, aggfunc="mean")
        sns.heatmap(
            grid,
            annot=n_rows * n_columns <= 80,
            fmt=".2f" if outcome == "dissolved" else ".0f",
            cmap=cmap,
            ax=ax,
            cbar_kws={"label": short},
            annot_kws={"fontsize": "small"},
            **scale,
        )
        ax.set_title(label)
        ax.tick_params(axis="x", labelrotation=30)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
        ax.tick_params(axis="y", labelrotation=0)
    return _save(
        fig,
        folder,
        f"heatmap_{rows}_{columns}",
        f"Share of runs that ended before the "
        f"horizon (never formed included; scale 0-1) and mean value created for each "
        f"combination of {rows} and {columns}.",
    )


def hazard_lines(hazard: pd.DataFrame, group: str, folder: Path) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 3.6))
    sns.lineplot(data=hazard, x="year", y="hazard", hue=group, marker="o", ax=ax)
    ax.set(ylabel="share of running alliances that end", xlabel="year")
    return _save(
        fig,
        folder,
        f"hazard_by_{group}",
        "Hazard of ending by year: of the formed "
        "alliances running at the start of a year, the share that ends during it.",
    )


def sensitivity_bars(indices: pd.DataFrame, kind: str, folder: Path) -> Figure:
    outcome = indices["outcome"].iloc[0]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(indices) + 1.8))
    if kind == "sobol":
        long = indices.melt(id_vars="factor", value_vars=["S1", "ST"], var_name="index")
        sns.barplot(data=long, y="factor", x="value", hue="index", ax=ax, orient="h")
        ax.set(xlabel=f"Sobol index for {outcome}")
        caption = (
            f"Sobol indices for {outcome}: first order (S1, the factor alone) and total (ST, "
            "with interactions)."
        )
    else:
        sns.barplot(data=indices, y="factor", x="mu_star", ax=ax, orient="h", color="C0")
        ax.errorbar(
            indices["mu_star"],
            np.arange(len(indices)),
            xerr=indices["mu_star_conf"],
            fmt="none",
            ecolor="0.2",
        )
        ax.set(xlabel=f"Morris mu* for {outcome}")
        caption = f"Morris elementary effects for {outcome}: mu* with its 95% interval."
    return _save(fig, folder, f"sensitivity_{kind}_{outcome}", caption)


def time_series(series: pd.DataFrame, runs: pd.DataFrame, group: str, folder: Path) -> Figure:
    data = series.merge(runs[["run_id", group]], on="run_id")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, column, label in [
        (axes[0], "value", "value created per month"),
        (axes[1], "mean_trust", "mean trust"),
    ]:
        sns.lineplot(data=data, x="step", y=column, hue=group, errorbar=("pi", 80), ax=ax)
        ax.set(xlabel="month", ylabel=label)
    return _save(
        fig,
        folder,
        "time_series",
        "Value created and mean trust month by month: lines are "
        "means over the runs still running, bands the 10-90% range.",
    )


def cumulative_incidence_curves(
    runs: pd.DataFrame, group: str, horizon: int, folder: Path
) -> Figure:
    """One panel per ending cause: the Aalen-Johansen cumulative incidence by group."""
    causes = ending_causes(runs)
    fig, axes = plt.subplots(
        1,
        max(len(causes), 1),
        figsize=(3.8 * max(len(causes), 1) + 1, 3.8),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    palette = dict(
        zip(
            sorted(runs[group].unique(), key=str),
            sns.color_palette(n_colors=runs[group].nunique()),
            strict=True,
        )
    )
    for level, part in runs.groupby(group, sort=True):
        cif = cumulative_incidence(part, horizon)
        for ax, cause in zip(axes[0], causes, strict=False):
            if cause not in cif.incidence:
                continue
            ax.step(
                cif.months,
                cif.incidence[cause],
                where="post",
                color=palette[level],
                label=str(level),
            )
            ax.fill_between(
                cif.months,
                cif.low[cause],
                cif.high[cause],
                step="post",
                color=palette[level],
                alpha=0.12,
            )
    for ax, cause in zip(axes[0], causes, strict=False):
        ax.set(title=cause.replace("_", " "), xlabel="months", xlim=(0, horizon))
    axes[0][0].set(ylabel="share of alliances ended by this cause")
    axes[0][-1].legend(title=group, fontsize="small")
    return _save(
        fig,
        folder,
        f"cumulative_incidence_by_{group}",
        "Cumulative incidence of each "
        "ending cause by " + group + " (Aalen-Johansen, the other causes competing), with "
        "95% pointwise bands; never formed is a cause of its own, not a dissolution.",
    )


def hazard_ratio_forest(table: pd.DataFrame, title: str, folder: Path, name: str) -> Figure:
    """Hazard ratios with 95% intervals on a log scale; 1 means no difference."""
    shown = table.dropna(subset=["hazard_ratio"])
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(shown) + 1.8), layout="constrained")
    y = np.arange(len(shown))[::-1]
    ax.errorbar(
        shown["hazard_ratio"],
        y,
        xerr=[shown["hazard_ratio"] - shown["low"], shown["high"] - shown["hazard_ratio"]],
        fmt="o",
        color="C0",
        ecolor="0.3",
        capsize=3,
    )
    ax.axvline(1.0, color="0.5", linestyle="--")
    ax.set_xscale("log")
    low, high = float(np.nanmin(shown["low"])), float(np.nanmax(shown["high"]))
    ticks = [t for t in (0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10) if low / 1.5 <= t <= high * 1.5] or [
        1
    ]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_yticks(
        y, [t if len(t) <= 48 else t[:45] + "..." for t in shown["term"]], fontsize="small"
    )
    ax.set(xlabel="hazard ratio (log scale); below 1: alliances last longer", title=title)
    return _save(
        fig,
        folder,
        name,
        f"{title}: hazard ratios with 95% intervals; below 1 the "
        "alliance ends less often at any moment than at the reference level.",
    )


def parallel_coordinates(
    x: pd.DataFrame,
    cases: np.ndarray,
    label: str,
    folder: Path,
    max_lines: int = 600,
    seed: int = 0,
) -> Figure:
    """One line per run across the factors' axes; the cases of interest stand out in colour.

    Each axis spans its factor's observed range; a categorical factor's levels are spread
    evenly and labelled, with a little jitter (seeded) so that a bundle of lines through
    one level shows how many runs take it. At most ``max_lines`` runs per class are drawn
    (a fixed random sample), so a large sweep stays readable.
    """
    rng = np.random.default_rng(seed)
    cases = np.asarray(cases, dtype=bool)
    scaled, ticks = {}, {}
    for column in x.columns:
        values = x[column]
        if (
            pd.api.types.is_bool_dtype(values)
            or not pd.api.types.is_numeric_dtype(values)
            or values.nunique() <= 5
        ):
            values = values.astype(object).where(
                values.notna(), "n/a"
            )  # empty where it does not apply
            levels = sorted(
                values.unique(), key=lambda v: (not isinstance(v, (int, float)), str(v))
            )
            position = {level: i / max(len(levels) - 1, 1) for i, level in enumerate(levels)}
            jitter = rng.uniform(-0.03, 0.03, len(values)) if len(levels) > 1 else 0.0
            scaled[column] = values.map(position).to_numpy(dtype=float) + jitter
            ticks[column] = [
                (position[lv], str(lv) if len(str(lv)) <= 22 else str(lv)[:20] + "...")
                for lv in levels
            ]
        else:
            low, high = float(values.min()), float(values.max())
            scaled[column] = ((values.astype(float) - low) / ((high - low) or 1.0)).to_numpy()
            ticks[column] = [(0.0, f"{low:.3g}"), (1.0, f"{high:.3g}")]
    data = (
        np.column_stack([scaled[c] for c in x.columns]) if len(x.columns) else np.empty((len(x), 0))
    )
    fig, ax = plt.subplots(figsize=(max(2.2 * len(x.columns), 7), 4.5), layout="constrained")
    axis_x = np.arange(len(x.columns))
    for chosen, colour, alpha, name in (
        (~cases, "0.55", 0.12, "other runs"),
        (cases, "C3", 0.12, label),
    ):
        index = np.flatnonzero(chosen)
        if index.size > max_lines:
            index = np.sort(rng.choice(index, max_lines, replace=False))
        if index.size:
            lines = ax.plot(axis_x, data[index].T, color=colour, alpha=alpha, linewidth=0.8)
            lines[0].set_label(f"{name} ({chosen.sum()} runs)")
    for i, column in enumerate(x.columns):
        ax.axvline(i, color="0.2", linewidth=0.8)
        for height, text in ticks[column]:
            ax.annotate(
                text,
                (i, height),
                xytext=(4, 0),
                textcoords="offset points",
                fontsize="x-small",
                va="center",
                ha="left",
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
            )
    ax.set_xticks(axis_x, list(x.columns), rotation=20, ha="right")
    ax.set(yticks=[], xlim=(-0.1, max(len(x.columns) - 0.6, 0.5)), ylim=(-0.08, 1.08))
    ax.grid(False)
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize="small")
    # The stubs type legend handles as ``Artist | None``; these are the lines drawn above.
    for handle in cast(list[Line2D], legend.legend_handles):
        handle.set_alpha(1.0)
        handle.set_linewidth(2.0)
    return _save(
        fig,
        folder,
        "parallel_coordinates",
        f"Parallel coordinates: each line one run "
        f"across the factors' ranges; red lines are {label}, grey the others (at most "
        f"{max_lines} of each drawn).",
    )


def convergence_lines(table: pd.DataFrame, folder: Path) -> Figure:
    """The relative 95% half-width of the cell means as replications grow, per outcome."""
    fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    sns.lineplot(data=table, x="n", y="relative_half_width", hue="outcome", marker="o", ax=ax)
    unit = str(table["unit"].iloc[0]) if len(table) else "replications"
    ax.set(xlabel=unit, ylabel="95% half-width / |cell mean|", ylim=(0, None))
    return _save(
        fig,
        folder,
        "convergence",
        "Precision of the design cells' means as "
        f"{unit} are added: the 95% confidence half-width relative to the mean, "
        "averaged over cells; a flat end means more would add little.",
    )
