"""The report's sections for a researcher: adjusted survival, causes of ending, paired
comparisons, exploratory analysis and whether the replications were enough.

Each function takes the runs (and what it needs from the experiment) and returns a
:class:`Section`: a title, HTML with its tables and figures inline, and the tables to save
as CSV. ``report.build`` puts them together; every piece can also be called on its own,
e.g. in a notebook.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import figures
from sim.analysis.aggregates import incidence_curves
from sim.analysis.exploration import feature_scores, prim_box
from sim.analysis.statistics import convergence, enough_replications, paired_differences
from sim.analysis.survival import (
    cause_specific_hazards,
    cause_table,
    cox_model,
    effect_modification,
    formed_only,
    incidence_table,
    rmst_table,
)

#: HTML tables longer than this show their first rows and say so; the CSV has every row.
HTML_ROWS = 2000
#: The outcomes whose precision the convergence check follows, and the half-width asked
#: of a design cell's mean: a share to ±0.1, a duration to ±10% of the horizon, value to
#: ±10% of its overall mean.
CONVERGENCE_OUTCOMES = ("dissolved", "duration", "total_value")


@dataclass
class Section:
    """One titled part of the report: its HTML and the tables it shows (saved as CSV)."""

    title: str
    html: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: list[figures.Figure] = field(default_factory=list)


def table_html(name: str, table: pd.DataFrame, caption: str = "") -> str:
    """A complete, scrollable HTML table with its caption and the CSV it is saved as.

    Nothing is cut silently: beyond :data:`HTML_ROWS` rows the page says how many it shows.
    """
    shown = table if len(table) <= HTML_ROWS else table.head(HTML_ROWS)
    note = (
        ""
        if len(table) <= HTML_ROWS
        else (f" The first {HTML_ROWS} of {len(table)} rows are shown; the CSV has them all.")
    )
    return (
        f"<p class='caption'>{html.escape(caption)}{note} "
        f"(<a href='tables/{name}.csv'>tables/{name}.csv</a>, {len(table)} rows)</p>"
        f"<div class='scroll'>{shown.to_html(index=False, float_format='%.3g', border=0, na_rep='–')}</div>"
    )


def figure_html(figure: figures.Figure) -> str:
    """A figure embedded in the page (the PNG as a data URI), with its caption."""
    data = base64.b64encode(figure.png.read_bytes()).decode()
    return (
        f"<figure id='{figure.name}'><img alt='{html.escape(figure.caption)}' "
        f"src='data:image/png;base64,{data}'><figcaption>{html.escape(figure.caption)} "
        f"(figures/{figure.name}.png, .svg)</figcaption></figure>"
    )


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def survival_section(
    runs: pd.DataFrame,
    factors: list[str],
    group: str,
    baseline: Any,
    horizon: int,
    figure_dir: Path,
    strata: list[str] | None = None,
    modifiers: list[str] | None = None,
) -> Section:
    """Adjusted hazard ratios, causes of ending with their cumulative incidence, and RMST.

    Alliances that never formed are kept apart: the Cox model and the RMST are about the
    alliances that formed; the causes table and the cumulative incidence count never_formed
    as a competing cause; the cause-specific hazards model each cause with the others
    censored.
    """
    section = Section("Survival: adjusted hazards, causes of ending, restricted mean", "")
    parts = []
    formed = formed_only(runs)
    never = len(runs) - len(formed)
    parts.append(
        _p(
            f"How never-formed alliances are treated: {never} of {len(runs)} runs never reached a first "
            "agreement. They are left out of every survival statistic (the Kaplan-Meier table and figure, "
            "the log-rank tests, the hazard by year, the headline's share that ended, the Cox model and "
            "the restricted mean survival time), which describe alliances that formed (their duration "
            "counts from month 0, founding included); the share founded is reported beside them per "
            f"{group} (column founded of the survival table, and the headline). In the causes table, the "
            "cumulative incidence and the cause-specific hazards, which count every run, never forming "
            "is a cause of ending of its own, competing with the others (Aalen-Johansen)."
        )
    )
    references = {group: baseline}
    fit = cox_model(formed, factors, group, references, strata)
    if fit is None:
        parts.append(_p("No Cox model: no formed alliance ended, or no factor varies."))
    else:
        section.tables["hazard_ratios"] = fit.hazard_ratios
        section.tables["proportional_hazards"] = fit.ph_test
        stratified = f" stratified on {', '.join(fit.strata)}" if fit.strata else ""
        parts.append(
            "<h3>Adjusted hazard ratios</h3>"
            + _p(
                f"Cox proportional-hazards model of the ending of a formed alliance ({fit.runs} runs, "
                f"{fit.events} endings){stratified}, with every design factor as a covariate: a hazard "
                "ratio below 1 means that at any month an alliance at that level ends less often than at "
                "the reference level, the other factors held equal. Categorical factors are compared with "
                "the named reference level; a numeric factor's ratio compares its highest value with its "
                "lowest. A factor that acts only under another's setting (manager_position with a lead "
                "partner's manager, interventions with a manager) is empty elsewhere and coded within the "
                "runs where it acts (nested), so the manager's own ratio is that of a manager at the "
                "reference levels of those factors. " + fit.note
            )
        )
        parts.append(
            table_html(
                "hazard_ratios",
                fit.hazard_ratios,
                "Hazard ratios with 95% confidence intervals (statsmodels PHReg, Efron ties).",
            )
        )
        figure = figures.hazard_ratio_forest(
            fit.hazard_ratios, "Adjusted hazard ratios", figure_dir, "hazard_ratios"
        )
        section.figures.append(figure)
        parts.append(figure_html(figure))
        parts.append(
            table_html(
                "proportional_hazards",
                fit.ph_test,
                "Proportional-hazards check: correlation of each term's Schoenfeld "
                "residuals with the rank of the event time, and its p-value.",
            )
        )
    causes = cause_table(runs, group)
    section.tables["causes"] = causes
    parts.append(
        "<h3>Causes of ending</h3>"
        + table_html(
            "causes",
            causes,
            f"How the runs ended, by {group}: still running at the horizon (censored), "
            "never formed, fell below quorum after exits, or an essential partner left.",
        )
    )
    incidence = incidence_table(runs, group, horizon)
    section.tables["cumulative_incidence"] = incidence
    parts.append(
        table_html(
            "cumulative_incidence",
            incidence,
            "Cumulative incidence of each cause (Aalen-Johansen, statsmodels "
            "CumIncidenceRight), with the 95% interval at the horizon.",
        )
    )
    figure = figures.cumulative_incidence_curves(
        incidence_curves(runs, group, horizon), group, horizon, figure_dir
    )
    section.figures.append(figure)
    parts.append(figure_html(figure))
    specific = cause_specific_hazards(runs, factors, group, references, strata)
    if len(specific):
        section.tables["cause_specific_hazards"] = specific
        parts.append(
            table_html(
                "cause_specific_hazards",
                specific,
                f"Cause-specific hazard ratios of {group}: for each cause, a Cox model "
                "with that cause as the event and the others censored at their time, "
                "adjusted for the other factors (all runs).",
            )
        )
    for modifier in modifiers or []:
        parts.append(
            _modification_html(section, formed, factors, group, modifier, references, strata)
        )
    rmst = rmst_table(formed, group, horizon)
    section.tables["rmst"] = rmst
    parts.append(
        "<h3>Restricted mean survival time</h3>"
        + table_html(
            "rmst",
            rmst,
            f"Restricted mean survival time to month {horizon} of the alliances that formed: "
            "the area under the Kaplan-Meier curve, i.e. the months an alliance lasts on average within "
            "the horizon, with a 95% bootstrap interval. It needs no proportional hazards, and unlike "
            "the median it has a value even when more than half the alliances survive the horizon.",
        )
    )
    section.html = "".join(parts)
    return section


def _modification_html(
    section: Section,
    formed: pd.DataFrame,
    factors: list[str],
    group: str,
    modifier: str,
    references: dict[str, Any],
    strata: list[str] | None,
) -> str:
    """The group's hazard ratios within each level of ``modifier``, and whether they differ."""
    table, p_value = effect_modification(formed, factors, group, modifier, references, strata)
    if not len(table):
        return ""
    name = f"hazard_ratios_by_{modifier}"
    section.tables[name] = table
    if np.isnan(p_value):
        verdict = "The interaction could not be tested."
    elif p_value < 0.05:
        verdict = (
            f"The effect of {group} on the hazard differs between levels of {modifier} "
            f"(likelihood-ratio test of the {group} x {modifier} interaction, p = {p_value:.2g})."
        )
    else:
        verdict = (
            f"No evidence that the effect of {group} depends on {modifier} (likelihood-ratio "
            f"test of the interaction, p = {p_value:.2g}); the pooled ratio above applies."
        )
    return (
        f"<h3>Does the effect of {html.escape(group)} depend on {html.escape(modifier)}?</h3>"
        + _p(
            f"Hazard ratios of {group} within each level of {modifier} (a Cox model per level, "
            "adjusted for the other factors). " + verdict
        )
        + table_html(name, table, f"Hazard ratios of {group} by {modifier}, with 95% intervals.")
    )


def paired_section(
    runs: pd.DataFrame,
    group: str,
    baseline: Any,
    outcomes: list[str],
    table: pd.DataFrame | None = None,
) -> Section:
    """Policies compared on the same futures: paired differences and signed-rank tests.

    ``table`` is :func:`paired_differences` already computed (the report's headline quotes
    the same rows); it is computed here when not given.
    """
    if table is None:
        table = paired_differences(runs, group, baseline, outcomes)
    section = Section("Paired comparison of policies", "", {"paired_differences": table})
    section.html = _p(
        f"Every policy ran on the same futures with the same seeds (common random numbers), so each "
        f"policy is compared with {baseline} future by future (each future's replications averaged "
        "first): the mean of the paired differences with a 95% bootstrap interval (the interval the "
        "headline quotes), the share of futures where the policy did better (a higher "
        "value of the outcome), and the Wilcoxon signed-rank test of a zero median difference. The "
        "pairs count every run, never-formed included (dropping them would break the pairs), so the "
        "mean paired difference in duration is the difference in restricted mean survival time of all "
        "runs, not of the formed alliances of the RMST table. The "
        "Cox model above is stratified by future, so each future has its own baseline hazard."
    ) + table_html("paired_differences", table, "Paired differences against " + str(baseline) + ".")
    return section


def _short_lived(runs: pd.DataFrame, horizon: int) -> tuple[np.ndarray, str]:
    return (runs["duration"] < horizon / 2).to_numpy(), f"short-lived (< {horizon // 2} months)"


def exploration_section(
    runs: pd.DataFrame, factors: list[str], horizon: int, figure_dir: Path
) -> Section:
    """PRIM boxes and feature scores for short-lived and low-value runs, parallel coordinates."""
    section = Section("Exploratory analysis: PRIM, feature scores, parallel coordinates", "")
    x = runs[factors].reset_index(drop=True)
    value = runs["total_value"].astype(float)
    questions = [
        _short_lived(runs, horizon),
        ((value <= value.quantile(0.25)).to_numpy(), "low value (bottom quarter)"),
    ]
    parts, rows = [], []
    for cases, label in questions:
        share = float(cases.mean())
        threshold = min(0.9, share + (1 - share) / 2)
        box = prim_box(x, cases, threshold=threshold)
        if box is None:
            parts.append(
                _p(
                    f"PRIM, {label} ({share:.0%} of runs): no box reaches a density of "
                    f"{threshold:.0%}; no simple region of the factors concentrates these runs."
                )
            )
        else:
            parts.append(
                _p(
                    f"PRIM, {label} ({share:.0%} of runs): {box.describe()}. Inside this box "
                    f"{box.density:.0%} of the runs are {label} (density), the box holds "
                    f"{box.coverage:.0%} of all such runs (coverage) and {box.mass:.0%} of all "
                    f"runs (mass)."
                )
            )
            rows.append(
                {
                    "cases": label,
                    "share": share,
                    "box": box.describe(),
                    "density": box.density,
                    "coverage": box.coverage,
                    "mass": box.mass,
                }
            )
        scores = (
            feature_scores(x, cases)
            .rename("score")
            .reset_index()
            .rename(columns={"index": "factor"})
        )
        name = "feature_scores_" + label.split()[0].replace("-", "_")
        section.tables[name] = scores
        parts.append(
            table_html(
                name,
                scores,
                f"Feature scores for {label}: each factor's extra-trees "
                "importance (scikit-learn), summing to one.",
            )
        )
    if rows:
        section.tables["prim_boxes"] = pd.DataFrame(rows)
    intro = _p(
        "PRIM (the EMA Workbench's implementation) peels the factor space down to a box where "
        "the runs of interest concentrate and picks, on its peeling trajectory, the box with the "
        "highest coverage whose density is at least halfway between the overall share and 100%. "
        "Feature scores rank every factor, so what the box leaves out is visible too."
    )
    cases, label = questions[0]
    figure = figures.parallel_coordinates(x, cases, label, figure_dir)
    section.figures.append(figure)
    section.html = intro + "".join(parts) + figure_html(figure)
    return section


def convergence_section(
    runs: pd.DataFrame, cells: list[str], horizon: int, figure_dir: Path, by: str = "replication"
) -> Section:
    """Were there enough replications? Precision of the cell means as replications grow."""
    section = Section("Enough replications?", "")
    n = runs[by].nunique()
    if n < 3:
        section.html = _p(
            f"Only {n} {by}(s) per design cell: no convergence check (it needs at least "
            "three). With one replication per point, precision comes from the number of "
            "design points rather than from replications."
        )
        return section
    outcomes = [o for o in CONVERGENCE_OUTCOMES if o in runs]
    data = runs.assign(dissolved=runs["dissolved"].astype(float))
    table = convergence(data, cells, outcomes, by=by)
    section.tables["convergence"] = table
    scale = abs(float(runs["total_value"].astype(float).mean())) if "total_value" in runs else 1.0
    targets = {
        "dissolved": 0.1,
        "duration": horizon / 10,
        "total_value": float(f"{0.1 * scale:.2g}"),
    }
    sentences = [enough_replications(table, o, targets[o]) for o in outcomes]
    figure = figures.convergence_lines(table, figure_dir)
    section.figures.append(figure)
    section.html = (
        _p(
            "The 95% confidence half-width of each design cell's mean, averaged over cells, "
            f"as {by}s are added; the targets are ±0.1 for a share, ±10% of the horizon for "
            "duration and ±10% of the overall mean for value."
        )
        + "".join(f"<p class='headline'>{html.escape(s)}</p>" for s in sentences)
        + table_html("convergence", table, f"Half-width of the cell means by number of {by}s.")
        + figure_html(figure)
    )
    return section
