"""What a worker process runs: one batch of model runs, each returning its outcomes.

Kept apart from the runner so a worker imports only the model (not the design,
storage and progress machinery), which makes workers quick to start and small.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from sim.config.configuration import Configuration

#: Seconds between a worker's checks that its runner is still alive.
PARENT_POLL = 0.5
#: The most design points whose configuration a worker keeps (a factorial sweep has a few
#: dozen; a Sobol or Latin hypercube design has a point per run, so keeping them would only
#: grow the worker).
KEPT_CONFIGURATIONS = 256
_PR_SET_PDEATHSIG = 1


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
    row: dict[str, Any] = {
        "run_id": task.run_id,
        "point_id": task.point_id,
        "replication": task.replication,
        "seed": task.seed,
        "scenario": task.scenario,
        **task.factors,
    }
    from sim.model.model import AllianceModel  # loaded once, by the first run of a worker

    try:
        model = AllianceModel(configuration(task), rng=task.seed, collect=task.timeseries)
        outcomes = model.run()
    except Exception as exc:  # noqa: BLE001 - a failed run must not stop the sweep
        last = traceback.extract_tb(exc.__traceback__)[-1]
        row.update(
            status="failed",
            error=f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})",
        )
        return row, None
    clash = outcomes.keys() & row.keys()
    if clash:  # an outcome named like a factor would silently overwrite the factor's value
        raise RuntimeError(f"outcomes {sorted(clash)} share names with run columns")
    row.update(status="ok", error=None, **outcomes)
    series = None
    if task.timeseries and model.datacollector is not None:
        series = model.datacollector.get_model_vars_dataframe().rename_axis("step").reset_index()
        series.insert(0, "run_id", task.run_id)
    return row, series


def configuration(task: RunTask) -> Configuration:
    """The validated configuration of ``task``'s design point: resolved for the first of its
    runs that this worker gets and reused for the others (the same scenario and knobs give
    the same configuration; it is read-only), until the scenario's file changes on disk (a
    long-lived Dask worker serves one sweep after another)."""
    from sim.config.configuration import configure
    from sim.config.scenario import load_scenario

    scenario = load_scenario(task.scenario)  # parsed again only if its file changed
    key = (task.scenario, repr(sorted(task.knobs.items())))
    kept = _configurations.get(key)
    if kept is None or kept.scenario is not scenario:
        kept = configure(scenario, **task.knobs)
        if len(_configurations) >= KEPT_CONFIGURATIONS:
            _configurations.clear()
        _configurations[key] = kept
    return kept


_configurations: dict[tuple[str, str], Configuration] = {}


def execute_batch(tasks: list[RunTask]) -> list[tuple[dict[str, Any], pd.DataFrame | None]]:
    """Run a batch of models in one worker call (fewer round trips for short runs)."""
    return [execute(task) for task in tasks]


def prepare_worker() -> None:
    """Start-up of a pool worker: leave interrupts to the runner, and die with it.

    Ctrl-C reaches every process of the terminal's group; the runner decides what to do, so
    workers ignore SIGINT. A worker must not outlive its runner, even one killed with SIGKILL
    (which runs no clean-up): on Linux the kernel sends it SIGKILL when its parent dies
    (``PR_SET_PDEATHSIG``), and everywhere a thread checks that the parent is still its parent.
    The copy of the results folder's lock that a forked worker inherits is closed, so only the
    runner holds the folder.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from sim.sweeps.lock import close_inherited

    close_inherited()
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent or parent == 1:  # the parent died before the watch began
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)
