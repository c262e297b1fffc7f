"""The experiment runner: reproducible whatever the workers, resumable, honest about failures."""

import concurrent.futures as cf
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from tqdm import tqdm

from sim.model import AllianceModel
from sim.sweeps import runner
from sim.sweeps.experiment import load_experiment
from sim.sweeps.results import ResultStore
from sim.sweeps.runner import RunnerError, run_experiment, run_seed

PROJECT = Path(__file__).resolve().parent.parent

SMALL = """
[experiment]
name = "small"
scenario = "pps_infrastructure"
steps = 24
replications = 3
seed = 42
timeseries = {timeseries}

[factors]
manager = ["none", "lead_partner"]
manager_position = [0.0, 1.0]
"""


def write_experiment(folder: Path, text: str = SMALL, **fill) -> Path:
    path = folder / "experiment.toml"
    path.write_text(text.format(**{"timeseries": "false", **fill}))
    return path


def run_small(tmp_path: Path, name: str, **options) -> Path:
    experiment = load_experiment(write_experiment(tmp_path))
    out = tmp_path / name
    run_experiment(experiment, out=out, **{"progress": False, **options})
    return out / "runs.parquet"


def test_each_runs_seed_depends_only_on_its_place_in_the_design():
    assert run_seed(42, 3, 1) == run_seed(42, 3, 1)
    seeds = {run_seed(42, p, r) for p in range(20) for r in range(20)}
    assert len(seeds) == 400
    assert run_seed(43, 3, 1) != run_seed(42, 3, 1)


def test_results_are_identical_for_one_worker_two_workers_and_dask(tmp_path):
    one = run_small(tmp_path, "one", workers=1)
    two = run_small(tmp_path, "two", workers=2)
    dask = run_small(tmp_path, "dask", workers=2, backend="dask")
    assert one.read_bytes() == two.read_bytes() == dask.read_bytes()
    table = pd.read_parquet(one)
    # 3 design points (position is crossed only with the lead partner's manager) x 3 replications
    assert len(table) == 9 and (table["status"] == "ok").all()
    assert list(table["run_id"]) == list(range(9))


def test_a_worker_configures_each_design_point_once_and_its_runs_match_the_model_run_directly(
    tmp_path, monkeypatch
):
    import sim.config.configuration as configuration
    from sim.sweeps import worker

    resolved = []
    configure = configuration.configure
    monkeypatch.setattr(
        configuration, "configure", lambda *a, **k: resolved.append(k) or configure(*a, **k)
    )
    monkeypatch.setattr(worker, "_configurations", {})
    table = pd.read_parquet(run_small(tmp_path, "once", workers=1))
    assert len(resolved) == table["point_id"].nunique() == 3  # 9 runs, 3 design points
    experiment = load_experiment(write_experiment(tmp_path))
    tasks = {t.run_id: t for t in runner.plan(experiment, runner.design_points(experiment))}
    for row in table.itertuples():
        task = tasks[row.run_id]
        alone = AllianceModel(task.scenario, rng=task.seed, collect=False, **task.knobs).run()
        assert row.total_value == alone["total_value"] and row.duration == alone["duration"]


def edit(path: Path, text: str) -> None:
    """Rewrite a file as an editor would, a second later than its last change."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(before + 10**9, before + 10**9))


ROUGH = 'extends = "pps_infrastructure"\n[knobs]\nturbulence = {}\n'


def test_a_scenario_edited_during_a_sweep_does_not_reach_its_runs_or_its_manifest(tmp_path):
    """A sweep runs its scenarios as they were when it started, and its manifest says so."""
    scenario = tmp_path / "rough.toml"
    scenario.write_text(ROUGH.format(0.1))
    text = SMALL.replace('scenario = "pps_infrastructure"', 'scenario = "rough.toml"')
    experiment = load_experiment(write_experiment(tmp_path, text))
    tables = {}
    for workers, backend in ((1, "local"), (2, "local"), (2, "dask")):
        edited = []

        def edit_at_start(done: int, planned: int, edited=edited) -> None:
            if not edited:  # the sweep has started: its workers are up, no run has run
                edit(scenario, ROUGH.format(0.9))
                edited.append(done)

        out = tmp_path / f"edited-{workers}-{backend}"
        run_experiment(
            experiment, out=out, workers=workers, backend=backend, progress=edit_at_start
        )
        assert edited == [0]
        tables[workers, backend] = pd.read_parquet(out / "runs.parquet")
        recorded = json.loads((out / "manifest.json").read_text())["experiment"]
        assert recorded["resolved_scenarios"][str(scenario)]["knobs"]["turbulence"] == 0.1
        edit(scenario, ROUGH.format(0.1))
    run_experiment(experiment, out=tmp_path / "unedited", progress=False)
    unedited = pd.read_parquet(tmp_path / "unedited" / "runs.parquet")
    assert (unedited["status"] == "ok").all()
    for table in tables.values():  # the same runs; the files' bytes depend on their chunks
        pd.testing.assert_frame_equal(table, unedited)


PAIRED = """
[experiment]
name = "paired"
scenario = "designs.toml"
steps = 24
replications = 1
seed = 5

[design]
kind = "lhs"
samples = 2

[[policy]]
name = "Availability"
payment_mechanism = "availability"

[[policy]]
name = "With a manager"
manager = "independent"

[uncertainties]
turbulence = {{ low = 0.1, high = 0.6 }}
"""


def test_a_scenario_edited_while_the_workers_start_does_not_reach_the_design(tmp_path, monkeypatch):
    """A policy's unset knobs come from the scenario as the sweep read it at its start, even
    when the file changes while the workers start (before the design is built)."""
    scenario = tmp_path / "designs.toml"
    scenario.write_text('extends = "pps_infrastructure"\n[knobs]\nmanager = "none"\n')
    experiment = load_experiment(write_experiment(tmp_path, PAIRED))
    opened = runner.open_executor

    @contextlib.contextmanager
    def open_and_edit(*args, **kwargs):
        with opened(*args, **kwargs) as executor:
            edit(scenario, 'extends = "pps_infrastructure"\n[knobs]\nmanager = "independent"\n')
            yield executor

    monkeypatch.setattr(runner, "open_executor", open_and_edit)
    out = tmp_path / "paired"
    run_experiment(experiment, out=out, workers=1, progress=False)
    runs = pd.read_parquet(out / "runs.parquet")
    assert (runs["status"] == "ok").all()
    assert set(runs.loc[runs["policy"] == "Availability", "manager"]) == {"none"}
    assert set(runs.loc[runs["policy"] == "With a manager", "manager"]) == {"independent"}


def test_a_long_lived_worker_runs_each_sweep_with_its_own_reading_of_a_scenario(
    tmp_path, monkeypatch
):
    """A Dask worker outlives a sweep: an edit between two sweeps reaches the second; a
    worker that meets a file edited after its sweep began fails the run, saying why."""
    from sim.config.scenario import load_scenario
    from sim.sweeps import worker
    from sim.sweeps.experiment import scenario_digest

    monkeypatch.setattr(worker, "_configurations", {})
    monkeypatch.setattr(worker, "_pinned", {})  # a worker that was not forked from the runner
    scenario = tmp_path / "rough.toml"
    scenario.write_text(ROUGH.format(0.1))

    def task(digest: str) -> worker.RunTask:
        knobs = {"manager": "independent"}
        return worker.RunTask(0, 0, 0, 7, str(scenario), knobs, {}, scenario_digest=digest)

    first = task(scenario_digest(load_scenario(scenario)))  # what the first sweep read
    assert worker.configuration(first).params["turbulence"] == 0.1
    assert worker.configuration(first) is worker.configuration(first)  # reused

    edit(scenario, ROUGH.format(0.9))
    second = task(scenario_digest(load_scenario(scenario)))  # the next sweep's reading
    assert worker.configuration(second).params["turbulence"] == 0.9
    row, _ = worker.execute(second)
    alone = AllianceModel(str(scenario), rng=7, collect=False, manager="independent").run()
    assert (row["duration"], row["total_value"]) == (alone["duration"], alone["total_value"])

    monkeypatch.setattr(worker, "_configurations", {})
    monkeypatch.setattr(worker, "_pinned", {})
    row, _ = worker.execute(first)  # the first sweep's run, met by a fresh worker now
    assert row["status"] == "failed" and "changed on disk after the sweep started" in row["error"]


def test_runs_table_has_ids_seeds_factors_and_outcomes(tmp_path):
    table = pd.read_parquet(run_small(tmp_path, "cols", workers=1))
    for column in (
        "run_id",
        "point_id",
        "replication",
        "seed",
        "scenario",
        "manager",
        "manager_position",
        "status",
        "duration",
        "dissolved",
        "total_value",
        "gini",
    ):
        assert column in table.columns
    one_run = table.iloc[5]
    model = AllianceModel(
        "pps_infrastructure",
        rng=int(one_run["seed"]),
        horizon=24,
        manager=one_run["manager"],
        manager_position=one_run["manager_position"],
    )
    assert model.run()["total_value"] == one_run["total_value"]


def test_per_month_series_are_written_when_asked_for(tmp_path):
    experiment = load_experiment(write_experiment(tmp_path, timeseries="true"))
    run_experiment(experiment, out=tmp_path / "ts", workers=1, progress=False)
    series = pd.read_parquet(tmp_path / "ts" / "timeseries.parquet")
    assert {"run_id", "step", "value", "mean_trust"} <= set(series.columns)
    assert series.groupby("run_id").size().max() == 25


def test_a_run_that_raises_is_marked_failed_and_the_sweep_goes_on(tmp_path, monkeypatch):
    doomed = run_seed(42, 1, 2)

    class Fragile(AllianceModel):
        def run(self):
            if self._seed == doomed:
                raise RuntimeError("simulated worker fault")
            return super().run()

    monkeypatch.setattr("sim.model.model.AllianceModel", Fragile)  # what a worker builds
    table = pd.read_parquet(run_small(tmp_path, "fragile", workers=1))
    failed = table[table["status"] == "failed"]
    assert list(failed["seed"]) == [doomed]
    assert "simulated worker fault" in failed["error"].iloc[0]
    assert (table["status"] == "ok").sum() == 8


def test_existing_results_are_not_overwritten_without_resume_or_force(tmp_path):
    run_small(tmp_path, "twice", workers=1)
    with pytest.raises(RunnerError, match="already holds results"):
        run_small(tmp_path, "twice", workers=1)
    run_small(tmp_path, "twice", workers=1, force=True)


def test_resume_refuses_results_of_a_different_experiment(tmp_path):
    run_small(tmp_path, "mine", workers=1)
    other = load_experiment(
        write_experiment(tmp_path, SMALL.replace("replications = 3", "replications = 4"))
    )
    with pytest.raises(RunnerError, match="small as it was: its file or a scenario it uses"):
        run_experiment(other, out=tmp_path / "mine", workers=1, resume=True, progress=False)
    renamed = load_experiment(write_experiment(tmp_path, SMALL.replace('"small"', '"other"')))
    with pytest.raises(RunnerError, match=r"different experiment \(small\)"):
        run_experiment(renamed, out=tmp_path / "mine", workers=1, resume=True, progress=False)


def test_resume_refuses_results_made_with_a_scenario_file_since_edited(tmp_path):
    scenario = tmp_path / "rough.toml"
    scenario.write_text(ROUGH.format(0.1))
    text = SMALL.replace('scenario = "pps_infrastructure"', 'scenario = "rough.toml"')
    experiment = load_experiment(write_experiment(tmp_path, text))
    run_experiment(experiment, out=tmp_path / "rough", workers=1, progress=False)
    edit(scenario, ROUGH.format(0.9))
    with pytest.raises(RunnerError, match="a scenario it uses has changed since"):
        run_experiment(experiment, out=tmp_path / "rough", resume=True, progress=False)


def test_resume_of_a_finished_sweep_runs_nothing_and_keeps_the_table(tmp_path):
    path = run_small(tmp_path, "done", workers=1)
    before = path.read_bytes()
    experiment = load_experiment(tmp_path / "experiment.toml")
    summary = run_experiment(
        experiment, out=tmp_path / "done", workers=1, resume=True, progress=False
    )
    assert summary.ran == 0 and summary.skipped == 9
    assert path.read_bytes() == before


@pytest.mark.parametrize("chunk_seconds", [runner.CHUNK_SECONDS, 0.0])
def test_finished_runs_are_stored_in_chunks_by_time_not_one_per_batch(
    tmp_path, monkeypatch, chunk_seconds
):
    chunks: list[int] = []
    store = ResultStore.append

    def counting(self, rows, series):
        chunks.append(len(rows))
        store(self, rows, series)

    monkeypatch.setattr(ResultStore, "append", counting)
    monkeypatch.setattr(runner, "batch_size", lambda n_runs, workers: 1)  # a batch per run
    monkeypatch.setattr(runner, "CHUNK_SECONDS", chunk_seconds)
    many = SMALL.replace("replications = 3", "replications = 20")
    experiment = load_experiment(write_experiment(tmp_path, many))
    summary = run_experiment(experiment, out=tmp_path / "out", workers=1, progress=False)
    assert len(summary.runs) == sum(chunks) == 60 and summary.runs["run_id"].is_unique
    assert chunks[0] == 1  # the first batch back is on disk at once
    if chunk_seconds == 0.0:
        assert len(chunks) == 60
    else:  # about a second of runs per chunk: these 60 take about half a second
        assert len(chunks) <= 10


class DelayedBatches:
    """An executor whose n-th batch comes back after ``delays[n]`` seconds."""

    def __init__(self, delays: list[float]) -> None:
        self.delays = iter(delays)

    def submit(self, fn, batch):
        future: cf.Future = cf.Future()
        delay = next(self.delays)

        def finish() -> None:
            time.sleep(delay)
            future.set_result([({"run_id": task, "status": "ok"}, None) for task in batch])

        threading.Thread(target=finish, daemon=True).start()
        return future


class StoreLog:
    folder = Path("unused")

    def __init__(self, fail_after: int | None = None) -> None:
        self.written: list[tuple[float, list[int]]] = []
        self.fail_after = fail_after
        self.start = time.monotonic()

    def append(self, rows, series):
        if self.fail_after is not None and len(self.written) >= self.fail_after:
            raise OSError(28, "No space left on device")
        self.written.append((time.monotonic() - self.start, [row["run_id"] for row in rows]))


def sweep(store, delays: list[float], counts: dict[str, int]) -> None:
    """Runner's loop over one-run batches that come back after ``delays``."""
    bar = tqdm(disable=True)
    runner._sweep(
        DelayedBatches(delays), store, iter(range(len(delays))), 1, 4, counts, bar, None, None
    )


def no_runs_yet(planned: int) -> dict[str, int]:
    return {"planned": planned, "already_done": 0, "ran": 0, "failed": 0}


def test_a_finished_run_is_stored_within_about_a_second_even_while_the_next_batch_runs():
    store = StoreLog()
    sweep(store, [0.0, 0.3, 3.0], no_runs_yet(3))
    (first_at, first), (second_at, second), *rest = store.written
    assert first == [0] and first_at < 0.5  # the first batch at once
    assert second == [1] and second_at < runner.CHUNK_SECONDS + 0.8  # not at 3 s with run 2
    assert [run for _, runs in store.written for run in runs] == [0, 1, 2]


def test_only_runs_that_reached_the_disk_count_as_ran():
    store = StoreLog(fail_after=1)
    counts = no_runs_yet(3)
    with pytest.raises(OSError):
        sweep(store, [0.0, 0.3, 0.3], counts)
    assert counts["ran"] == sum(len(runs) for _, runs in store.written) == 1


LONG = SMALL.replace("steps = 24", "steps = 120").replace("replications = 3", "replications = 60")


@pytest.mark.slow
def test_kill_9_in_the_middle_then_resume_gives_the_uninterrupted_table(tmp_path):
    experiment_file = write_experiment(tmp_path, LONG)
    command = [
        sys.executable,
        str(PROJECT / "run_experiment.py"),
        str(experiment_file),
        "--workers",
        "1",
        "--no-progress",
        "--out",
    ]
    subprocess.run([*command, str(tmp_path / "whole")], check=True, cwd=PROJECT)

    broken = tmp_path / "broken"
    process = subprocess.Popen([*command, str(broken)], cwd=PROJECT, start_new_session=True)
    deadline = time.monotonic() + 60
    while not list((broken / "parts").glob("runs-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (broken / "runs.parquet").exists(), "the sweep finished before it was killed"
    on_disk = sum(len(pd.read_parquet(p)) for p in (broken / "parts").glob("runs-*.parquet"))
    assert 0 < on_disk < 180

    subprocess.run([*command, str(broken), "--resume"], check=True, cwd=PROJECT)
    whole = pd.read_parquet(tmp_path / "whole" / "runs.parquet")
    resumed = pd.read_parquet(broken / "runs.parquet")
    pd.testing.assert_frame_equal(whole, resumed)
    assert resumed["run_id"].is_unique and len(resumed) == 180  # 3 points x 60


def test_an_existing_dask_cluster_is_used_through_its_scheduler_address(tmp_path):
    from distributed import LocalCluster

    local = run_small(tmp_path, "local", workers=1)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        remote = run_small(tmp_path, "remote", backend="dask", scheduler=cluster.scheduler_address)
    assert remote.read_bytes() == local.read_bytes()


def test_progress_is_reported_as_runs_done_of_runs_planned(tmp_path):
    calls = []
    run_small(
        tmp_path, "progress", workers=1, progress=lambda done, total: calls.append((done, total))
    )
    planned = len(pd.read_parquet(tmp_path / "progress" / "runs.parquet"))
    assert calls[0] == (0, planned) and calls[-1] == (planned, planned)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) > 2


def test_a_sweep_with_a_progress_bar_leaves_no_thread_behind_so_its_report_can_fork(tmp_path):
    # tqdm's monitor thread would outlive the sweep, and a process with another thread running
    # builds the report that follows a sweep in one process (see sim.analysis.report.build).
    experiment = write_experiment(tmp_path)
    script = (
        "import sys, threading\n"
        "from pathlib import Path\n"
        "from sim.sweeps.experiment import load_experiment\n"
        "from sim.sweeps.runner import run_experiment\n"
        "from sim.analysis.report import _can_fork\n"
        "run_experiment(load_experiment(Path(sys.argv[1])), out=Path(sys.argv[2]), workers=2,"
        " progress=True)\n"
        "print(sorted(t.name for t in threading.enumerate()), _can_fork())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(experiment), str(tmp_path / "out")],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "['MainThread'] True"


def test_a_cancelled_sweep_stops_early_says_so_and_resumes_to_the_same_table(tmp_path):
    import json
    import threading

    from sim.sweeps.runner import SweepCancelled

    whole = run_small(tmp_path, "whole", workers=1)
    cancel = threading.Event()

    def stop_after_first_batch(done, total):
        if done > 0:
            cancel.set()

    experiment = load_experiment(tmp_path / "experiment.toml")
    with pytest.raises(SweepCancelled) as stopped:
        run_experiment(
            experiment,
            out=tmp_path / "cut",
            workers=2,
            progress=stop_after_first_batch,
            cancel=cancel,
        )
    planned = len(pd.read_parquet(whole))
    assert 0 < stopped.value.done < planned and stopped.value.planned == planned
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert manifest["status"] == "cancelled"
    assert not (tmp_path / "cut" / "runs.parquet").exists()
    summary = run_experiment(
        experiment, out=tmp_path / "cut", workers=1, resume=True, progress=False
    )
    assert summary.skipped == stopped.value.done
    assert (tmp_path / "cut" / "runs.parquet").read_bytes() == whole.read_bytes()


def test_a_sweep_says_when_it_must_first_compile_the_model(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sim.model.compiled.compiled_code_cached", lambda: False)
    run_small(tmp_path, "cold", workers=1)
    assert "compiling the model's arithmetic" in capsys.readouterr().err
    monkeypatch.setattr("sim.model.compiled.compiled_code_cached", lambda: True)
    run_small(tmp_path, "warm", workers=1)
    assert "compiling" not in capsys.readouterr().err
