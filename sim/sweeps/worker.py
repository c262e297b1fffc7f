"""What a worker process runs: one batch of model runs, each returning its outcomes.

Kept apart from the runner so a worker imports only the model (not the design,
storage and progress machinery), which makes workers quick to start and small.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.model import AllianceModel


@dataclass(frozen=True)
class RunTask:
    """One model run: where it sits in the design, its seed, and its knobs."""

    run_id: int
    point_id: int
    replication: int
    seed: int
    scenario: str
    knobs: dict[str, Any]
    factors: dict[str, Any]
    timeseries: bool = False


def execute(task: RunTask) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """Run one model; a run that raises is recorded as failed with its error, not re-raised."""
    row: dict[str, Any] = {"run_id": task.run_id, "point_id": task.point_id,
                           "replication": task.replication, "seed": task.seed,
                           "scenario": task.scenario, **task.factors}
    try:
        model = AllianceModel(task.scenario, rng=task.seed, collect=task.timeseries, **task.knobs)
        outcomes = model.run()
    except Exception as exc:  # noqa: BLE001 - a failed run must not stop the sweep
        last = traceback.extract_tb(exc.__traceback__)[-1]
        row.update(status="failed", error=f"{type(exc).__name__}: {exc} "
                   f"({Path(last.filename).name}:{last.lineno})")
        return row, None
    clash = outcomes.keys() & row.keys()
    if clash:  # an outcome named like a factor would silently overwrite the factor's value
        raise RuntimeError(f"outcomes {sorted(clash)} share names with run columns")
    row.update(status="ok", error=None, **outcomes)
    series = None
    if task.timeseries:
        series = model.datacollector.get_model_vars_dataframe().rename_axis("step").reset_index()
        series.insert(0, "run_id", task.run_id)
    return row, series


def execute_batch(tasks: list[RunTask]) -> list[tuple[dict[str, Any], pd.DataFrame | None]]:
    """Run a batch of models in one worker call (fewer round trips for short runs)."""
    return [execute(task) for task in tasks]
