"""Running an experiment: plan the runs, seed them, farm them out, stream the results.

Each run's seed is spawned from the experiment's root seed by design point (or, in Sobol
and Morris designs, by the block of points that share common random numbers: see
:func:`seed_group`) and replication (``SeedSequence(root, spawn_key=(group, replication))``),
so a run's result depends on nothing but its place in the design: the table is
bit-identical whatever the number of workers, the back-end or the order runs
finish in. Runs go out in small batches over any ``concurrent.futures``-style
executor (worker processes here, a Dask cluster via ``Client.get_executor``),
with a bounded number in flight so memory stays flat however long the sweep.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import multiprocessing
import os
import platform
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.sweeps.designs import design_points, sensitivity_problem
from sim.sweeps.experiment import Experiment
from sim.sweeps.worker import RunTask, execute_batch
from sim.sweeps.results import ResultStore
from sim.config.scenario import PROJECT_DIR

#: Packages whose versions go into the manifest.
VERSIONED = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "dask", "distributed")


class RunnerError(RuntimeError):
    """The experiment cannot run as asked (existing results, a mismatched resume)."""


@dataclass
class Summary:
    """What a call to :func:`run_experiment` did."""

    folder: Path
    planned: int
    ran: int
    skipped: int
    failed: int
    seconds: float
    runs: pd.DataFrame = field(repr=False)


def run_seed(root: int, point_id: int, replication: int) -> int:
    """The seed of one run, spawned from the root seed by its design point and replication."""
    state = np.random.SeedSequence(root, spawn_key=(point_id, replication)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))  # a non-negative 63-bit integer for Mesa's rng


def seed_group(experiment: Experiment, point_id: int) -> int:
    """The group of design points whose runs share seeds (common random numbers).

    In a Sobol design the D + 2 points of one Saltelli block (A, the D points that change one
    factor each, B) share their seeds, and in a Morris design the D + 1 points of one
    trajectory do: an index or elementary effect then measures its factor, not a reshuffled
    future, and a factor with no effect (the ``dummy``) has an index of zero. Otherwise each
    point has seeds of its own.
    """
    d = len(experiment.factors)
    if experiment.design == "sobol":
        return point_id // (d + 2)
    if experiment.design == "morris":
        return point_id // (d + 1)
    return point_id


def plan(experiment: Experiment, design: pd.DataFrame) -> Iterator[RunTask]:
    """Every run of the experiment, in run_id order (point-major, then replication)."""
    factor_names = [f.name for f in experiment.factors]
    for point in design.itertuples(index=False):
        values = {name: getattr(point, name) for name in factor_names}
        values = {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}
        scenario = values.pop("scenario", experiment.scenarios[0])
        knobs = {**experiment.knobs, **values}
        for replication in range(experiment.replications):
            yield RunTask(
                run_id=int(point.point_id) * experiment.replications + replication,
                point_id=int(point.point_id), replication=replication,
                seed=run_seed(experiment.seed, seed_group(experiment, int(point.point_id)), replication),
                scenario=scenario, knobs=knobs, factors=values, timeseries=experiment.timeseries,
            )


class InlineExecutor(cf.Executor):
    """Runs each batch in the calling process: one worker, no pool to start."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001
            future.set_exception(exc)
        return future


@contextmanager
def open_executor(backend: str, workers: int, scheduler: str | None) -> Iterator[cf.Executor]:
    """A concurrent.futures executor for the chosen back-end, closed afterwards."""
    if backend == "dask":
        from distributed import Client, LocalCluster

        if scheduler:
            with Client(scheduler) as client:
                yield client.get_executor(pure=False)
        else:
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None, silence_logs=40) as cluster, \
                    Client(cluster) as client:
                yield client.get_executor(pure=False)
    elif workers == 1:
        yield InlineExecutor()
    else:
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=_process_context()) as pool:
            pool.submit(int).result()  # start every worker now (fork spawns them all at once)
            yield pool


def _process_context() -> multiprocessing.context.BaseContext:
    """Fork while this process has a single thread: workers are then copies that need to import
    nothing. Otherwise (forking a threaded process can deadlock) fork from a server that has
    imported the model once."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.sweeps.worker"])
    return context


def batch_size(n_runs: int, workers: int) -> int:
    """Runs per submission: enough to amortise a round trip, small enough to balance load."""
    return max(1, min(32, n_runs // (workers * 8) or 1))


def output_columns(experiment: Experiment) -> list[str]:
    """The leading columns of runs.parquet, in order; outcomes follow."""
    return (["run_id", "point_id", "replication", "seed", "scenario"]
            + [f.name for f in experiment.factors if f.name != "scenario"] + ["status", "error"])


def manifest(experiment: Experiment, design: pd.DataFrame, started: str, status: str,
             counts: dict[str, int], argv: list[str] | None) -> dict[str, Any]:
    """Provenance: what was run, with which code, seeds and versions, and how it went."""
    return {
        "experiment": experiment.spec(),
        "experiment_file": experiment.source,
        "experiment_text": _read_text(experiment.source),
        "fingerprint": experiment.fingerprint(),
        "root_seed": experiment.seed,
        "design": {"kind": experiment.design, "points": len(design),
                   "problem": sensitivity_problem(experiment.factors)},
        "counts": counts,
        "status": status,
        "started": started,
        "finished": _now() if status != "running" else None,
        "git": _git_state(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in VERSIONED},
        "command": argv,
    }


def run_experiment(experiment: Experiment, out: Path | None = None, workers: int | None = None,
                   backend: str = "local", scheduler: str | None = None, resume: bool = False,
                   force: bool = False, progress: bool = True,
                   argv: list[str] | None = None) -> Summary:
    """Run every missing run of ``experiment`` and merge the results into ``out``.

    Raises:
        RunnerError: results already exist and neither ``resume`` nor ``force`` was given,
            or ``resume`` points at results of a different experiment.
    """
    folder = Path(out) if out is not None else PROJECT_DIR / "results" / experiment.name
    workers = workers or os.cpu_count() or 1
    store = ResultStore(folder)
    fingerprint = experiment.fingerprint()
    if store.existing():
        previous = store.read_manifest()
        if resume:
            if previous is None or previous.get("fingerprint") != fingerprint:
                raise RunnerError(f"{folder} holds results of a different experiment "
                                  f"({(previous or {}).get('experiment', {}).get('name', 'unknown')}); "
                                  "refusing to resume into it (use --force to replace them, "
                                  "or --out for another folder)")
        elif force:
            store.clear()
        else:
            raise RunnerError(f"{folder} already holds results; use --resume to finish them "
                              "or --force to replace them")
    clock = dt.datetime.now()
    # Workers start before this process touches Parquet (whose thread pool would make forking unsafe).
    with open_executor(backend, workers, scheduler) as executor:
        design = design_points(experiment)
        planned = len(design) * experiment.replications
        done = store.done_run_ids() if resume else set()
        started = _now()
        folder.mkdir(parents=True, exist_ok=True)
        store.write_design(design)
        counts = {"planned": planned, "already_done": len(done), "ran": 0, "failed": 0}
        store.write_manifest(manifest(experiment, design, started, "running", counts, argv))
        todo = (task for task in plan(experiment, design) if task.run_id not in done)
        _sweep(executor, store, todo, batch_size(planned - len(done), workers), workers * 4, counts,
               tqdm(total=planned, initial=len(done), unit="run", disable=not progress,
                    desc=experiment.name, smoothing=0.1, dynamic_ncols=True))
    runs = store.merge(output_columns(experiment))
    counts["failed_total"] = int((runs["status"] == "failed").sum()) if len(runs) else 0
    store.write_manifest(manifest(experiment, design, started, "complete", counts, argv))
    return Summary(folder=folder, planned=planned, ran=counts["ran"], skipped=len(done),
                   failed=counts["failed"], seconds=(dt.datetime.now() - clock).total_seconds(),
                   runs=runs)


def _sweep(executor: cf.Executor, store: ResultStore, todo: Iterator[RunTask], size: int,
           window: int, counts: dict[str, int], bar: tqdm) -> None:
    """Keep at most ``window`` batches in flight; store each batch as soon as it returns."""
    with bar:
        in_flight: set[cf.Future] = set()
        batches = iter(lambda: list(islice(todo, size)), [])
        for batch in islice(batches, window):
            in_flight.add(executor.submit(execute_batch, batch))
        while in_flight:
            finished, in_flight = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                results = future.result()
                store.append([row for row, _ in results], [s for _, s in results if s is not None])
                counts["ran"] += len(results)
                counts["failed"] += sum(row["status"] == "failed" for row, _ in results)
                bar.update(len(results))
                batch = next(batches, None)
                if batch is not None:
                    in_flight.add(executor.submit(execute_batch, batch))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _read_text(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _git_state() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            return subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True,
                                  timeout=10, check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    status = git("status", "--porcelain")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}
