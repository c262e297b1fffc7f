"""A methods paragraph for a paper, written from a results folder's ``manifest.json``.

Everything it says comes from the manifest (what was run, with which code, seeds and
versions), the design's points (``design.parquet``) and what the report computes for that design, so the paragraph matches the
results it describes. ``run_experiment.py methods DIR`` prints it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sim.config.relevance import CONDITIONS, reason

#: How a design samples its points, in words.
_DESIGNS = {
    "factorial": "a full factorial design",
    "lhs": "a Latin hypercube sample",
    "sobol": "a Saltelli (Sobol) sample",
    "morris": "Morris elementary-effects trajectories",
}


def _level(level: Any) -> str:
    """A level in words: a portfolio of interventions as ``mediate+build_trust``."""
    return "+".join(map(str, level)) if isinstance(level, list) else str(level)


def _factor(factor: dict[str, Any]) -> str:
    if factor.get("levels"):
        return f"{factor['name']} ({', '.join(map(_level, factor['levels']))})"
    return f"{factor['name']} ({factor['low']:g} to {factor['high']:g})"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _design(manifest: dict[str, Any], design_table: pd.DataFrame | None = None) -> str:
    e = manifest["experiment"]
    points = manifest.get("design", {}).get("points")
    design = _DESIGNS.get(e["design"], f"a {e['design']} design")
    factors = _join([_factor(f) for f in e["factors"]])
    scenarios = _join(list(e["scenarios"]))
    replications = e["replications"]
    runs = manifest.get("counts", {}).get("planned")
    if e.get("policies"):
        names = _join([f"“{p['name']}”" for p in e["policies"]])
        return (
            f"We compared {len(e['policies'])} policies ({names}) in the {scenarios} scenario, each "
            f"run on the same {e['samples']} futures drawn as {design} over {factors}, with "
            f"{replications} replication{'s' if replications != 1 else ''} per future"
            + (f" ({runs} runs)" if runs else "")
            + ". Future k had the same uncertainty values and "
            "the same seed for every policy (common random numbers), so the comparisons are paired."
        )
    sized = f" of {points} design points" if points else ""
    pruned = _pruned(manifest, design_table)
    if pruned:
        design = design.replace("a full factorial design", "a factorial design")
    return (
        f"We ran the {scenarios} scenario{'s' if len(e['scenarios']) > 1 else ''} on {design}{sized} "
        f"over {factors or 'no varied factors'}, with {replications} replications per point"
        + (f" ({runs} runs)" if runs else "")
        + "."
        + (" " + pruned if pruned else "")
    )


def _pruned(manifest: dict[str, Any], design_table: pd.DataFrame | None) -> str:
    """A sentence on the cells of a factorial design left out because a factor cannot act
    there (:mod:`sim.config.relevance`), or empty when the design is the full crossing.

    The full crossing is the product of the factors' levels (times the scenarios when the
    scenario is not a factor); the design's points come from ``design.parquet`` (or the
    manifest). The factors named are those empty in some of the design's rows.
    """
    e = manifest["experiment"]
    if e["design"] != "factorial" or e.get("policies"):
        return ""
    full = math.prod(len(f["levels"]) for f in e["factors"] if f.get("levels"))
    if "scenario" not in {f["name"] for f in e["factors"]}:
        full *= max(len(e["scenarios"]), 1)
    points = (
        len(design_table) if design_table is not None else manifest.get("design", {}).get("points")
    )
    if not points or points >= full:
        return ""
    names = [f["name"] for f in e["factors"] if f["name"] in CONDITIONS]
    if design_table is not None:
        names = [n for n in names if n in design_table and design_table[n].isna().any()]
    rules = _join([f"{n} ({reason(n)})" for n in names])
    return (
        f"Of the full crossing of {full} cells, the {full - points} cells where a factor cannot act "
        "were left out, because they would repeat another cell's runs under the same seeds"
        + (f": {rules}" if rules else "")
        + "; in the remaining points such a factor is empty where "
        "it cannot act."
    )


def _analyses(manifest: dict[str, Any]) -> str:
    e = manifest["experiment"]
    sentences = [
        "Durations were right-censored at the horizon. Alliances that never formed were kept apart: "
        "the survival analyses describe the alliances that formed, with the share founded reported "
        "beside them, and never forming is a cause of ending of its own in the competing-risks "
        "analyses. We estimated Kaplan-Meier survival by group with log-rank tests, adjusted "
        "hazard ratios with a Cox proportional-hazards model (statsmodels PHReg, Efron ties; the "
        "assumption checked with Schoenfeld residuals, and a violating covariate moved to the strata), "
        "cumulative incidence of each cause of ending with the Aalen-Johansen estimator (competing "
        "risks), cause-specific hazard ratios, and restricted mean survival time at the horizon with "
        "bootstrap intervals.",
        "Means and differences are reported with 95% bootstrap intervals (scipy.stats.bootstrap).",
    ]
    if e.get("policies"):
        sentences.append(
            "Policies were compared by paired differences per future (mean with a "
            "bootstrap interval, Wilcoxon signed-rank test) and a Cox model stratified "
            "by future."
        )
    if e["design"] == "sobol":
        sentences.append("Global sensitivity was measured with Sobol indices (SALib).")
    elif e["design"] == "morris":
        sentences.append("Global sensitivity was screened with Morris elementary effects (SALib).")
    sentences.append(
        "Scenario discovery used PRIM (EMA Workbench) and extra-trees feature scores "
        "(scikit-learn), and "
        + (
            "the precision of each policy's mean was tracked as futures were added."
            if e.get("policies")
            else "the precision of the cell means was tracked as replications were added."
        )
    )
    return " ".join(sentences)


def _design_table(folder: Path) -> pd.DataFrame | None:
    """The design's points (``design.parquet``), or None for a folder without one."""
    path = folder / "design.parquet"
    return pd.read_parquet(path) if path.exists() else None


def methods_paragraph(results_dir: str | Path) -> str:
    """A methods paragraph (model version and commit, design, replications, seeds, analyses).

    Raises:
        FileNotFoundError: the folder has no ``manifest.json``.
    """
    manifest_file = Path(results_dir) / "manifest.json"
    if not manifest_file.exists():
        raise FileNotFoundError(f"{results_dir} has no manifest.json (is it a results folder?)")
    manifest = json.loads(manifest_file.read_text())
    e = manifest["experiment"]
    version = (manifest.get("identity") or {}).get("package_version")
    version = version or "(version not recorded in this manifest)"
    git = manifest.get("git") or {}
    commit = (git.get("commit") or "unknown")[:12]
    dirty = " with uncommitted changes" if git.get("dirty") else ""
    packages = manifest.get("packages") or {}
    versions = ", ".join(
        f"{k} {v}"
        for k, v in packages.items()
        if v and k in ("mesa", "numpy", "scipy", "pandas", "SALib")
    )
    horizon = next(
        (
            s.get("knobs", {}).get("horizon")
            for s in (e.get("resolved_scenarios") or {}).values()
            if isinstance(s, dict) and s.get("knobs", {}).get("horizon")
        ),
        None,
    )
    horizon = e.get("knobs", {}).get("horizon", horizon)
    fixed = {k: v for k, v in e.get("knobs", {}).items() if k != "horizon"}
    parts = [
        f"Simulations used alliance-sim {version} (git commit {commit}{dirty}; Python "
        f"{manifest.get('python', '?')}"
        + (f", {versions}" if versions else "")
        + "), an agent-based "
        "model of multi-party alliances described with the ODD protocol.",
        _design(manifest, _design_table(Path(results_dir))),
    ]
    if horizon:
        parts.append(f"Each run lasted at most {horizon} months.")
    if fixed:
        parts.append("Fixed settings: " + ", ".join(f"{k} = {v}" for k, v in fixed.items()) + ".")
    parts.append(
        f"Each run's seed was spawned from the root seed {manifest.get('root_seed', e.get('seed'))} "
        "with numpy's SeedSequence keyed by the run's place in the design "
        + ("(future and replication)" if e.get("policies") else "(design point and replication)")
        + f", so every run can be reproduced; the experiment's fingerprint is "
        f"{manifest.get('fingerprint', '?')[:16]}."
    )
    parts.append(_analyses(manifest))
    return " ".join(parts)
