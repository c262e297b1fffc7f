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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.config.validation import ConfigError

if TYPE_CHECKING:
    from sim.config.configuration import Configuration
    from sim.config.scenario import Scenario

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
    #: The version of the scenario this run must use: its sweep's reading of the file at the
    #: start (see :func:`hold_scenarios`); empty for a run of no sweep (the file as it is now).
    scenario_digest: str = ""


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
    the same configuration; it is read-only), from the version of the scenario that the
    task's sweep read at its start (:func:`scenario_of`)."""
    from sim.config.configuration import configure

    key = (task.scenario, task.scenario_digest, repr(sorted(task.knobs.items())))
    kept = _configurations.get(key)
    if kept is not None and task.scenario_digest:
        return kept  # the scenario's version is part of the key
    scenario = scenario_of(task)
    if kept is None or kept.scenario is not scenario:
        kept = configure(scenario, **task.knobs)
        if len(_configurations) >= KEPT_CONFIGURATIONS:
            _configurations.clear()
        _configurations[key] = kept
    return kept


_configurations: dict[tuple[str, str, str], Configuration] = {}


def scenario_of(task: RunTask) -> Scenario:
    """The scenario ``task`` runs: the version its sweep read at its start, kept in this
    process or read from the file if the file still says the same; for a task of no sweep,
    the file as it is now. A sweep's runs thus all use one version of a scenario, the one
    its manifest records, even when the file is edited while it runs; a long-lived worker
    (Dask's) reads the file again for the next sweep.

    Raises:
        ConfigError: the file changed after the sweep started and this worker does not hold
            the version the sweep read (the run is recorded as failed, with this message).
    """
    from sim.config.scenario import load_scenario
    from sim.sweeps.experiment import scenario_digest

    if not task.scenario_digest:
        return load_scenario(task.scenario)
    pinned = _pinned.get(task.scenario_digest)
    if pinned is None:
        pinned = load_scenario(task.scenario)
        if scenario_digest(pinned) != task.scenario_digest:
            raise ConfigError(
                task.scenario,
                "",
                "changed on disk after the sweep started, and its other runs use the version "
                "read then; run the sweep again to use the file as it is now",
            )
        hold_scenarios({task.scenario_digest: pinned})
    return pinned


def hold_scenarios(pinned: Mapping[str, Scenario]) -> None:
    """Keep the scenarios a sweep read at its start, by digest
    (:func:`sim.sweeps.experiment.scenario_digest`, which its tasks carry), in this process:
    the runner before it forks its workers, a fork server's or Dask's worker when it starts.
    They then run the scenarios as read, whatever happens to the files (:func:`scenario_of`)."""
    if len(_pinned) + len(pinned) > KEPT_CONFIGURATIONS:
        _pinned.clear()
    _pinned.update(pinned)


_pinned: dict[str, Scenario] = {}


def execute_batch(tasks: list[RunTask]) -> list[tuple[dict[str, Any], pd.DataFrame | None]]:
    """Run a batch of models in one worker call (fewer round trips for short runs)."""
    return [execute(task) for task in tasks]


def prepare_worker(pinned: Mapping[str, Scenario] | None = None) -> None:
    """Start-up of a pool worker: hold the sweep's scenarios (:func:`hold_scenarios`), leave
    interrupts to the runner, and die with it.

    Ctrl-C reaches every process of the terminal's group; the runner decides what to do, so
    workers ignore SIGINT. A worker must not outlive its runner, even one killed with SIGKILL
    (which runs no clean-up): on Linux the kernel sends it SIGKILL when its parent dies
    (``PR_SET_PDEATHSIG``), and everywhere a thread checks that the parent is still its parent.
    The copy of the results folder's lock that a forked worker inherits is closed, so only the
    runner holds the folder.
    """
    hold_scenarios(pinned or {})
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
