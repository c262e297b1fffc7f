"""The dashboard's live charts, drawn with matplotlib from a running model.

Figures are built with :class:`matplotlib.figure.Figure` directly, not through
``pyplot``: pyplot keeps every figure in a global registry until it is closed (the
"more than 20 figures" warning and a server that grows with every session), while a
plain Figure is freed as soon as the page drops it. Fonts are sized for a projector:
the images are scaled to their column, and at 1024 pixels wide the text is still about
12 pixels high.

Colours follow one key in every chart: with up to :data:`PER_PARTNER` partners each
partner has its own colour; with more, the charts group partners by sector (one
colour per sector) so twenty partners do not become a grey blob.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim.dashboard.i18n import name, t
from sim.model import AllianceModel
from sim.model.agents import Organisation

SECTOR_COLOURS = {
    "public": "#3a6ea5",
    "private": "#d1495b",
    "civil": "#66a182",
    "knowledge": "#edae49",
}
PARTNER_COLOURS = (
    "#3a6ea5",
    "#d1495b",
    "#66a182",
    "#edae49",
    "#8e6bb0",
    "#00798c",
    "#9c6644",
    "#6c757d",
)
PER_PARTNER = len(PARTNER_COLOURS)
FONT = 14
SIZE = (4.2, 3.0)
DPI = 100


def groups(model: AllianceModel, language: str) -> tuple[list[str], list[str], np.ndarray]:
    """How the charts group partners: (labels, colours, group index of each partner)."""
    p = model.partners
    if len(p) <= PER_PARTNER:
        labels = [name(language, "partners", n) for n in p.names]
        return labels, list(PARTNER_COLOURS[: len(p)]), np.arange(len(p))
    sectors = [s for s in SECTOR_COLOURS if s in p.sectors]
    index = np.array([sectors.index(s) for s in p.sectors])
    return (
        [name(language, "sectors", s) for s in sectors],
        [SECTOR_COLOURS[s] for s in sectors],
        index,
    )


def _figure(
    size: tuple[float, float] = SIZE, layout: Literal["constrained", "tight"] | None = None
) -> tuple[Figure, Axes]:
    fig = Figure(figsize=size, dpi=DPI, layout=layout)
    ax = fig.subplots()
    ax.tick_params(labelsize=FONT)
    return fig, ax


def _finish(fig: Figure, ax, language: str, ylabel: str) -> Figure:
    ax.set_xlabel(t(language, "ui.months"), fontsize=FONT)
    ax.set_ylabel(ylabel, fontsize=FONT)
    ax.margins(x=0)
    fig.tight_layout(pad=0.4)
    return fig


def _months_axis(ax, months: pd.Index | np.ndarray) -> None:
    """Whole months on the x-axis, at least a year, so an early run is not squeezed into a corner."""
    ax.set_xlim(0, max(12, int(np.max(months)) if len(months) else 12))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))


def _partner_series(model: AllianceModel, group: np.ndarray) -> pd.DataFrame:
    """The per-partner series, each row with the chart group of its partner."""
    assert model.datacollector is not None  # the dashboard's models collect series
    frame = model.datacollector.get_agenttype_vars_dataframe(Organisation).reset_index()
    index = {agent.unique_id: agent.index for agent in model.organisations}
    frame["group"] = group[frame["AgentID"].map(index).to_numpy(dtype=int)] if len(frame) else 0
    return frame


def value_chart(model: AllianceModel, language: str) -> Figure:
    """Value per month (left axis) with relational capital and mean trust (right axis, 0-1)."""
    assert model.datacollector is not None  # the dashboard's models collect series
    series = model.datacollector.get_model_vars_dataframe()
    fig, ax = _figure(layout="constrained")
    ax.plot(
        series.index, series["value"], color="#3a6ea5", linewidth=2, label=t(language, "ui.value")
    )
    low, high = float(series["value"].min()), float(series["value"].max())
    ax.set_ylim(min(0.0, low * 1.1), max(1.0, high * 1.15))
    _months_axis(ax, series.index)
    twin = ax.twinx()
    twin.tick_params(labelsize=FONT)
    twin.plot(
        series.index,
        series["relational_capital"],
        color="#66a182",
        linewidth=2,
        label=t(language, "ui.relational_capital"),
    )
    twin.plot(
        series.index,
        series["mean_trust"],
        color="#edae49",
        linewidth=2,
        label=t(language, "ui.trust"),
    )
    twin.set_ylim(0, 1.02)
    twin.set_ylabel(t(language, "ui.zero_one"), fontsize=FONT, labelpad=8)
    lines = ax.get_lines() + twin.get_lines()
    fig.legend(
        lines,
        # the stubs type Artist.get_label() as object; set_label stores a str
        [cast(str, line.get_label()) for line in lines],
        loc="outside upper center",
        ncol=2,
        fontsize=FONT - 2,
        frameon=False,
        handlelength=1.0,
        columnspacing=0.8,
    )
    ax.set_xlabel(t(language, "ui.months"), fontsize=FONT)
    ax.set_ylabel(t(language, "ui.value_short"), fontsize=FONT)
    return fig


def satisfaction_chart(model: AllianceModel, language: str) -> Figure:
    """Each partner's (or sector's mean) payoff, solid, against its outside option, dashed."""
    labels, colours, group = groups(model, language)
    frame = _partner_series(model, group)
    fig, ax = _figure()
    means = frame.groupby(["group", "Step"])[["payoff", "outside_option"]].mean()
    for g, label in enumerate(labels):
        if g not in means.index.get_level_values(0):
            continue
        part = means.loc[g]
        ax.plot(part.index, part["payoff"], color=colours[g], linewidth=2, label=label)
        ax.plot(part.index, part["outside_option"], color=colours[g], linestyle="--", linewidth=1.2)
    _months_axis(ax, frame["Step"].to_numpy() if len(frame) else np.array([0]))
    return _finish(fig, ax, language, t(language, "ui.payoff"))


def power_chart(model: AllianceModel, language: str) -> Figure:
    """Effective power, stacked: each partner's (or sector's) share of who steers now."""
    labels, colours, group = groups(model, language)
    frame = _partner_series(model, group)
    wide = frame.pivot_table(index="Step", columns="group", values="effective_power", aggfunc="sum")
    wide = wide.reindex(columns=range(len(labels)), fill_value=0.0).fillna(0.0)
    fig, ax = _figure()
    ax.stackplot(wide.index, wide.T.to_numpy(), colors=colours, labels=labels, alpha=0.9)
    ax.set_ylim(0, 1)
    _months_axis(ax, wide.index.to_numpy())
    return _finish(fig, ax, language, t(language, "ui.power_share"))


def network_chart(model: AllianceModel, language: str) -> Figure:
    """Partners on a circle: line thickness = mutual trust, circle size = effective power (with
    many partners only the strongest quarter of the ties; the colour key is on the page)."""
    p = model.partners
    n = len(p)
    labels, colours, group = groups(model, language)
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False) + np.pi / 2
    x, y = np.cos(angle), np.sin(angle)
    power = model.effective_power
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.subplots()
    pairs = [
        (i, j, (p.trust[i, j] + p.trust[j, i]) / 2)
        for i in range(n)
        for j in range(i + 1, n)
        if p.active[i] and p.active[j]
    ]
    if n > PER_PARTNER and pairs:
        # many partners: only the strongest quarter of the ties, or the circle turns into a blob
        floor = float(np.quantile([trust for *_, trust in pairs], 0.75))
        pairs = [pair for pair in pairs if pair[2] >= floor]
    for i, j, trust in pairs:
        ax.plot(
            [x[i], x[j]],
            [y[i], y[j]],
            color="0.35",
            linewidth=0.5 + (5 if n <= 8 else 2) * trust,
            alpha=0.2 + 0.6 * trust,
            zorder=1,
        )
    scale = 2400 if n <= 8 else 900
    for i in range(n):
        colour = colours[group[i]] if p.active[i] else "0.8"
        size = 80 + scale * power[i]
        ax.scatter(x[i], y[i], s=size, color=colour, edgecolor="white", zorder=2)
        if n <= PER_PARTNER:
            label = labels[i] if p.active[i] else f"{labels[i]} ({t(language, 'ui.left')})"
            # above the node (below it in the lower half), clear of it by its radius
            # (sqrt(size) / 2 points) plus a gap, centred so it stays inside the picture
            away = (np.sqrt(size) / 2 + 4) * (1 if y[i] >= -0.3 else -1)
            ax.annotate(
                label,
                (x[i], y[i]),
                xytext=(0, away),
                textcoords="offset points",
                ha="center",
                va="bottom" if away > 0 else "top",
                fontsize=FONT - 1,
            )
    ax.set_xlim(-1.9, 1.9)
    ax.set_ylim(-1.45, 1.45)
    ax.set_axis_off()
    fig.tight_layout(pad=0.2)
    return fig


def legend_entries(model: AllianceModel, language: str) -> list[tuple[str, str]]:
    """The colour key shared by the charts, as (label, colour) pairs for the page to show once."""
    labels, colours, _ = groups(model, language)
    return list(zip(labels, colours, strict=True))


def duel_chart(game: Any, language: str) -> Figure:
    """The manager game month by month: value per month (blue, left axis) and mean trust
    (orange, right axis, 0-1) under the player (solid) and the built-in manager (dashed),
    same alliance, same luck."""
    history = game.history
    months = np.array([m.month for m in history]) if history else np.array([0])
    fig, ax = _figure(layout="constrained")
    twin = ax.twinx()
    twin.tick_params(labelsize=FONT)
    for style, width, value, trust in (
        ("-", 2.2, "value_yours", "trust_yours"),
        ("--", 1.6, "value_builtin", "trust_builtin"),
    ):
        if history:
            ax.plot(
                months,
                [getattr(m, value) for m in history],
                color="#3a6ea5",
                linewidth=width,
                linestyle=style,
            )
            twin.plot(
                months,
                [getattr(m, trust) for m in history],
                color="#edae49",
                linewidth=width,
                linestyle=style,
            )
    _months_axis(ax, months)
    twin.set_ylim(0, 1.02)
    ax.set_xlabel(t(language, "ui.months"), fontsize=FONT)
    ax.set_ylabel(t(language, "ui.value_short"), fontsize=FONT, color="#3a6ea5")
    twin.set_ylabel(t(language, "ui.trust"), fontsize=FONT, color="#c98a12", labelpad=8)
    keys = [
        Line2D([], [], color="0.3", linewidth=2.2),
        Line2D([], [], color="0.3", linewidth=1.6, linestyle="--"),
    ]
    fig.legend(
        keys,
        [t(language, "ui.you"), t(language, "ui.builtin")],
        loc="outside upper center",
        ncol=2,
        fontsize=FONT - 2,
        frameon=False,
    )
    return fig
