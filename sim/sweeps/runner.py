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
import errno
import math
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from importlib import metadata
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.config.knobs import KNOBS
from sim.config.scenario import PROJECT_DIR, Scenario
from sim.sweeps.designs import design_points, n_futures, sensitivity_problem
from sim.sweeps.experiment import PAIRING_COLUMNS, Experiment, scenario_digest
from sim.sweeps.limits import MAX_RUNS, MAX_WORKERS, DesignTooLarge, check_design_size
from sim.sweeps.lock import FolderBusy, folder_lock
from sim.sweeps.provenance import differences, resume_identity
from sim.sweeps.results import DamagedFile, ResultStore
from sim.sweeps.worker import RunTask, execute_batch, hold_scenarios, prepare_worker

#: Packages whose versions go into the manifest.
VERSIONED = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "dask", "distributed")


#: Seconds to wait for a Dask scheduler to answer before giving up.
CONNECT_TIMEOUT = 10.0


class RunnerError(RuntimeError):
    """The experiment cannot run as asked (existing results, a mismatched resume, a busy
    folder, a design too large): the user must change the request. Exit code 2."""

    exit_code = 2


class EnvironmentProblem(RunnerError):
    """Something around the experiment is broken (a scheduler out of reach, a read-only or
    full disk): the request is fine, the machine is not. Exit code 1."""

    exit_code = 1


class SweepStopped(Exception):
    """Base of the two ways a sweep ends early; the runs finished so far are on disk."""

    def __init__(self, folder: Path, done: int, planned: int, how: str) -> None:
        self.folder, self.done, self.planned = folder, done, planned
        super().__init__(f"sweep {how}: {done} of {planned} runs are saved in {folder}")


class SweepCancelled(SweepStopped):
    """The caller set ``cancel``: the sweep stopped after the batches already running, the
    workers are shut down and the manifest says "cancelled". ``--resume`` finishes it."""


class SweepInterrupted(SweepStopped, KeyboardInterrupt):
    """A signal (SIGINT, or SIGTERM within :func:`stop_on_signals`) stopped the sweep: the
    runs in flight are discarded, the workers killed, the manifest says "interrupted".

    A ``KeyboardInterrupt`` so that code that lets Ctrl-C through lets this through too.
    """

    def __init__(self, folder: Path, done: int, planned: int, signum: int) -> None:
        self.signum = signum
        SweepStopped.__init__(self, folder, done, planned, "interrupted")


class Terminated(KeyboardInterrupt):
    """Raised in the main thread on SIGINT or SIGTERM within :func:`stop_on_signals`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_deferring = 0
_pending_signal: int | None = None


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM stop a sweep cleanly (use in the main thread).

    Either signal raises :class:`Terminated` in the main thread, except while a result file
    is being written: it is then held back until the write is complete. The previous
    handlers come back afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        signum: signal.signal(signum, _on_signal) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _on_signal(signum: int, frame: Any) -> None:
    global _pending_signal
    if _deferring:
        _pending_signal = signum
        return
    raise Terminated(signum)


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
    #: Damaged files found on ``--resume`` and discarded (their runs were run again).
    repaired: list[str] = field(default_factory=list)


def run_seed(root: int, point_id: int, replication: int) -> int:
    """The seed of one run, spawned from the root seed by its design point and replication."""
    state = np.random.SeedSequence(root, spawn_key=(point_id, replication)).generate_state(
        1, np.uint64
    )
    return int(state[0] >> np.uint64(1))  # a non-negative 63-bit integer for Mesa's rng


def seed_group(experiment: Experiment, point_id: int) -> int:
    """The group of design points whose runs share seeds (common random numbers).

    In a paired experiment every policy's point in future *k* shares the seeds of that
    future, so policies are compared on identical futures. In a Sobol design the D + 2
    points of one Saltelli block (A, the D points that change one factor each, B) share
    their seeds, and in a Morris design the D + 1 points of one trajectory do: an index or
    elementary effect then measures its factor, not a reshuffled future, and a factor with
    no effect (the ``dummy``) has an index of zero. Otherwise each point has seeds of its own.
    """
    d = len(experiment.factors)
    if experiment.is_paired:
        return point_id % n_futures(experiment)
    if experiment.design == "sobol":
        return point_id // (d + 2)
    if experiment.design == "morris":
        return point_id // (d + 1)
    return point_id


def _is_missing(value: Any) -> bool:
    """A blank design cell: a factor that cannot act at this point (see sim.config.relevance)."""
    return value is None or (isinstance(value, float) and np.isnan(value))


def _blank(name: str) -> Any:
    """How a blank cell is stored: NaN in a numeric column (so every chunk has one type)."""
    knob = KNOBS.get(name)
    return float("nan") if knob is not None and knob.kind in (float, int) else None


def plan(
    experiment: Experiment, design: pd.DataFrame, digests: Mapping[str, str] | None = None
) -> Iterator[RunTask]:
    """Every run of the experiment, in run_id order (point-major, then replication); each
    run names the version of its scenario to use by its digest in ``digests`` (see
    :func:`sim.sweeps.worker.hold_scenarios`; without, the file as it is when the run starts)."""
    columns = [
        f.name for f in experiment.factors if f.name == "scenario"
    ] + experiment.run_columns()
    for point in design.itertuples(index=False):
        values = {name: getattr(point, name) for name in columns}
        values = {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}
        values = {k: None if _is_missing(v) else v for k, v in values.items()}
        scenario = values.pop("scenario", experiment.scenarios[0])
        knobs = {
            **experiment.knobs,
            **{k: v for k, v in values.items() if v is not None and k not in PAIRING_COLUMNS},
        }
        row = {k: _blank(k) if v is None else v for k, v in values.items()}
        for replication in range(experiment.replications):
            yield RunTask(
                run_id=int(point.point_id) * experiment.replications + replication,
                point_id=int(point.point_id),
                replication=replication,
                seed=run_seed(
                    experiment.seed, seed_group(experiment, int(point.point_id)), replication
                ),
                scenario=scenario,
                knobs=knobs,
                factors=row,
                timeseries=experiment.timeseries,
                scenario_digest="" if digests is None else digests[scenario],
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
def open_executor(
    backend: str,
    workers: int,
    scheduler: str | None,
    pinned: Mapping[str, Scenario] | None = None,
) -> Iterator[cf.Executor]:
    """A concurrent.futures executor for the chosen back-end, closed afterwards, whose
    workers hold the sweep's ``pinned`` scenarios (see :func:`sim.sweeps.worker.hold_scenarios`;
    on Dask also the workers that join later)."""
    pinned = dict(pinned or {})
    if backend == "dask":
        from distributed import Client, LocalCluster

        from sim.sweeps.dask_scenarios import HeldScenarios

        if scheduler:
            with _connect(Client, scheduler) as client:
                client.register_plugin(HeldScenarios(pinned), name=HeldScenarios.name)
                yield client.get_executor(pure=False)
        else:
            with (
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=40,
                ) as cluster,
                Client(cluster) as client,
            ):
                client.register_plugin(HeldScenarios(pinned), name=HeldScenarios.name)
                yield client.get_executor(pure=False)
    elif workers == 1:
        yield InlineExecutor()
    else:
        context = _process_context()
        pool = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=prepare_worker,
            initargs=(pinned,),
        )
        try:
            pool.submit(int).result()  # start every worker now (fork spawns them all at once)
            yield pool
        except BaseException:
            _kill_workers(pool)
            raise
        pool.shutdown(wait=True)


def _connect(client_class: Any, scheduler: str) -> Any:
    """A Dask client of the scheduler at ``scheduler``, or a clear error within the timeout.

    The scheduler is first asked who it is, with a deadline over the whole exchange: the
    client's own timeout covers opening the connection but not the wait for the scheduler's
    first reply, so a port where something else listens (a web server) would hang for ever.
    """
    try:
        _ask_identity(scheduler, CONNECT_TIMEOUT)
        return client_class(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise EnvironmentProblem(
            f"cannot reach a Dask scheduler at {scheduler} within {CONNECT_TIMEOUT:g} s "
            f"({type(exc).__name__}); check the address and that `dask scheduler` runs there"
        ) from None


def _ask_identity(address: str, timeout: float) -> dict[str, Any]:
    """The identity a Dask scheduler at ``address`` reports; TimeoutError past ``timeout`` s."""
    import asyncio

    from distributed.comm import connect

    async def ask() -> dict[str, Any]:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> dict[str, Any]:
        return await asyncio.wait_for(ask(), timeout)

    return asyncio.run(bounded())


def _kill_workers(pool: cf.ProcessPoolExecutor) -> None:
    """Stop a process pool now: drop queued work, kill the workers (their batches in flight
    are discarded, to be run again by --resume), and reap them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)


def _process_context() -> multiprocessing.context.BaseContext:
    """Fork while this process has a single thread: workers are then copies that need to import
    nothing. Otherwise (forking a threaded process can deadlock) fork from a server that has
    imported the model once."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.sweeps.worker", "sim.model.model"])
    return context


#: Seconds between two chunks written to ``parts/`` (a chunk is written as soon as the first
#: batch is back, then at most this often): what a hard kill can lose, and what ``--resume``
#: runs again. A chunk per batch cost the runner a Parquet write and fsync each, and the merge
#: a read each.
CHUNK_SECONDS = 1.0
#: Runs kept in memory before a chunk is written whatever the time (bounds the memory).
CHUNK_RUNS = 1024


def batch_size(n_runs: int, workers: int) -> int:
    """Runs per submission: enough to amortise a round trip, small enough to balance load."""
    return max(1, min(32, n_runs // (workers * 8) or 1))


def output_columns(experiment: Experiment) -> list[str]:
    """The leading columns of runs.parquet, in order; outcomes follow."""
    return (
        ["run_id", "point_id", "replication", "seed", "scenario"]
        + experiment.run_columns()
        + ["status", "error"]
    )


def manifest(
    experiment: Experiment,
    described: dict[str, Any],
    design: pd.DataFrame,
    started: str,
    status: str,
    counts: dict[str, int],
    argv: list[str] | None,
    identity: dict[str, Any],
    text: str | None,
) -> dict[str, Any]:
    """Provenance: what was run, with which code, seeds and versions, and how it went.

    ``described`` is the experiment's :meth:`~sim.sweeps.experiment.Experiment.spec` with its
    scenarios as the sweep read them at its start; ``identity`` (see
    :func:`sim.sweeps.provenance.resume_identity`) is what ``--resume`` compares: the
    experiment's fingerprint, every parameter's default and the model's source files;
    ``text`` the experiment file's text as the sweep read it at its start (None without a
    file)."""
    return {
        "experiment": described,
        "experiment_file": experiment.source,
        "experiment_text": text,
        "fingerprint": identity["experiment"],
        "identity": identity,
        "root_seed": experiment.seed,
        "design": {
            "kind": experiment.design,
            "points": len(design),
            "problem": sensitivity_problem(experiment.factors),
        },
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


def results_folder(experiment: Experiment, out: Path | str | None = None) -> Path:
    """Where the results of ``experiment`` go: ``out``, or ``results/<name>/`` in the project."""
    return Path(out) if out is not None else PROJECT_DIR / "results" / experiment.name


Progress = Callable[[int, int], None]


def run_experiment(
    experiment: Experiment,
    out: Path | None = None,
    workers: int | None = None,
    backend: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool | Progress | None = True,
    argv: list[str] | None = None,
    cancel: threading.Event | None = None,
    max_runs: int = MAX_RUNS,
) -> Summary:
    """Run every missing run of ``experiment`` and merge the results into ``out``.

    The results folder is locked for the whole call (:mod:`sim.sweeps.lock`): a second writer
    is refused at once, naming this one.

    Args:
        out: the results folder (default ``results/<name>/``).
        workers: worker processes (default: the number of cores; 1 runs in this process).
        resume: run only the runs missing on disk; refused if the experiment, a parameter
            default or the model's code changed since those runs were made. Damaged chunks
            are discarded and their runs run again (listed in :attr:`Summary.repaired`).
        force: replace the results in ``out``: removes only the files this tool wrote there,
            and refuses a folder that is not a results folder.
        progress: True for a progress bar on stderr, False or None for none, or a function
            called with (runs done, runs planned) at the start and as each batch comes back
            (finished runs are stored within about :data:`CHUNK_SECONDS`).
        cancel: when set (from another thread), the sweep stops after the batches already
            running, shuts its workers down, marks the manifest "cancelled" and raises
            :class:`SweepCancelled`; ``resume=True`` later finishes it.
        max_runs: refuse designs of more runs than this, before building anything.

    Raises:
        RunnerError: the request cannot be carried out as given (exit code 2), or
            :class:`EnvironmentProblem` (exit code 1) when the disk or the scheduler fails.
        SweepCancelled: ``cancel`` was set.
        SweepInterrupted: SIGINT (or SIGTERM, see :func:`stop_on_signals`) arrived; the runs
            in flight were discarded and the workers killed.
    """
    folder = results_folder(experiment, out)
    workers = workers or os.cpu_count() or 1
    if not 1 <= workers <= MAX_WORKERS:
        raise RunnerError(f"workers: {workers} is out of range [1, {MAX_WORKERS}]")
    try:
        check_design_size(experiment, max_runs)
    except DesignTooLarge as exc:
        raise RunnerError(str(exc)) from None
    # The scenarios are read once, here: the sweep runs them as they are now, and its
    # manifest says so, even if a file is edited while it runs (sim.sweeps.worker.scenario_of).
    scenarios = experiment.read_scenarios()
    described = experiment.spec(scenarios)
    identity = resume_identity(experiment.fingerprint(scenarios))
    with hold_results_folder(folder, "sweep"):
        try:
            store = ResultStore(folder)
            _prepare(store, experiment, identity, resume, force)
            store.claim()
            return _run(
                experiment,
                scenarios,
                described,
                store,
                workers,
                backend,
                scheduler,
                resume,
                progress,
                argv,
                cancel,
                identity,
            )
        except DamagedFile as exc:
            raise RunnerError(
                f"{exc}; the folder cannot be resumed as it is: use --force to "
                "start again, or --out for another folder"
            ) from None


@contextmanager
def hold_results_folder(folder: Path, purpose: str = "sweep") -> Iterator[None]:
    """Hold the results folder's lock for the block (re-entrant within a thread).

    A folder created here and left empty (the request was refused) is removed again.

    Raises:
        RunnerError: ``folder`` is a file, or another writer holds the folder (named).
        EnvironmentProblem: the folder cannot be written (read-only, full, no permission).
    """
    folder = Path(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise RunnerError(
                f"{folder} is a file, not a folder; give --out a folder for the results"
            )
        new_folder = not folder.exists()
    except OSError as exc:  # e.g. a name too long for the file system
        raise disk_problem(folder, exc) from None
    try:
        with folder_lock(folder, purpose):
            yield
    except FolderBusy as exc:
        raise RunnerError(str(exc)) from None
    except OSError as exc:
        raise disk_problem(folder, exc) from None
    finally:
        with suppress(OSError):
            if new_folder and _is_empty(folder):
                folder.rmdir()  # refused before anything was written: leave no trace


def _prepare(
    store: ResultStore, experiment: Experiment, identity: dict[str, Any], resume: bool, force: bool
) -> None:
    """Decide, under the folder's lock, whether the sweep may write into the folder."""
    folder = store.folder
    if not store.is_results_folder():
        foreign = store.foreign_entries()
        if foreign:
            shown = ", ".join(foreign[:3]) + (
                f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            )
            raise RunnerError(
                f"{folder} is not a results folder (it holds {shown}); nothing was "
                "removed. Give --out a new or empty folder"
            )
        return
    if force:
        store.clear()
        return
    if not resume:
        raise RunnerError(
            f"{folder} already holds results; use --resume to finish them or "
            "--force to replace them"
        )
    previous = store.read_manifest()
    if previous is None:
        raise RunnerError(
            f"{folder} has no manifest.json (its sweep stopped before it started); "
            "use --force to start again"
        )
    if previous.get("fingerprint") != identity["experiment"]:
        name = (previous.get("experiment") or {}).get("name", "unknown")
        what = (
            f"of experiment {name} as it was: its file or a scenario it uses has changed since"
            if name == experiment.name
            else f"of a different experiment ({name})"
        )
        raise RunnerError(
            f"{folder} holds results {what}; refusing to resume into it (use --force to "
            "replace them, or --out for another folder)"
        )
    changes = differences(previous.get("identity"), identity)
    if changes:
        raise RunnerError(
            f"cannot resume {folder}: since its runs were made, "
            + "; ".join(changes)
            + " changed, and resuming would mix runs of "
            "different code or settings. Use --force to run it again from the start, "
            "or --out for a new folder"
        )


def _run(
    experiment: Experiment,
    scenarios: Mapping[str, Scenario],
    described: dict[str, Any],
    store: ResultStore,
    workers: int,
    backend: str,
    scheduler: str | None,
    resume: bool,
    progress: bool | Progress | None,
    argv: list[str] | None,
    cancel: threading.Event | None,
    identity: dict[str, Any],
) -> Summary:
    folder = store.folder
    clock = dt.datetime.now()
    # Imported here: the report and other commands that import this module run no model.
    from sim.model.compiled import compiled_code_cached
    from sim.model.model import load_compiled_code

    if not compiled_code_cached():
        print(
            "compiling the model's arithmetic (once after an install or a change to sim/model; "
            "about 30 s)",
            file=sys.stderr,
        )
    # Here, not in each worker: forked workers inherit the loaded code, others read it from
    # the cache instead of each compiling it; likewise the scenarios as read at the start.
    load_compiled_code()
    digests = {name: scenario_digest(scenario) for name, scenario in scenarios.items()}
    pinned = {digests[name]: scenario for name, scenario in scenarios.items()}
    hold_scenarios(pinned)  # for this process and the workers it forks
    text = _read_text(experiment.source)
    # Workers start before this process touches Parquet (its thread pool makes forking unsafe).
    with open_executor(backend, workers, scheduler, pinned) as executor:
        design = design_points(experiment, scenarios)
        planned = len(design) * experiment.replications
        repaired = [str(d) for d in store.discard_damaged()] if resume else []
        for line in repaired:
            print(f"warning: {line}; its runs are run again", file=sys.stderr)
        done = store.done_run_ids() if resume else set()
        started = _now()
        store.write_design(design)
        counts = {"planned": planned, "already_done": len(done), "ran": 0, "failed": 0}
        store.write_manifest(
            manifest(
                experiment, described, design, started, "running", counts, argv, identity, text
            )
        )
        todo = (task for task in plan(experiment, design, digests) if task.run_id not in done)
        bar = _Progress(
            total=planned,
            initial=len(done),
            unit="run",
            disable=progress is not True,
            desc=experiment.name,
            smoothing=0.1,
            dynamic_ncols=True,
        )
        report = progress if callable(progress) else None
        if report is not None:
            report(len(done), planned)
        try:
            _sweep(
                executor,
                store,
                todo,
                batch_size(planned - len(done), workers),
                workers * 4,
                counts,
                bar,
                report,
                cancel,
            )
        except BaseException as exc:
            status = "cancelled" if isinstance(exc, SweepCancelled) else "interrupted"
            with _signals_deferred():
                store.write_manifest(
                    manifest(
                        experiment, described, design, started, status, counts, argv, identity, text
                    )
                )
            if isinstance(exc, KeyboardInterrupt):
                raise SweepInterrupted(
                    folder,
                    len(done) + counts["ran"],
                    planned,
                    getattr(exc, "signum", signal.SIGINT),
                ) from None
            if isinstance(exc, SweepCancelled):
                raise SweepCancelled(
                    folder, len(done) + counts["ran"], planned, "cancelled"
                ) from None
            raise
    with _signals_deferred():
        runs = store.merge(output_columns(experiment))
        counts["failed_total"] = int((runs["status"] == "failed").sum()) if len(runs) else 0
        store.write_manifest(
            manifest(
                experiment, described, design, started, "complete", counts, argv, identity, text
            )
        )
    return Summary(
        folder=folder,
        planned=planned,
        ran=counts["ran"],
        skipped=len(done),
        failed=counts["failed"],
        seconds=(dt.datetime.now() - clock).total_seconds(),
        runs=runs,
        repaired=repaired,
    )


def _sweep(
    executor: cf.Executor,
    store: ResultStore,
    todo: Iterator[RunTask],
    size: int,
    window: int,
    counts: dict[str, int],
    bar: tqdm,
    report: Progress | None,
    cancel: threading.Event | None,
) -> None:
    """Keep at most ``window`` batches in flight; store finished runs in chunks, the first
    as soon as it returns, then every :data:`CHUNK_SECONDS` (or :data:`CHUNK_RUNS` runs),
    and whatever is finished when the sweep ends, stops or is interrupted.

    When ``cancel`` is set, batches not yet started are withdrawn, those running are waited
    for and stored, and :class:`SweepCancelled` is raised.
    """

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    rows: list[dict[str, Any]] = []
    series: list[pd.DataFrame] = []
    written = -math.inf
    done = counts["already_done"]  # runs done, stored or not yet (the progress shown)

    def write_chunk() -> None:
        """Store the finished runs kept in memory; only stored runs count as ran."""
        nonlocal written
        if rows:
            chunk, chunk_series = rows.copy(), series.copy()
            rows.clear()  # a chunk that fails to be written is not tried again on the way out
            series.clear()
            with _signals_deferred():
                store.append(chunk, chunk_series)
                counts["ran"] += len(chunk)
                counts["failed"] += sum(row["status"] == "failed" for row in chunk)
        written = time.monotonic()

    def write_chunk_if_due() -> None:
        if rows and (time.monotonic() - written >= CHUNK_SECONDS or len(rows) >= CHUNK_RUNS):
            write_chunk()

    with bar, ExitStack() as on_exit:
        # however the sweep ends, its finished runs are stored before that is reported
        on_exit.callback(write_chunk)
        in_flight: set[cf.Future] = set()
        batches = iter(lambda: list(islice(todo, size)), [])
        for batch in islice(batches, window):
            if cancelled():
                break
            in_flight.add(executor.submit(execute_batch, batch))
        withdrawn = False
        while in_flight:
            if cancelled() and not withdrawn:
                for future in in_flight:
                    future.cancel()  # succeeds for batches no worker has started
                withdrawn = True
            finished, in_flight = cf.wait(in_flight, timeout=0.25, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                if future.cancelled():
                    continue
                results = future.result()
                rows.extend(row for row, _ in results)
                series.extend(s for _, s in results if s is not None)
                done += len(results)
                write_chunk_if_due()
                bar.update(len(results))
                if report is not None:
                    report(done, counts["planned"])
                if not cancelled():
                    batch = next(batches, [])
                    if batch:
                        in_flight.add(executor.submit(execute_batch, batch))
            write_chunk_if_due()  # at least every 0.25 s (the wait's timeout), batches or not
    if cancelled() and counts["already_done"] + counts["ran"] < counts["planned"]:
        raise SweepCancelled(store.folder, 0, 0, "cancelled")


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold a stop signal back while a result file is written, so an interrupt never lands
    between a chunk's series and its runs (with :func:`stop_on_signals`, in the main thread)."""
    global _deferring, _pending_signal
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if not _deferring and _pending_signal is not None:
            signum, _pending_signal = _pending_signal, None
            raise Terminated(signum)


class _Progress(tqdm):
    """The sweep's progress bar, without tqdm's monitor thread (which would outlive the sweep):
    the bar moves as runs finish, and a process with no other thread left can fork the
    report's sections (:func:`sim.analysis.report.build`) when the report follows the sweep."""

    monitor_interval = 0


def disk_problem(folder: Path, exc: OSError) -> RunnerError:
    """A one-line error for a failed write: bad input (exit 2) or a broken disk (exit 1)."""
    where = exc.filename or folder
    if exc.errno in (errno.ENAMETOOLONG, errno.ENOTDIR, errno.EISDIR, errno.EEXIST):
        return RunnerError(
            f"cannot write {where}: {exc.strerror}; choose another --out "
            "(or a shorter experiment name)"
        )
    hint = {
        errno.ENOSPC: "free some space, then finish with --resume",
        errno.EDQUOT: "free some space, then finish with --resume",
        errno.EROFS: "the file system is read-only; choose a writable folder with --out",
        errno.EACCES: "no permission; choose a writable folder with --out",
        errno.EPERM: "no permission; choose a writable folder with --out",
    }
    return EnvironmentProblem(
        f"cannot write {where}: {exc.strerror or exc}; "
        + hint.get(exc.errno or 0, "runs already saved stay; --resume continues")
    )


def _is_empty(folder: Path) -> bool:
    return folder.is_dir() and not any(folder.iterdir())


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
            return subprocess.run(
                ["git", *args],
                cwd=PROJECT_DIR,
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    status = git("status", "--porcelain")
    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(status) if status is not None else None,
    }
