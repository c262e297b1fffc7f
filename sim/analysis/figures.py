"""Figures for a report, drawn with matplotlib and seaborn and saved as PNG and SVG.

Every figure is drawn from an aggregated table (:mod:`sim.analysis.aggregates`, or a table
of the report), never from one mark per run, so drawing a report of 10,000 runs takes as
long as one of 100. The table behind each figure is saved beside it as
``figures/<name>.csv``. The one figure of single runs, the parallel coordinates, draws each
combination of factor values once (its width the number of runs) or, in a sampled design,
a fixed sample of runs that its caption states.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from sim.analysis.aggregates import duration_bin_width  # noqa: E402

sns.set_theme(style="whitegrid", context="notebook")


@dataclass(frozen=True)
class Figure:
    """A saved figure: its file stem, the PNG path and a caption for the report."""

    name: str
    png: Path
    caption: str


def _save(
    fig: plt.Figure,
    folder: Path,
    name: str,
    caption: str,
    data: pd.DataFrame | dict[str, pd.DataFrame] | None = None,
) -> Figure:
    """Save a figure as PNG and SVG, and the table it was drawn from as CSV beside it
    (``name.csv``; a dict of tables as ``name<key>.csv``)."""
    folder.mkdir(parents=True, exist_ok=True)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    png = folder / f"{name}.png"
    fig.savefig(png, dpi=110)
    # the layout is in figure coordinates, the same at any dpi: keep the one just computed
    # rather than computing a constrained layout again for the SVG
    fig.set_layout_engine("none")
    fig.savefig(folder / f"{name}.svg")
    plt.close(fig)
    tables = {"": data} if isinstance(data, pd.DataFrame) else (data or {})
    for suffix, table in tables.items():
        table.to_csv(folder / f"{name}{suffix}.csv", index=False)
    return Figure(name, png, caption)


def _colours(levels: list) -> dict:
    """One colour per group level, in the order of the levels (seaborn's palette)."""
    return dict(zip(levels, sns.color_palette(n_colors=max(len(levels), 1)), strict=False))


def survival_curves(curves: pd.DataFrame, group: str, horizon: int, folder: Path) -> Figure:
    """Kaplan-Meier curves of the alliances that formed, by group, from the curves table
    (:func:`~sim.analysis.aggregates.survival_curves`); the legend gives each group's formed
    runs out of all its runs (the others never formed and are left out)."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    levels = list(dict.fromkeys(curves[group])) if len(curves) else []
    colours = _colours(levels)
    for level in levels:
        curve = curves[curves[group] == level]
        colour = colours[level]
        ax.step(
            curve["month"],
            curve["survival"],
            where="post",
            color=colour,
            label=f"{level} ({curve['formed_runs'].iloc[0]} of {curve['runs'].iloc[0]} formed)",
        )
        ax.fill_between(
            curve["month"], curve["low"], curve["high"], step="post", color=colour, alpha=0.15
        )
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
        curves,
    )


def value_distribution(
    boxes: pd.DataFrame, density: pd.DataFrame, group: str, folder: Path
) -> Figure:
    """Total value per group: the box (quartiles, whiskers at 1.5 interquartile ranges) from
    :func:`~sim.analysis.aggregates.box_statistics`, and beside it the runs' distribution as
    a histogram (:func:`~sim.analysis.aggregates.histogram`) mirrored like a violin."""
    fig, ax = plt.subplots(figsize=(7, 4))
    levels = list(boxes[group])
    stats = [
        {
            "label": str(level),
            "whislo": row["whisker_low"],
            "q1": row["q1"],
            "med": row["median"],
            "q3": row["q3"],
            "whishi": row["whisker_high"],
            "fliers": [],
        }
        for level, (_, row) in zip(levels, boxes.iterrows(), strict=True)
    ]
    positions = np.arange(len(levels))
    for position, level in zip(positions, levels, strict=True):
        bins = density[density[group] == level]
        peak = float(bins["share"].max()) if len(bins) else 0.0
        if peak > 0:  # the width grows with the square root of the share, so that a spike
            # (the many runs of value 0 that never formed) does not flatten the rest
            half = 0.4 * np.sqrt(bins["share"].to_numpy() / peak)
            edges = np.append(bins["low"].to_numpy(), bins["high"].iloc[-1])
            ax.stairs(
                position + half, edges, baseline=position - half, orientation="horizontal",
                fill=True, color="C0", alpha=0.25, linewidth=0,
            )  # fmt: skip
    ax.bxp(
        stats,
        positions=positions,
        widths=0.35,
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": "0.85", "edgecolor": "0.3"},
        medianprops={"color": "0.1"},
        whiskerprops={"color": "0.3"},
        capprops={"color": "0.3"},
    )
    ax.set_xticks(positions, [str(level) for level in levels])
    ax.set(ylabel="total value created", xlabel=group, xlim=(-0.6, len(levels) - 0.4))
    return _save(
        fig,
        folder,
        f"value_by_{group}",
        f"Total value created per run by {group} (boxes: quartiles, whiskers up to 1.5 "
        "interquartile ranges; shaded: the distribution of the runs over "
        f"{density.groupby(group).size().max() if len(density) else 0} value bins, its width "
        "growing with the square root of the share of runs in a bin).",
        {"": boxes, "_histogram": density},
    )


def duration_value(table: pd.DataFrame, group: str, horizon: int, folder: Path) -> Figure:
    """The value-duration trade-off from :func:`~sim.analysis.aggregates.value_by_duration`:
    per group the median value (and its quartiles) of the runs that ended in each duration
    bin, and of the runs still running at the horizon."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    levels = list(dict.fromkeys(table[group])) if len(table) else []
    colours = _colours(levels)
    for i, level in enumerate(levels):
        mine = table[table[group] == level]
        ended = mine[~mine["censored"].astype(bool)]
        running = mine[mine["censored"].astype(bool)]
        colour = colours[level]
        middle = (ended["from_month"] + ended["to_month"]) / 2
        ax.plot(middle, ended["median"], marker="o", ms=4, color=colour, label=str(level))
        ax.fill_between(middle, ended["q1"], ended["q3"], color=colour, alpha=0.15)
        if len(running):
            offset = (i - (len(levels) - 1) / 2) * horizon / 120
            ax.errorbar(
                running["to_month"] + offset,
                running["median"],
                yerr=[running["median"] - running["q1"], running["q3"] - running["median"]],
                fmt="D",
                ms=6,
                color=colour,
                capsize=3,
            )
    ax.errorbar([], [], yerr=[], fmt="D", color="0.4", label=f"still running at month {horizon}")
    ax.set(xlabel="months the alliance lasted", ylabel="total value created", xlim=(0, None))
    ax.legend(title=group, fontsize="small")
    width = duration_bin_width(horizon)
    return _save(
        fig,
        folder,
        "duration_value",
        "The value-duration trade-off: the median value created by the runs that ended "
        f"after a given duration ({width}-month bins; bands: the middle half of those runs), "
        f"and, as diamonds at month {horizon} with their quartiles, by the runs still running "
        "at the horizon.",
        table,
    )


def heatmaps(cells: pd.DataFrame, rows: str, columns: str, folder: Path) -> Figure:
    """Share ended before the horizon and mean value for each combination of two factors,
    from the cell means of :func:`~sim.analysis.aggregates.cell_means`.

    Each panel is sized to its grid and to the length of both the row and the column labels
    (long intervention names, ``pps_infrastructure``), and the panels are stacked rather
    than set side by side when a panel with its labels and colour bar is wide, so no label
    reaches into the neighbouring panel. The share's colour scale is fixed to 0-1, so two
    heatmaps of one report can be compared by colour.
    """
    table = cells
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
        grid = table.pivot(index=rows, columns=columns, values=outcome)
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
        cells,
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
        hazard,
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
    return _save(fig, folder, f"sensitivity_{kind}_{outcome}", caption, indices)


def time_series(bands: pd.DataFrame, group: str, folder: Path) -> Figure:
    """Value created and mean trust month by month per group, from the means and 10th and
    90th percentiles of :func:`~sim.analysis.aggregates.series_bands`."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    levels = list(dict.fromkeys(bands[group])) if len(bands) else []
    colours = _colours(levels)
    for ax, column, label in [
        (axes[0], "value", "value created per month"),
        (axes[1], "mean_trust", "mean trust"),
    ]:
        for level in levels:
            mine = bands[(bands["series"] == column) & (bands[group] == level)]
            ax.plot(mine["step"], mine["mean"], color=colours[level], label=str(level))
            ax.fill_between(mine["step"], mine["p10"], mine["p90"], color=colours[level], alpha=0.2)
        ax.set(xlabel="month", ylabel=label)
        ax.legend(title=group, fontsize="small")
    return _save(
        fig,
        folder,
        "time_series",
        "Value created and mean trust month by month: lines are "
        "means over the runs still running, bands the 10-90% range.",
        bands,
    )


def cumulative_incidence_curves(
    curves: pd.DataFrame, group: str, horizon: int, folder: Path
) -> Figure:
    """One panel per ending cause: the Aalen-Johansen cumulative incidence by group, from
    :func:`~sim.analysis.aggregates.incidence_curves`."""
    causes = list(dict.fromkeys(curves["cause"])) if len(curves) else []
    fig, axes = plt.subplots(
        1,
        max(len(causes), 1),
        figsize=(3.8 * max(len(causes), 1) + 1, 3.8),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    levels = sorted(dict.fromkeys(curves[group]), key=str) if len(curves) else []
    palette = _colours(levels)
    for level in levels:
        mine = curves[curves[group] == level]
        for ax, cause in zip(axes[0], causes, strict=False):
            cif = mine[mine["cause"] == cause]
            if not len(cif):
                continue
            ax.step(
                cif["month"],
                cif["incidence"],
                where="post",
                color=palette[level],
                label=str(level),
            )
            ax.fill_between(
                cif["month"],
                cif["low"],
                cif["high"],
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
        curves,
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
        table,
    )


def parallel_coordinates(
    x: pd.DataFrame,
    cases: np.ndarray,
    label: str,
    folder: Path,
    max_lines: int = 600,
    seed: int = 0,
) -> Figure:
    """Lines across the factors' axes, one per combination of factor values; the cases of
    interest stand out in colour.

    Each axis spans its factor's observed range; a categorical factor's levels are spread
    evenly and labelled. Runs with the same factor values share one line whose width grows
    with their number (a factorial design draws one line per design cell and class). When a
    class has more than ``max_lines`` distinct combinations (a sampled design), a fixed
    random sample of ``max_lines`` of its runs is drawn instead, with a little jitter
    (seeded) on the categorical axes so that a bundle through one level shows how many runs
    take it; the caption says which was drawn.
    """
    rng = np.random.default_rng(seed)
    cases = np.asarray(cases, dtype=bool)
    scaled, ticks, categorical = {}, {}, []
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
            scaled[column] = values.map(position).to_numpy(dtype=float)
            if len(levels) > 1:
                categorical.append(len(scaled) - 1)
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
    combinations, inverse, counts = np.unique(data, axis=0, return_inverse=True, return_counts=True)
    sampled = len(combinations) > max_lines
    if sampled:  # a sampled design: a sample of runs of each class, jittered levels
        drawn, handles = [], []
        for chosen, colour, name in ((~cases, "0.55", "other runs"), (cases, "C3", label)):
            index = np.flatnonzero(chosen)
            if index.size > max_lines:
                index = np.sort(rng.choice(index, max_lines, replace=False))
            lines = data[index].copy()
            lines[:, categorical] += rng.uniform(-0.03, 0.03, (len(index), len(categorical)))
            _lines(ax, axis_x, lines, colour, np.full(len(index), 0.8), 0.12)
            handles.append(Line2D([], [], color=colour, linewidth=2.0))
            handles[-1].set_label(f"{name} ({chosen.sum()} runs)")
            drawn.append(pd.DataFrame(lines, columns=list(x.columns)).assign(cases=name, runs=1))
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18),
            ncol=2,
            fontsize="small",
        )
        table = pd.concat(drawn, ignore_index=True)
        how = (
            f"each line one run, at most {max_lines} of each kind drawn (a fixed random "
            f"sample); red lines are {label}, grey the others"
        )
    else:  # one line per combination of factor values, coloured by its share of cases
        share = np.bincount(inverse.ravel(), weights=cases, minlength=len(combinations)) / counts
        colours = matplotlib.colormaps["Reds"](0.15 + 0.85 * share)
        widths = 0.6 + 5.4 * counts / counts.max(initial=1)
        order = np.argsort(share)  # the most telling lines on top
        _lines(ax, axis_x, combinations[order], colours[order], widths[order], 0.6)
        bar = fig.colorbar(
            matplotlib.cm.ScalarMappable(
                matplotlib.colors.Normalize(0, 1),
                matplotlib.colors.ListedColormap(
                    matplotlib.colormaps["Reds"](np.linspace(0.15, 1.0, 256))
                ),
            ),
            ax=ax,
            shrink=0.8,
        )
        bar.set_label(f"share {label}", fontsize="small")
        table = pd.DataFrame(combinations, columns=list(x.columns)).assign(
            runs=counts, share_of_cases=share
        )
        how = (
            "each line one combination of factor values, its width growing with the number of "
            f"runs that took it and its colour with the share of them that were {label}"
        )
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
    return _save(
        fig,
        folder,
        "parallel_coordinates",
        f"Parallel coordinates across the factors' ranges: {how}.",
        table,
    )


def _lines(
    ax: plt.Axes, axis_x: np.ndarray, lines: np.ndarray, colours, widths, alpha: float
) -> None:
    """Polylines across the axes at ``axis_x``, one per row of ``lines``, as one collection."""
    if len(lines):
        segments = np.stack([np.broadcast_to(axis_x, lines.shape), lines], axis=-1)
        ax.add_collection(
            LineCollection(list(segments), colors=colours, linewidths=widths, alpha=alpha)
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
        table,
    )
