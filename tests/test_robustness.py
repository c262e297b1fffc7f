"""Results nobody can lose or mix (issue 13): one writer per folder, --force that removes only
what the tool wrote, code-aware resume, scenario paths that mean one thing, bounded input,
and a one-line message with the right exit code for every failure."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import COMMANDS, main
from sim.config.knobs import KNOBS
from sim.config.scenario import SCENARIO_DIR, builtin_scenario_path, load_scenario
from sim.config.validation import ConfigError
from sim.sweeps import provenance, results
from sim.sweeps.experiment import load_experiment
from sim.sweeps.lock import folder_lock
from sim.sweeps.runner import EnvironmentProblem, RunnerError, run_experiment
from tests.test_runner import SMALL, write_experiment

PROJECT = Path(__file__).resolve().parent.parent
TINY = SMALL.replace("steps = 24", "steps = 2").replace("replications = 3", "replications = 2")


def tiny(tmp_path: Path, text: str = TINY):
    return load_experiment(write_experiment(tmp_path, text))


def run_tiny(tmp_path: Path, out: str = "out", **options) -> Path:
    run_experiment(tiny(tmp_path), out=tmp_path / out, workers=1, progress=False, **options)
    return tmp_path / out


def cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT / "run_experiment.py"), *args],
        cwd=cwd or PROJECT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def hold_lock_in_another_process(folder: Path) -> subprocess.Popen:
    """A process that holds the folder's lock until killed (as a running sweep does)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from sim.sweeps.lock import folder_lock\n"
            "with folder_lock(Path(sys.argv[1]), 'sweep'):\n"
            " print('held', flush=True); time.sleep(60)",
            str(folder),
        ],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


# One writer per results folder ------------------------------------------------------------


@pytest.mark.parametrize("how", [{"force": True}, {"resume": True}, {}])
def test_a_second_writer_is_refused_at_once_naming_the_holder(tmp_path, how):
    folder = run_tiny(tmp_path)
    before = (folder / "runs.parquet").read_bytes()
    holder = hold_lock_in_another_process(folder)
    try:
        started = time.monotonic()
        with pytest.raises(RunnerError, match=f"in use by another sweep \\(pid {holder.pid} on "):
            run_experiment(tiny(tmp_path), out=folder, workers=1, progress=False, **how)
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    assert (folder / "runs.parquet").read_bytes() == before


def test_two_different_experiments_cannot_share_a_folder_while_one_runs(tmp_path):
    folder = tmp_path / "shared"
    holder = hold_lock_in_another_process(folder)
    try:
        other = tiny(tmp_path, TINY.replace('name = "small"', 'name = "other"'))
        with pytest.raises(RunnerError, match="in use by"):
            run_experiment(other, out=folder, workers=1, progress=False)
    finally:
        holder.kill()
        holder.wait()
    assert not (folder / "runs.parquet").exists()


def test_concurrent_force_on_the_command_line_refuses_the_second_and_keeps_every_run(tmp_path):
    experiment_file = write_experiment(
        tmp_path,
        SMALL.replace("steps = 24", "steps = 120").replace("replications = 3", "replications = 80"),
    )
    out = str(tmp_path / "race")
    first = subprocess.Popen(
        [
            sys.executable,
            str(PROJECT / "run_experiment.py"),
            str(experiment_file),
            "--workers",
            "1",
            "--no-progress",
            "--no-report",
            "--out",
            out,
        ],
        cwd=PROJECT,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "race" / "manifest.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = cli(
        str(experiment_file),
        "--force",
        "--workers",
        "1",
        "--no-progress",
        "--no-report",
        "--out",
        out,
    )
    assert first.wait(timeout=120) == 0
    assert second.returncode == 2
    assert f"in use by another sweep (pid {first.pid}" in second.stderr
    assert "Traceback" not in second.stderr
    table = pd.read_parquet(tmp_path / "race" / "runs.parquet")
    manifest = json.loads((tmp_path / "race" / "manifest.json").read_text())
    assert len(table) == manifest["counts"]["planned"] and table["run_id"].is_unique


def test_report_is_refused_while_a_sweep_writes_the_folder(tmp_path, capsys):
    folder = run_tiny(tmp_path)
    holder = hold_lock_in_another_process(folder)
    try:
        capsys.readouterr()
        assert main(["report", str(folder)]) == 2
        assert f"in use by another sweep (pid {holder.pid}" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert not (folder / "report.html").exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    folder = tmp_path / "stale"
    folder.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    (folder / ".lock").write_text(
        json.dumps({"pid": int(dead), "host": "here", "purpose": "sweep"})
    )
    run_experiment(tiny(tmp_path), out=folder, workers=1, progress=False)
    assert (folder / "runs.parquet").exists() and not (folder / ".lock").exists()


def test_another_thread_of_the_same_process_is_refused_too(tmp_path):
    import threading

    folder = tmp_path / "threads"
    errors = []

    def second_writer():
        try:
            with folder_lock(folder):
                pass
        except RuntimeError as exc:
            errors.append(str(exc))

    with folder_lock(folder):
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join()
    assert len(errors) == 1 and f"pid {os.getpid()}" in errors[0]


# --force removes only what the tool wrote -------------------------------------------------


def test_force_keeps_files_the_tool_did_not_write(tmp_path):
    folder = run_tiny(tmp_path)
    (folder / "figures").mkdir()
    (folder / "figures" / "my_drawing.png").write_bytes(b"user's own")
    (folder / "tables").mkdir()
    (folder / "tables" / "notes.csv").write_text("mine")
    (folder / "parts").mkdir()
    (folder / "parts" / "readme.txt").write_text("mine too")
    run_tiny(tmp_path, force=True)
    assert (folder / "figures" / "my_drawing.png").read_bytes() == b"user's own"
    assert (folder / "tables" / "notes.csv").read_text() == "mine"
    assert (folder / "parts" / "readme.txt").read_text() == "mine too"
    assert (folder / "runs.parquet").exists()


def test_force_removes_the_report_it_wrote_but_not_a_user_file_beside_it(tmp_path):
    folder = run_tiny(tmp_path)
    store = results.ResultStore(folder)
    with store.recording():  # what `report` does around the report it writes
        (folder / "figures").mkdir()
        (folder / "figures" / "survival.png").write_bytes(b"tool's")
    (folder / "figures" / "user.png").write_bytes(b"user's")
    store.clear()
    assert not (folder / "figures" / "survival.png").exists()
    assert (folder / "figures" / "user.png").read_bytes() == b"user's"
    assert not (folder / "runs.parquet").exists() and not (folder / "manifest.json").exists()


@pytest.mark.parametrize(
    "planted", ["figures/plot.png", "tables/t.csv", "parts/x.parquet", "notes.txt"]
)
def test_force_refuses_a_folder_that_is_not_a_results_folder(tmp_path, planted):
    folder = tmp_path / "mine"
    (folder / planted).parent.mkdir(parents=True, exist_ok=True)
    (folder / planted).write_text("precious")
    with pytest.raises(RunnerError, match="is not a results folder .*nothing was removed"):
        run_experiment(tiny(tmp_path), out=folder, workers=1, progress=False, force=True)
    assert (folder / planted).read_text() == "precious"
    assert sorted(p.name for p in folder.iterdir()) == [planted.split("/")[0]]


# Resume is code-aware ---------------------------------------------------------------------


def test_resume_after_a_default_changed_is_refused_naming_the_default(tmp_path, monkeypatch):
    folder = run_tiny(tmp_path)
    (folder / "runs.parquet").unlink()  # as if the sweep had stopped half-way
    knob = KNOBS["turbulence"]
    monkeypatch.setitem(KNOBS, "turbulence", replace(knob, default=round(knob.default / 2, 3)))
    with pytest.raises(RunnerError, match=r"parameter defaults: turbulence .* changed.*mix runs"):
        run_tiny(tmp_path, resume=True)


def test_resume_after_the_model_code_changed_is_refused_naming_the_file(tmp_path, monkeypatch):
    folder = run_tiny(tmp_path)
    (folder / "runs.parquet").unlink()
    real = provenance.source_hashes

    def edited():
        hashes = real()
        hashes["model/trust.py"] = "0" * 64
        return hashes

    monkeypatch.setattr(provenance, "source_hashes", edited)
    with pytest.raises(RunnerError, match="the model's code: sim/model/trust.py"):
        run_tiny(tmp_path, resume=True)


def test_resume_with_nothing_changed_finishes_the_sweep(tmp_path):
    whole = run_tiny(tmp_path, "whole") / "runs.parquet"
    folder = run_tiny(tmp_path, "cut")
    table = pd.read_parquet(folder / "runs.parquet")
    results.atomic_write_parquet(folder / "runs.parquet", table.iloc[: len(table) // 2])
    summary = run_experiment(tiny(tmp_path), out=folder, workers=1, progress=False, resume=True)
    assert summary.ran == len(table) - len(table) // 2
    assert (folder / "runs.parquet").read_bytes() == whole.read_bytes()


# Paths mean one thing ---------------------------------------------------------------------


def test_a_file_named_like_a_built_in_scenario_in_the_working_folder_does_not_replace_it(
    tmp_path, monkeypatch
):
    for name in ("pps_care", "pps_care.toml"):
        (tmp_path / name).write_text('name = "impostor"\n')
    monkeypatch.chdir(tmp_path)
    assert load_scenario("pps_care").source.endswith(str(Path("scenarios") / "pps_care.toml"))
    assert load_scenario("pps_care").name == "pps_care"


def test_a_scenario_path_in_an_experiment_is_relative_to_the_experiment_file(tmp_path, monkeypatch):
    study = tmp_path / "study"
    study.mkdir()
    (study / "variant.toml").write_text(
        'extends = "pps_infrastructure"\nname = "variant"\n[knobs]\nturbulence = 0.4\n'
    )
    experiment_file = write_experiment(
        study, TINY.replace('"pps_infrastructure"', '"variant.toml"')
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    experiment = load_experiment(experiment_file)
    assert load_scenario(experiment.scenarios[0]).knobs["turbulence"] == 0.4
    table = run_experiment(experiment, out=tmp_path / "out", workers=1, progress=False).runs
    assert (table["status"] == "ok").all()


@pytest.mark.parametrize(
    "request_",
    [
        "../scenarios/pps_care",
        str(SCENARIO_DIR / "pps_care.toml"),
        "/etc/passwd",
        "/dev/zero",
        "pps_care.toml",
        "no_such_scenario",
    ],
)
def test_the_picker_accepts_only_listed_scenario_names(request_):
    with pytest.raises(ConfigError, match="is not a built-in scenario; choose one of"):
        builtin_scenario_path(request_)
    assert builtin_scenario_path("pps_care") == SCENARIO_DIR / "pps_care.toml"


def test_devices_and_fifos_are_refused_at_once(tmp_path):
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    # In a child process, so that a regression (reading for ever) fails on the timeout.
    code = (
        "import sys\nfrom sim.config.scenario import load_scenario\n"
        "for path in sys.argv[1:]:\n"
        "    try: load_scenario(path)\n"
        "    except ValueError as exc: print(exc)\n"
    )
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", code, "/dev/zero", str(fifo)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout.splitlines()
    assert time.monotonic() - started < 15
    assert out == [
        "/dev/zero: not a regular file (a device, FIFO or socket); give a TOML file",
        f"{fifo}: not a regular file (a device, FIFO or socket); give a TOML file",
    ]


# Bounded input ----------------------------------------------------------------------------

FLOAT_KNOBS = [
    k
    for k in KNOBS.values()
    if k.kind is float and k.group != "constant" and not k.name.startswith("manager")
][:8]
HUGE = (
    """
[experiment]
name = "huge"
scenario = "pps_infrastructure"
seed = 1
replications = 10

[factors]
"""
    + "\n".join(
        f"{k.name} = [{', '.join(repr(k.low + (k.high - k.low) * i / 9) for i in range(10))}]"
        for k in FLOAT_KNOBS
    )
    + "\n"
)  # ten levels of eight knobs, ten replications: 10^9 runs


def test_a_design_of_a_billion_runs_is_refused_in_under_a_second(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(HUGE)
    started = time.monotonic()
    with pytest.raises(
        RunnerError, match=r"asks for 1,000,000,000 runs, more than the limit of 10,000,000"
    ):
        run_experiment(load_experiment(path), out=tmp_path / "huge", progress=False)
    assert time.monotonic() - started < 1
    assert not (tmp_path / "huge").exists()


def test_check_reports_an_oversized_design_instead_of_building_it(tmp_path, capsys):
    path = tmp_path / "huge.toml"
    path.write_text(HUGE)
    assert main(["check", str(path)]) == 2
    assert "1,000,000,000 runs" in capsys.readouterr().err


def test_deeply_nested_toml_and_huge_strings_are_refused(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_scenario(deep)
    long = tmp_path / "long.toml"
    long.write_text(f'description = "{"x" * 20_000}"\n')
    with pytest.raises(ConfigError, match="description: a string of 20,000 characters"):
        load_scenario(long)


def test_the_largest_documented_seed_is_accepted(tmp_path):
    experiment = tiny(tmp_path, TINY.replace("seed = 42", f"seed = {2**63 - 1}"))
    assert experiment.seed == 2**63 - 1
    table = run_experiment(experiment, out=tmp_path / "s", workers=1, progress=False).runs
    assert (table["status"] == "ok").all() and table["seed"].is_unique


@pytest.mark.parametrize("server", ["closed port", "http server"])
def test_an_unreachable_dask_scheduler_fails_within_the_connect_timeout(
    tmp_path, monkeypatch, server
):
    import http.server
    import socket
    import threading

    from sim.sweeps import runner

    monkeypatch.setattr(runner, "CONNECT_TIMEOUT", 2.0)
    httpd = None
    if server == "closed port":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]  # closed again when the block ends
    else:
        httpd = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
        port = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(
            EnvironmentProblem,
            match=f"cannot reach a Dask scheduler at tcp://127.0.0.1:{port} within 2 s",
        ):
            run_experiment(
                tiny(tmp_path),
                out=tmp_path / "d",
                backend="dask",
                progress=False,
                scheduler=f"tcp://127.0.0.1:{port}",
            )
    finally:
        if httpd is not None:
            httpd.shutdown()
    assert time.monotonic() - started < 10


# Every failure a message ------------------------------------------------------------------


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


def run_cli(tmp_path, *extra) -> int:
    return main(
        [
            str(tmp_path / "experiment.toml"),
            "--workers",
            "1",
            "--no-progress",
            "--no-report",
            "--out",
            str(tmp_path / "out"),
            *extra,
        ]
    )


def test_a_truncated_chunk_is_named_and_its_runs_run_again_on_resume(tmp_path, capsys):
    whole = run_tiny(tmp_path, "whole") / "runs.parquet"
    folder = run_tiny(tmp_path)
    table = pd.read_parquet(folder / "runs.parquet")
    (folder / "runs.parquet").unlink()
    (folder / "parts").mkdir()
    results.atomic_write_parquet(folder / "parts" / "runs-000000.parquet", table.iloc[:3])
    results.atomic_write_parquet(folder / "parts" / "runs-000001.parquet", table.iloc[3:6])
    damaged = folder / "parts" / "runs-000001.parquet"
    damaged.write_bytes(damaged.read_bytes()[:100])
    capsys.readouterr()
    assert run_cli(tmp_path, "--resume") == 0
    assert f"warning: {damaged} is damaged" in capsys.readouterr().err
    assert (folder / "runs.parquet").read_bytes() == whole.read_bytes()


def test_a_truncated_runs_table_makes_report_say_how_to_repair_it(tmp_path, capsys):
    write_experiment(tmp_path, TINY)
    assert run_cli(tmp_path) == 0
    runs = tmp_path / "out" / "runs.parquet"
    runs.write_bytes(runs.read_bytes()[:200])
    capsys.readouterr()
    assert main(["report", str(tmp_path / "out")]) == 2
    err = one_error_line(capsys)
    assert f"{runs} is damaged" in err and "--resume" in err
    assert run_cli(tmp_path, "--resume") == 0  # which re-runs its runs
    assert len(pd.read_parquet(runs)) > 0


def test_a_corrupt_manifest_is_named(tmp_path, capsys):
    write_experiment(tmp_path, TINY)
    assert run_cli(tmp_path) == 0
    (tmp_path / "out" / "manifest.json").write_text('{"fingerprint": ')
    capsys.readouterr()
    assert run_cli(tmp_path, "--resume") == 2
    assert "manifest.json is damaged (JSONDecodeError" in one_error_line(capsys)
    assert main(["report", str(tmp_path / "out")]) == 2
    assert "manifest.json is damaged" in one_error_line(capsys)


def test_report_on_a_half_finished_folder_suggests_resume(tmp_path, capsys):
    folder = run_tiny(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "runs.parquet").unlink()
    results.atomic_write_json(folder / "manifest.json", {**manifest, "status": "interrupted"})
    capsys.readouterr()
    assert main(["report", str(folder)]) == 2
    err = one_error_line(capsys)
    assert "holds an unfinished sweep" in err and f"--out {folder} --resume" in err


def test_out_naming_a_file_is_refused(tmp_path, capsys):
    write_experiment(tmp_path, TINY)
    (tmp_path / "out").write_text("not a folder")
    assert run_cli(tmp_path) == 2
    assert "is a file, not a folder" in one_error_line(capsys)


@pytest.mark.parametrize(
    "code, exit_code, hint", [(errno.EROFS, 1, "read-only"), (errno.ENOSPC, 1, "free some space")]
)
def test_a_read_only_or_full_disk_gives_one_line_and_exit_1(
    tmp_path, capsys, monkeypatch, code, exit_code, hint
):
    write_experiment(tmp_path, TINY)

    def fail(path, data):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(results, "atomic_write_bytes", fail)
    assert run_cli(tmp_path) == exit_code
    assert hint in one_error_line(capsys)


def test_absurd_worker_counts_and_long_names_are_input_errors(tmp_path, capsys):
    write_experiment(tmp_path, TINY)
    with pytest.raises(SystemExit) as stopped:
        run_cli(tmp_path, "--workers", "99999999999")
    assert stopped.value.code == 2
    assert "expected at most 1,024" in capsys.readouterr().err
    write_experiment(tmp_path, TINY.replace('name = "small"', f'name = "{"n" * 300}"'))
    assert (
        main([str(tmp_path / "experiment.toml"), "--workers", "1", "--no-progress", "--no-report"])
        == 2
    )
    assert "File name too long" in one_error_line(capsys)


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert {"check", "scenarios", "describe", "report", "calibrate", "dashboard"} <= set(COMMANDS)
    for command in COMMANDS:
        assert f"run_experiment.py {command}" in out


# Clean shutdown ---------------------------------------------------------------------------


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def start_long_sweep(tmp_path: Path) -> tuple[subprocess.Popen, set[int]]:
    experiment_file = write_experiment(
        tmp_path,
        SMALL.replace("steps = 24", "steps = 120").replace(
            "replications = 3", "replications = 200"
        ),
    )
    process = subprocess.Popen(
        [
            sys.executable,
            str(PROJECT / "run_experiment.py"),
            str(experiment_file),
            "--workers",
            "2",
            "--no-progress",
            "--no-report",
            "--out",
            str(tmp_path / "long"),
        ],
        cwd=PROJECT,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while (
        not list((tmp_path / "long" / "parts").glob("runs-*.parquet"))
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    workers = children_of(process.pid)
    assert len(workers) >= 2
    return process, workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_the_workers_and_says_how_to_resume(tmp_path):
    process, workers = start_long_sweep(tmp_path)
    process.terminate()
    assert process.wait(timeout=30) == 128 + 15
    err = process.stderr.read()
    assert "interrupted:" in err and "--resume" in err and "Traceback" not in err
    assert not alive(workers)
    manifest = json.loads((tmp_path / "long" / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_no_worker_survives_sigkill_of_the_runner(tmp_path):
    process, workers = start_long_sweep(tmp_path)
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 5
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(workers)
