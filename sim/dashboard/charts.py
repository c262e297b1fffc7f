"""The dashboard's live charts, drawn with matplotlib from a running model."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.model.agents import Organisation  # noqa: E402
from sim.dashboard.i18n import t  # noqa: E402
from sim.model import AllianceModel  # noqa: E402

SECTOR_COLOURS = {"public": "#3a6ea5", "private": "#d1495b", "civil": "#66a182", "knowledge": "#edae49"}


def _partner_series(model: AllianceModel) -> pd.DataFrame:
    frame = model.datacollector.get_agenttype_vars_dataframe(Organisation).reset_index()
    names = {agent.unique_id: agent.name for agent in model.organisations}
    frame["partner"] = frame["AgentID"].map(names)
    return frame


def _per_partner_finish(fig: plt.Figure, ax: plt.Axes, language: str, title: str) -> plt.Figure:
    """Axis label, a compact legend of the partners and the title, in the page's language."""
    ax.set_xlabel(t(language, "ui.months"))
    ax.legend(fontsize="xx-small", ncol=2, loc="upper left")
    ax.set_title(t(language, title), fontsize="small")
    fig.tight_layout()
    return fig


def value_chart(model: AllianceModel, language: str) -> plt.Figure:
    series = model.datacollector.get_model_vars_dataframe()
    fig, ax = plt.subplots(figsize=(5.2, 2.8))
    ax.plot(series.index, series["value"], color="#3a6ea5", label=t(language, "ui.value"))
    ax.set_xlabel(t(language, "ui.months"))
    ax.set_ylabel(t(language, "ui.value"))
    twin = ax.twinx()
    twin.plot(series.index, series["relational_capital"], color="#66a182", label=t(language, "ui.relational_capital"))
    twin.plot(series.index, series["mean_trust"], color="#edae49", label=t(language, "ui.trust"))
    twin.set_ylim(0, 1.02)
    lines = ax.get_lines() + twin.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="upper left", fontsize="x-small")
    ax.set_title(t(language, "ui.chart_value"), fontsize="small")
    fig.tight_layout()
    return fig


def satisfaction_chart(model: AllianceModel, language: str) -> plt.Figure:
    frame = _partner_series(model)
    fig, ax = plt.subplots(figsize=(5.2, 2.8))
    for i, (partner, part) in enumerate(frame.groupby("partner", sort=False)):
        colour = f"C{i % 10}"
        ax.plot(part["Step"], part["payoff"], color=colour, label=partner, linewidth=1.2)
        ax.plot(part["Step"], part["outside_option"], color=colour, linestyle="--", linewidth=0.8)
    return _per_partner_finish(fig, ax, language, "ui.chart_satisfaction")


def power_chart(model: AllianceModel, language: str) -> plt.Figure:
    frame = _partner_series(model)
    wide = frame.pivot_table(index="Step", columns="partner", values="effective_power", sort=False)
    fig, ax = plt.subplots(figsize=(5.2, 2.8))
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=list(wide.columns), alpha=0.85)
    ax.set_ylim(0, 1)
    return _per_partner_finish(fig, ax, language, "ui.chart_power")


def network_chart(model: AllianceModel, language: str) -> plt.Figure:
    p = model.partners
    n = len(p)
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x, y = np.cos(angle), np.sin(angle)
    power = model.effective_power
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    for i in range(n):
        for j in range(i + 1, n):
            if p.active[i] and p.active[j]:
                trust = (p.trust[i, j] + p.trust[j, i]) / 2
                ax.plot([x[i], x[j]], [y[i], y[j]], color="0.3", linewidth=0.5 + 5 * trust,
                        alpha=0.25 + 0.6 * trust, zorder=1)
    for i in range(n):
        colour = SECTOR_COLOURS[p.sectors[i]] if p.active[i] else "0.8"
        ax.scatter(x[i], y[i], s=200 + 3000 * power[i], color=colour, edgecolor="white", zorder=2)
        label = p.names[i] if p.active[i] else f"{p.names[i]} ({t(language, 'ui.left')})"
        ax.annotate(label, (x[i], y[i]), xytext=(0, -22), textcoords="offset points", ha="center",
                    fontsize="x-small")
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.5, 1.5)
    ax.set_axis_off()
    ax.set_title(t(language, "ui.chart_network"), fontsize="small")
    fig.tight_layout()
    return fig
