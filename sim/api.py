"""The notebook API: an experiment from a dict or a file, run, results as a DataFrame, a report.

The command line and this API are the same machinery: :func:`run` is
``run_experiment.py FILE`` (same seeds, same results folder, same manifest), and
:func:`load` reads any results folder, however it was made::

    from sim import Experiment, run
    study = Experiment.from_dict({
        "experiment": {"name": "study", "scenario": "open_innovation", "steps": 60,
                       "replications": 20, "seed": 1},
        "factors": {"manager": ["none", "independent"]},
    })
    results = run(study, out="results/study", force=True)
    results.runs.groupby("manager")["duration"].mean()
    results.report()                       # results/study/report.html

Each of the report's analyses is also a function of the runs table (``sim.analysis``:
``survival`` for Kaplan-Meier, Cox models, cumulative incidence and RMST; ``statistics``;
``exploration`` for PRIM and feature scores; ``policy`` for robustness and regret).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.sweeps.experiment import Experiment


@dataclass
class Results:
    """A results folder: its runs, its provenance, and the way to its report."""

    folder: Path
    runs: pd.DataFrame = field(repr=False)
    manifest: dict[str, Any] = field(repr=False)

    @property
    def ok(self) -> pd.DataFrame:
        """The runs that finished (failed runs carry their error instead of outcomes)."""
        return self.runs[self.runs["status"] == "ok"]

    def report(self) -> Path:
        """Write the folder's HTML report (tables, figures, headline sentences); its path."""
        from sim.analysis.report import make_report

        return make_report(self.folder)

    def methods(self) -> str:
        """A methods paragraph for a paper, from the manifest."""
        from sim.analysis.methods import methods_paragraph

        return methods_paragraph(self.folder)


def experiment(source: Experiment | dict[str, Any] | str | Path) -> Experiment:
    """An :class:`Experiment` from itself, a dict shaped like an experiment file, or a file."""
    if isinstance(source, Experiment):
        return source
    if isinstance(source, dict):
        return Experiment.from_dict(source)
    return Experiment.from_file(source)


def run(
    source: Experiment | dict[str, Any] | str | Path,
    out: str | Path | None = None,
    *,
    workers: int | None = 1,
    resume: bool = False,
    force: bool = False,
    progress: bool = True,
    report: bool = False,
) -> Results:
    """Run every missing run of an experiment into ``out`` (default ``results/<name>`` in the
    working directory, as a notebook expects).

    ``workers`` defaults to one process, which suits a notebook; pass ``None`` for every
    core. Results are bit-identical whatever the number of workers.
    """
    from sim.sweeps.runner import run_experiment

    study = experiment(source)
    summary = run_experiment(
        study,
        out=Path("results") / study.name if out is None else Path(out),
        workers=workers,
        resume=resume,
        force=force,
        progress=progress,
        argv=["sim.api.run"],
    )
    results = load(summary.folder)
    if report:
        results.report()
    return results


def load(folder: str | Path) -> Results:
    """The results in ``folder`` (a folder written by :func:`run` or ``run_experiment.py``)."""
    folder = Path(folder)
    runs = pd.read_parquet(folder / "runs.parquet")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return Results(folder=folder, runs=runs, manifest=manifest)


__all__ = ["Experiment", "Results", "experiment", "load", "run"]
