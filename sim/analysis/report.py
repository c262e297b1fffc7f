"""The report of an experiment: tables, figures and headline findings in plain words.

Everything is computed from the results folder (``runs.parquet``, ``design.parquet``,
``manifest.json`` and, when present, ``timeseries.parquet``), so
``run_experiment.py report RESULTS_DIR`` rebuilds it without running a model.
The HTML embeds its figures and links nothing outside itself.
"""

from __future__ import annotations

import base64
import html
import json
import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import aggregates, figures, sections
from sim.analysis.discovery import discover
from sim.analysis.policy import is_paired, policy_opening
from sim.analysis.robustness import robustness_table
from sim.analysis.sections import Section
from sim.analysis.sensitivity import morris_effects, sobol_indices, switch_effects
from sim.analysis.statistics import (
    conditional_effects,
    difference_interval,
    effects_against,
    paired_differences,
    resamples_kept,
    summary_table,
)
from sim.analysis.survival import (
    formed_only,
    hazard_by_year,
    logrank_tests,
    median_label,
    survival_table,
)
from sim.model.outcomes import OUTCOMES
from sim.sweeps.worker import prepare_worker

#: The outcomes of the summary and effects tables: the registry's headline outcomes
#: (those with a number to average; ``bool`` counts as a share).
HEADLINE_OUTCOMES = [
    name for name, o in OUTCOMES.items() if o.headline and o.kind in (float, int, bool)
]
SENSITIVITY_OUTCOMES = ["duration", "total_value"]
assert set(SENSITIVITY_OUTCOMES) <= OUTCOMES.keys(), (
    "sensitivity outcomes must be registry outcomes"
)


def summary_outcomes(runs: pd.DataFrame) -> list[str]:
    """The headline outcomes present in a runs table (older results may lack newer outcomes)."""
    return [name for name in HEADLINE_OUTCOMES if name in runs]


def meaning(outcome: str) -> str:
    """An outcome's meaning in plain words from the registry; empty for a name it does not know."""
    entry = OUTCOMES.get(outcome)
    return entry.meaning if entry is not None else ""


def _named(outcome: str) -> str:
    """``outcome (its meaning)``, or the bare name for an outcome the registry does not know."""
    return f"{outcome} ({meaning(outcome)})" if meaning(outcome) else outcome


@dataclass
class Report:
    """What a report contains, before it is written as HTML."""

    title: str
    setup: list[tuple[str, str]]
    headline: list[str]
    sections: list[tuple[str, str]] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: list[figures.Figure] = field(default_factory=list)
    captions: dict[str, str] = field(default_factory=dict)
    #: The researcher's sections (adjusted survival, exploration, ...), with tables inline.
    parts: list[Section] = field(default_factory=list)
    #: HTML that opens the report before the headline findings (a paired experiment's policy summary).
    opening: str = ""


def load_results(
    folder: Path,
) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame | None, pd.DataFrame | None]:
    """The runs, manifest, design and (optional) per-month series of a results folder."""
    runs_file = folder / "runs.parquet"
    manifest_file = folder / "manifest.json"
    if not runs_file.exists() or not manifest_file.exists():
        raise FileNotFoundError(
            f"{folder} has no runs.parquet and manifest.json (is it a results folder?)"
        )
    runs = pd.read_parquet(runs_file)
    manifest = json.loads(manifest_file.read_text())
    design = (
        pd.read_parquet(folder / "design.parquet") if (folder / "design.parquet").exists() else None
    )
    series = (
        pd.read_parquet(folder / "timeseries.parquet")
        if (folder / "timeseries.parquet").exists()
        else None
    )
    return runs, manifest, design, series


def horizon_of(runs: pd.DataFrame) -> int:
    censored = runs.loc[~runs["dissolved"].astype(bool), "duration"]
    return int(censored.max() if len(censored) else runs["duration"].max())


def main_group(runs: pd.DataFrame, experiment: dict[str, Any]) -> str:
    """The factor to compare groups by: the one named in [analysis], the policy in a paired
    design, the manager mode, or the first."""
    chosen = (experiment.get("analysis") or {}).get("group")
    factors = [f["name"] for f in experiment["factors"]]
    if chosen:
        return chosen
    if paired(runs, experiment):
        return "policy"
    if "manager" in factors:
        return "manager"
    discrete = [f["name"] for f in experiment["factors"] if f["levels"]]
    if discrete:
        return discrete[0]
    return "scenario"


def baseline_of(runs: pd.DataFrame, group: str, experiment: dict[str, Any] | None = None) -> Any:
    """The reference level: ``none`` when there is one, the first policy named, else the first level."""
    levels = sorted(runs[group].unique(), key=str)
    if "none" in levels:
        return "none"
    if group == "policy" and experiment and experiment.get("policies"):
        return experiment["policies"][0]["name"]
    return levels[0]


def paired(runs: pd.DataFrame, experiment: dict[str, Any]) -> bool:
    """Whether the runs come from a policies-by-futures design (policies on shared futures)."""
    return bool(experiment.get("policies")) and {"policy", "future"} <= set(runs.columns)


def design_factors(runs: pd.DataFrame, experiment: dict[str, Any]) -> list[str]:
    """The columns that describe a run's design: the policy and the uncertainties in a
    paired design, the factors otherwise (only those that vary)."""
    names = [f["name"] for f in experiment["factors"]]
    if paired(runs, experiment):
        names = ["policy", *names]
    return [n for n in names if n in runs and runs[n].nunique(dropna=False) > 1]


def heatmap_pairs(
    runs: pd.DataFrame, experiment: dict[str, Any], group: str
) -> list[tuple[str, str]]:
    """The factor pairs to draw heatmaps for: ``[analysis] heatmaps`` (a list of pairs) when
    given, else the main group against the first other discrete factor."""
    named = (experiment.get("analysis") or {}).get("heatmaps")
    if named:
        return [(a, b) for a, b in named if a in runs and b in runs]
    discrete = [f["name"] for f in experiment["factors"] if f["levels"] and f["name"] != group]
    return [(group, discrete[0])] if discrete else []


def _binned(runs: pd.DataFrame, factor: str, bins: int = 4) -> pd.Series:
    """A factor as heatmap rows or columns: numbers with many values in quartile ranges."""
    values = runs[factor]
    if pd.api.types.is_numeric_dtype(values) and values.nunique() > 6:
        return pd.qcut(values.astype(float), bins, duplicates="drop").astype(str)
    return values.astype(str).where(values.notna(), "n/a")


#: The report's two longest sections, the survival models and the exploratory analysis
#: (together about 60% of the work), each run in a forked process of their own while this
#: one computes the headline, the tables and the other figures (see :func:`_section_workers`);
#: the scenario discovery follows in whichever is free first.
SECTION_PROCESSES = 2


class _Later:
    """Runs a call when its result is first asked for: without other processes the sections
    are made here, in the report's own order."""

    def submit(self, make: Callable[..., Any], *args: Any, **kwargs: Any) -> _Deferred:
        return _Deferred(lambda: make(*args, **kwargs))


class _Deferred:
    def __init__(self, call: Callable[[], Any]) -> None:
        self._call = call

    def result(self) -> Any:
        return self._call()


def _can_fork() -> bool:
    """Whether the sections may run in forked processes: on Linux (elsewhere forking after
    some libraries have loaded is unsafe, and Python does not fork by default), in a process
    that runs no other Python thread (forking one that does can deadlock) and is not itself
    a daemonic worker (which may not have children)."""
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def _start_section_process() -> None:
    """A section process dies of a plain SIGTERM (it must not inherit the report's own handler,
    which turns a stop signal into an exception to clean up after), leaves Ctrl-C to the
    report's process, and dies with that process if it dies first (as the sweep's workers do,
    see :func:`sim.sweeps.worker.prepare_worker`)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    prepare_worker()


@contextmanager
def _section_workers(parallel: bool) -> Iterator[Any]:
    """Forked processes to make sections in (``submit`` gives a future; forked, they start
    with every module this process has loaded, and their sections come back pickled), or,
    when ``parallel`` is off or forking is not safe, the same calls made here when their
    result is asked for. Either way a section has the same tables and figures: each is a
    function of the runs alone and writes files of its own. If the report stops early (an
    error, Ctrl-C, a stop signal), the sections still running are stopped at once."""
    if not (parallel and SECTION_PROCESSES > 1 and _can_fork()):
        yield _Later()
        return
    pool = ProcessPoolExecutor(
        SECTION_PROCESSES,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_section_process,
    )
    try:
        yield pool
    except BaseException:
        # the executor keeps its processes in a private table (emptied by shutdown); without
        # it, the processes finish their section and exit with the executor
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()
        raise
    else:
        pool.shutdown(wait=True)


def build(folder: Path, parallel: bool = True) -> Report:
    """Compute every table and figure of the report for a results folder.

    With ``parallel`` (and where forking is safe, see :func:`_section_workers`) the survival
    and exploration sections run in processes of their own; the report is the same.
    """
    with _section_workers(parallel) as workers:
        return _build(folder, workers)


def _build(folder: Path, workers: Any) -> Report:
    runs, manifest, design, series = load_results(folder)
    experiment = manifest["experiment"]
    failed = int((runs["status"] != "ok").sum())
    runs = runs[runs["status"] == "ok"].copy()
    runs["dissolved"] = runs["dissolved"].astype(bool)
    horizon = horizon_of(runs)
    group = main_group(runs, experiment)
    runs[group] = runs[group].astype(str) if runs[group].dtype == object else runs[group]
    baseline = baseline_of(runs, group, experiment)
    figure_dir = folder / "figures"
    factor_names = [f["name"] for f in experiment["factors"]]
    is_paired_design = paired(runs, experiment)
    varied = design_factors(runs, experiment)

    report = Report(
        title=f"Experiment {experiment['name']}",
        setup=_setup(manifest, len(runs), failed),
        headline=[],
    )
    # the two longest sections and the scenario discovery start now (in other processes
    # when they help) and are collected below, where the report shows them
    survival_part = (
        workers.submit(
            sections.survival_section,
            runs,
            varied if not is_paired_design else [group],
            group,
            baseline,
            horizon,
            figure_dir,
            strata=["future"] if is_paired_design else None,
            modifiers=[
                m
                for m in (experiment.get("analysis") or {}).get("modifiers", [])
                if m in varied and m != group
            ],
        )
        if "end_cause" in runs and group in varied
        else None
    )
    exploration_part = (
        workers.submit(sections.exploration_section, runs, varied, horizon, figure_dir)
        if varied
        else None
    )
    discovery_part = (
        workers.submit(_scenario_discovery, runs, factor_names, horizon) if factor_names else None
    )
    if is_paired(manifest):  # named designs on shared futures: the policy summary opens the report
        report.opening = policy_opening(folder, runs, manifest)
    surv = survival_table(runs, group, horizon)
    ranks = logrank_tests(runs, group)
    hazard = hazard_by_year(runs, group, horizon)
    headline_outcomes = summary_outcomes(runs)
    summary = summary_table(runs, group, headline_outcomes)
    report.tables.update(
        {"survival": surv, "logrank": ranks, "hazard_by_year": hazard, "summary": summary}
    )
    if is_paired_design:  # every interval of a difference between policies is the paired one
        differences = paired_differences(runs, group, baseline, headline_outcomes)
        report.headline = _headline(runs, group, baseline, horizon, surv, paired=differences)
    else:
        differences = effects_against(runs, group, baseline, headline_outcomes)
        report.tables["effects"] = differences
        report.headline = _headline(runs, group, baseline, horizon, surv, effects=differences)
    report.figures += [  # each drawn from a table aggregated over the runs
        figures.survival_curves(
            aggregates.survival_curves(runs, group, horizon), group, horizon, figure_dir
        ),
        figures.hazard_lines(hazard, group, figure_dir),
        figures.value_distribution(
            aggregates.box_statistics(runs, group, "total_value"),
            aggregates.histogram(runs, group, "total_value"),
            group,
            figure_dir,
        ),
        figures.duration_value(
            aggregates.value_by_duration(runs, group, horizon), group, horizon, figure_dir
        ),
    ]

    if is_paired_design:  # the designs compared are the policies, each over all futures
        report.tables["value_duration"] = _value_and_duration(runs, [group])
        report.captions["value_duration"] = (
            "Value-duration trade-off per policy, over all its futures: share running to the horizon "
            "and mean value; gives_both marks policies no other policy beats on both."
        )
    else:
        report.tables["value_duration"] = _value_and_duration(
            runs, [f for f in factor_names if f != "scenario"] or [group]
        )
    for rows, columns in heatmap_pairs(runs, experiment, group):
        binned = runs.assign(**{rows: _binned(runs, rows), columns: _binned(runs, columns)})
        cells = aggregates.cell_means(binned, rows, columns)
        report.figures.append(figures.heatmaps(cells, rows, columns, figure_dir))

    if survival_part is not None:
        report.parts.append(survival_part.result())
    if is_paired_design:
        report.parts.append(
            sections.paired_section(runs, group, baseline, headline_outcomes, differences)
        )
    if exploration_part is not None:
        report.parts.append(exploration_part.result())
    if is_paired_design:
        report.parts.append(
            sections.convergence_section(runs, [group], horizon, figure_dir, by="future")
        )
    else:
        report.parts.append(sections.convergence_section(runs, varied, horizon, figure_dir))

    if experiment["design"] in ("sobol", "morris") and design is not None:
        problem = manifest["design"]["problem"]
        for outcome in SENSITIVITY_OUTCOMES:
            if experiment["design"] == "sobol":
                indices = sobol_indices(problem, runs, outcome)
            else:
                indices = morris_effects(problem, design, runs, outcome, experiment["levels"])
            report.tables[f"sensitivity_{outcome}"] = indices
            report.captions[f"sensitivity_{outcome}"] = (
                f"{'Sobol indices' if experiment['design'] == 'sobol' else 'Morris elementary effects'} "
                f"of each factor for {_named(outcome)}."
            )
            figure = figures.sensitivity_bars(indices, experiment["design"], figure_dir)
            report.figures.append(
                replace(figure, caption=f"{figure.caption} {outcome}: {meaning(outcome)}.")
            )
            if experiment["design"] == "sobol" and "manager" in problem["names"]:
                report.tables[f"manager_switch_{outcome}"] = _switch_summary(
                    switch_effects(problem, design, runs, "manager", outcome), problem
                )
                report.captions[f"manager_switch_{outcome}"] = (
                    f"Does the manager's effect on {_named(outcome)} keep its sign? In each Saltelli "
                    "block the runner holds the seed and every other factor fixed while the manager "
                    "mode switches; the table gives how often the switch raised or lowered the "
                    "outcome, and the ten factors whose mean value differs most (relative to its "
                    "overall mean) between blocks where the effect was negative and where it "
                    "was positive."
                )

    if discovery_part is not None:
        report.sections.append(("Scenario discovery", discovery_part.result()))

    ranges = [f["name"] for f in experiment["factors"] if not f["levels"]]
    if ranges and runs[group].nunique() > 1:
        report.tables["conditional_effects"] = pd.concat(
            [
                conditional_effects(
                    runs,
                    group,
                    baseline,
                    ranges,
                    outcome,
                    paired_on="future" if is_paired_design else None,
                )
                for outcome in ("dissolved", "total_value")
            ],
            ignore_index=True,
        )

    analysis = experiment.get("analysis") or {}
    if analysis.get("levers"):
        outcome = analysis.get("outcome", "total_value")
        table = robustness_table(
            runs, list(analysis["levers"]), list(analysis.get("uncertainties", [])), outcome
        )
        report.tables["robustness"] = table
        report.captions["robustness"] = (
            f"Robustness of each design across futures in {_named(outcome)}: "
            "mean, worst decile and maximum regret."
        )
    if series is not None and len(series):
        bands = aggregates.series_bands(series, runs, group)
        report.figures.append(figures.time_series(bands, group, figure_dir))
    return report


def _setup(manifest: dict[str, Any], ok: int, failed: int) -> list[tuple[str, str]]:
    e = manifest["experiment"]
    factors = "; ".join(
        f["name"]
        + " = "
        + (", ".join(map(str, f["levels"])) if f["levels"] else f"{f['low']:g} to {f['high']:g}")
        for f in e["factors"]
    )
    versions = ", ".join(f"{k} {v}" for k, v in manifest["packages"].items() if v)
    return [
        ("description", e.get("description") or "-"),
        ("scenarios", ", ".join(e["scenarios"])),
        ("design", f"{e['design']} ({manifest['design']['points']} design points)"),
        ("factors", factors or "none"),
        ("fixed knobs", ", ".join(f"{k} = {v}" for k, v in e["knobs"].items()) or "none"),
        ("replications", str(e["replications"])),
        ("runs", f"{ok} completed" + (f", {failed} failed" if failed else "")),
        ("root seed", str(manifest["root_seed"])),
        ("fingerprint", manifest["fingerprint"][:16]),
        (
            "code",
            f"git {(manifest['git'].get('commit') or 'unknown')[:12]}"
            + (" (uncommitted changes)" if manifest["git"].get("dirty") else ""),
        ),
        ("versions", f"Python {manifest['python']}; {versions}"),
        ("run", f"{manifest['started']} to {manifest.get('finished') or '?'}"),
    ]


def _percent_points(d: float, low: float, high: float) -> str:
    return f"{100 * d:+.0f} percentage points, 95% CI {100 * low:+.0f} to {100 * high:+.0f}"


def _headline(
    runs: pd.DataFrame,
    group: str,
    baseline: Any,
    horizon: int,
    surv: pd.DataFrame,
    paired: pd.DataFrame | None = None,
    effects: pd.DataFrame | None = None,
) -> list[str]:
    """Plain sentences: how many alliances formed, how many of those ended before the horizon,
    and each group's difference from the baseline with its 95% interval.

    The survival numbers describe the alliances that formed, as the survival table does;
    the share founded is given beside them. Without pairing, the differences are bootstrap
    intervals between independent runs (the share ended among formed alliances, value among
    all runs). In a paired design they are the rows of ``paired`` (from
    :func:`~sim.analysis.statistics.paired_differences`, the numbers of
    ``paired_differences.csv``): future by future, over every run, so the share that ended
    before the horizon counts never-formed runs too, which keeps every future's pair intact.
    Without pairing, the difference in value is the ``total_value`` row of ``effects`` (from
    :func:`~sim.analysis.statistics.effects_against`, the same interval) when it is given.
    """
    row = surv.set_index(group)
    base = row.loc[baseline]
    base_runs = runs[runs[group] == baseline]
    lines = [
        f"Compared with {group} = {baseline}: of {int(base['runs'])} runs there, "
        f"{base['founded']:.0%} formed an alliance, and {base['ended']:.0%} of those ended before "
        f"the {horizon}-month horizon (median lifetime {median_label(base['median_months'], horizon)} "
        "months)."
    ]
    base_formed = formed_only(base_runs)
    for level, part in runs.groupby(group, sort=True):
        if level == baseline:
            continue
        this = row.loc[level]
        opening = (
            f"With {group} = {level}, {this['founded']:.0%} formed and {this['ended']:.0%} of "
            f"the formed alliances ended before the horizon, against {base['ended']:.0%}"
        )
        if paired is not None:
            rows = paired[paired[group] == level].set_index("outcome")
            d, d_lo, d_hi = rows.loc["dissolved", ["mean_difference", "low", "high"]]
            v, v_lo, v_hi = rows.loc["total_value", ["mean_difference", "low", "high"]]
            futures = int(rows.loc["dissolved", "pairs"])
            lines.append(
                opening + f". Future by future ({futures} paired futures, all runs, never-formed "
                f"included): the share that ended before the horizon differs by {100 * d:+.0f} percentage points "
                f"(95% CI {100 * d_lo:+.0f} to {100 * d_hi:+.0f}), "
                f"and value by {v:+.0f} units per run (95% CI {v_lo:+.0f} to {v_hi:+.0f}; baseline mean "
                f"{base_runs['total_value'].astype(float).mean():.0f})."
                + (
                    " The difference in ending before the horizon is not statistically clear."
                    if d_lo <= 0 <= d_hi
                    else ""
                )
            )
            continue
        formed = formed_only(part)
        d, d_lo, d_hi = difference_interval(
            formed["dissolved"].astype(float).to_numpy(),
            base_formed["dissolved"].astype(float).to_numpy(),
        )
        value = (
            effects[(effects[group] == level) & (effects["outcome"] == "total_value")]
            if effects is not None
            else pd.DataFrame()
        )
        if len(value):
            v, v_lo, v_hi = value.iloc[0][["difference", "low", "high"]].astype(float)
        else:
            v, v_lo, v_hi = difference_interval(
                part["total_value"].astype(float).to_numpy(),
                base_runs["total_value"].astype(float).to_numpy(),
            )
        lines.append(
            opening
            + f" (difference {_percent_points(d, d_lo, d_hi)}), and each run created {v:+.0f} "
            f"units of value on average against the baseline (95% CI {v_lo:+.0f} to {v_hi:+.0f}; "
            f"baseline mean {base_runs['total_value'].astype(float).mean():.0f})."
            + (
                " The difference in ending before the horizon is not statistically clear."
                if d_lo <= 0 <= d_hi
                else ""
            )
        )
    return lines


def _value_and_duration(runs: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    """Per design point: share surviving and mean value, and whether it is on the Pareto front."""
    table = (
        runs.assign(
            survived=~runs["dissolved"].astype(bool), value=runs["total_value"].astype(float)
        )
        .groupby(factors, dropna=False)[["survived", "value"]]
        .mean()
        .reset_index()
    )
    s, v = table["survived"].to_numpy(), table["value"].to_numpy()
    dominated = [
        bool(((s >= s[i]) & (v >= v[i]) & ((s > s[i]) | (v > v[i]))).any())
        for i in range(len(table))
    ]
    table["gives_both"] = ~np.array(dominated)
    return table.sort_values(["gives_both", "value"], ascending=False).reset_index(drop=True)


def _switch_summary(effects: pd.DataFrame, problem: dict) -> pd.DataFrame:
    """Sign counts of paired switch effects, and where in factor space the sign flips."""
    if effects.empty:
        return pd.DataFrame()
    on = effects["manager_to"] != "none"
    signed = np.where(on, effects["effect"], -effects["effect"])  # effect of having the manager
    rows = [
        {
            "factor": "(effect of a manager)",
            "negative": float((signed < 0).mean()),
            "positive": float((signed > 0).mean()),
            "mean": float(signed.mean()),
        }
    ]
    for name in problem["names"]:
        if name == "manager" or not pd.api.types.is_numeric_dtype(effects[name]):
            continue
        values = effects[name].astype(float)
        rows.append(
            {
                "factor": name,
                "negative": float(values[signed < 0].mean()),
                "positive": float(values[signed > 0].mean()),
                "mean": float(values.mean()),
            }
        )
    table = pd.DataFrame(rows)
    gap = (table["positive"] - table["negative"]).abs() / table["mean"].abs().clip(lower=1e-12)
    return pd.concat(
        [
            table.iloc[:1],
            table.iloc[1:]
            .assign(_gap=gap[1:])
            .sort_values("_gap", ascending=False)
            .drop(columns="_gap")
            .head(10),
        ]
    )


def _scenario_discovery(runs: pd.DataFrame, factor_names: list[str], horizon: int) -> str:
    """The scenario discovery section's HTML: decision-tree rules for short-lived and for
    low-value runs."""
    short = runs["duration"] < horizon / 2
    low = runs["total_value"].astype(float) <= runs["total_value"].astype(float).quantile(0.25)
    return _discovery_html(
        [
            discover(runs, factor_names, short, f"short-lived (< {horizon // 2} months)"),
            discover(runs, factor_names, low, "low value (bottom quarter)"),
        ]
    )


def _discovery_html(results: list[dict]) -> str:
    parts = []
    for r in results:
        importance = r["importance"].head(6)
        quality = (
            ""
            if "accuracy" not in r
            else f"<p>The tree classifies {r['accuracy']:.0%} of runs right (accuracy); its leaves "
            f"labelled {html.escape(r['label'])} hold {r['coverage']:.0%} of such runs "
            f"(coverage), and {r['density']:.0%} of the runs in them are such runs (density).</p>"
        )
        parts.append(
            f"<h3>{html.escape(r['label'])}: {r['share']:.0%} of runs</h3>{quality}"
            f"<pre>{html.escape(r['rules'])}</pre>"
            + (
                importance.to_html(index=False, float_format="%.2f", border=0)
                if len(importance)
                else ""
            )
        )
    return "".join(parts)


def _glossary(table: pd.DataFrame) -> str:
    """The meaning of each outcome a table names in its ``outcome`` column, from the registry."""
    if "outcome" not in table:
        return ""
    named = [o for o in dict.fromkeys(table["outcome"].astype(str)) if meaning(o)]
    if not named:
        return ""
    return (
        "<dl class='glossary'>"
        + "".join(f"<dt>{html.escape(o)}</dt><dd>{html.escape(meaning(o))}</dd>" for o in named)
        + "</dl>"
    )


def _img(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def write(report: Report, folder: Path) -> Path:
    """Save the tables as CSV and the report as self-contained HTML; return its path."""
    tables = folder / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    for name, table in report.tables.items():
        table.to_csv(tables / f"{name}.csv", index=False)
    for part in report.parts:
        for name, table in part.tables.items():
            table.to_csv(tables / f"{name}.csv", index=False)
    body = [f"<h1>{html.escape(report.title)}</h1>", report.opening, "<h2>Headline findings</h2>"]
    body += [f"<p class='headline'>{html.escape(line)}</p>" for line in report.headline]
    body.append(
        "<h2>What was run</h2><table class='setup'>"
        + "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in report.setup
        )
        + "</table>"
    )
    captions = {
        "survival": "Survival by group: all runs and the share founded (formed an alliance); then, of the "
        "alliances that formed only, the share that ended before the horizon, Kaplan-Meier "
        "survival at the horizon with 95% band, and the median lifetime.",
        "logrank": "Log-rank tests between every pair of groups, on the alliances that formed.",
        "hazard_by_year": "Hazard of ending by year, of the alliances that formed: of those running at "
        "the start of a year, the share that ended during it.",
        "summary": "Means with 95% bootstrap confidence intervals.",
        "effects": "Effects against the baseline group: difference of means with 95% bootstrap interval and Hedges' g.",
        "value_duration": "Value-duration trade-off per design point; gives_both marks designs no other design beats on both.",
        "robustness": "Robustness of each design across futures: mean, worst decile and maximum regret.",
        "conditional_effects": "Effect of each group against the baseline within the low and high half of each range factor.",
    }
    for part in report.parts:
        body.append(f"<h2>{html.escape(part.title)}</h2>{part.html}")
    body.append("<h2>Tables</h2>")
    for name, table in report.tables.items():
        caption = report.captions.get(name) or captions.get(
            name, name.replace("_", " ").capitalize() + "."
        )
        body.append(
            f"<h3>{html.escape(name)}</h3>"
            + sections.table_html(name, table, caption)
            + _glossary(table)
        )
    for title, content in report.sections:
        body.append(f"<h2>{html.escape(title)}</h2>{content}")
    body.append("<h2>Figures</h2>")
    for fig in report.figures:
        body.append(
            f"<figure id='{fig.name}'><img alt='{html.escape(fig.caption)}' src='{_img(fig.png)}'>"
            f"<figcaption>{html.escape(fig.caption)} (figures/{fig.name}.png, .svg)</figcaption></figure>"
        )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(report.title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def make_report(folder: Path, parallel: bool = True) -> Path:
    """Build and write the report of a results folder (``parallel``: see :func:`build`)."""
    with resamples_kept():  # intervals of samples of one size share their resamples
        return write(build(folder, parallel), folder)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; }
th, td { padding: 0.2em 0.6em; border-bottom: 1px solid #ddd; text-align: left; }
.headline { font-size: 1.05em; background: #f4f7fb; padding: 0.6em; border-left: 4px solid #3a6ea5; }
figure img { max-width: 100%; } figcaption, .caption { color: #555; font-size: 0.9em; }
pre { background: #f6f6f6; padding: 0.6em; font-size: 0.8em; }
div.scroll { max-height: 28em; overflow: auto; margin-bottom: 1.5em; } div.scroll table { margin: 0; }
div.scroll th { position: sticky; top: 0; background: #fff; }
dl.glossary { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; color: #555;
              font-size: 0.85em; margin: -1em 0 1.5em; } dl.glossary dd { margin: 0; }
"""
