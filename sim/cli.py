"""The command line behind ``run_experiment.py``.

    python run_experiment.py EXPERIMENT.toml [--workers N] [--backend local|dask]
                             [--scheduler ADDRESS] [--out DIR] [--resume | --force] [--quick]
                             [--max-runs N]
    python run_experiment.py check FILE...
    python run_experiment.py scenarios
    python run_experiment.py describe NAME [--constants]
    python run_experiment.py report RESULTS_DIR
    python run_experiment.py dashboard [--port N] [--host ADDRESS]

Invalid input ends with a message that names the file and the key, exit code 2,
no traceback, and nothing written; a broken environment (a full or read-only disk, a Dask
scheduler out of reach) ends with a one-line message and exit code 1; SIGINT or SIGTERM
stop a sweep with a message saying how to resume it, exit code 128 + the signal number.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from sim.config.knobs import KNOBS
from sim.config.scenario import Scenario, available_scenarios, load_scenario
from sim.config.validation import ConfigError, load_toml
from sim.config.vocabulary import POWER_BASES
from sim.sweeps.experiment import Experiment, load_experiment
from sim.sweeps.limits import MAX_WORKERS, DesignTooLarge

USAGE_ERROR = 2
ENVIRONMENT_ERROR = 1


class InputError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""


#: The subcommands, with the line ``--help`` shows for each; each is run by the function of
#: the same name below, which takes the remaining arguments (add a new command here).
COMMANDS: dict[str, str] = {
    "check": "check FILE...              validate scenario and experiment files",
    "scenarios": "scenarios                   list the built-in scenarios",
    "describe": "describe NAME [--constants] a scenario's partners and knobs",
    "report": "report RESULTS_DIR          rebuild the report of a results folder",
    "methods": "methods RESULTS_DIR         a methods paragraph for a paper, from the manifest",
    "calibrate": "calibrate [--quick]         the calibration search (docs/ODD.md, section 9)",
    "dashboard": "dashboard [--port N]        the trainers' dashboard in a browser",
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0, 1 broken environment, 2 bad input)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Each command is the function of the same name in this module (see COMMANDS).
    handlers = {name: globals()[name] for name in COMMANDS}
    from sim.sweeps.runner import RunnerError, SweepInterrupted

    try:
        if argv and argv[0] in handlers:
            return handlers[argv[0]](argv[1:])
        return run(argv)
    except (ConfigError, InputError, DesignTooLarge) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except RunnerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except SweepInterrupted as exc:
        print(
            f"interrupted: {exc.done} of {exc.planned} runs are saved in {exc.folder}; "
            f"finish with: {_resume_command(exc.folder)}",
            file=sys.stderr,
        )
        return 128 + int(exc.signum)
    except KeyboardInterrupt as exc:
        print("interrupted", file=sys.stderr)
        return 128 + int(getattr(exc, "signum", 2))
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _resume_command(folder: Path) -> str:
    """The command that finishes the sweep in ``folder``, from its manifest."""
    from sim.sweeps.results import ResultStore

    try:
        source = (ResultStore(folder).read_manifest() or {}).get("experiment_file")
    except Exception:  # noqa: BLE001 - only a hint; the message must still come out
        source = None
    return f"run_experiment.py {source or 'EXPERIMENT.toml'} --out {folder} --resume"


def run(argv: list[str]) -> int:
    from sim.sweeps.limits import MAX_RUNS

    parser = argparse.ArgumentParser(
        prog="run_experiment.py",
        description="Run an alliance experiment, or one of the commands below.",
        epilog="commands:\n"
        + "\n".join(f"  run_experiment.py {line}" for line in COMMANDS.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("experiment", type=Path, help="experiment file (TOML)")
    parser.add_argument(
        "--workers",
        type=_bounded_int(MAX_WORKERS),
        default=None,
        help="worker processes (default: number of cores)",
    )
    parser.add_argument("--backend", choices=("local", "dask"), default="local")
    parser.add_argument(
        "--scheduler", help="address of a running Dask scheduler, e.g. tcp://host:8786"
    )
    parser.add_argument("--out", type=Path, help="results folder (default: results/<name>)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--resume", action="store_true", help="run only the runs missing on disk")
    mode.add_argument("--force", action="store_true", help="replace existing results")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small subset for a first look (3 replications, 16 samples)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-report", action="store_true", help="skip the report at the end")
    parser.add_argument(
        "--max-runs",
        type=_bounded_int(10**12),
        default=MAX_RUNS,
        help=f"refuse designs of more runs than this (default {MAX_RUNS:,})",
    )
    args = parser.parse_args(argv)
    if args.scheduler and args.backend != "dask":
        parser.error("--scheduler goes with --backend dask")

    from sim.sweeps.limits import check_design_size
    from sim.sweeps.results import ResultStore
    from sim.sweeps.runner import (
        hold_results_folder,
        results_folder,
        run_experiment,
        stop_on_signals,
    )

    experiment = load_experiment(args.experiment)
    if args.quick:
        experiment = experiment.quick()
    check_design_size(experiment, args.max_runs)
    folder = results_folder(experiment, args.out)
    # One lock over the sweep and its report: nobody can replace the runs in between.
    with stop_on_signals(), hold_results_folder(folder, "sweep"):
        summary = run_experiment(
            experiment,
            out=folder,
            workers=args.workers,
            backend=args.backend,
            scheduler=args.scheduler,
            resume=args.resume,
            force=args.force,
            progress=not args.no_progress,
            argv=["run_experiment.py", *argv],
            max_runs=args.max_runs,
        )
        print(
            f"{summary.planned} runs ({summary.ran} run now, {summary.skipped} already done, "
            f"{summary.failed} failed) in {summary.seconds:.1f} s"
        )
        print(f"results:  {summary.folder / 'runs.parquet'}")
        print(f"manifest: {summary.folder / 'manifest.json'}")
        if not args.no_report:
            from sim.analysis.report import make_report

            with ResultStore(folder).recording():
                print(f"report:   {make_report(summary.folder)}")
    return 0


def report(argv: list[str]) -> int:
    """Rebuild the report of a results folder from its saved runs (holding its lock)."""
    if len(argv) != 1:
        raise InputError("report takes one results folder")
    from sim.analysis.report import make_report
    from sim.sweeps.results import ResultStore
    from sim.sweeps.runner import hold_results_folder, stop_on_signals

    folder = Path(argv[0])
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder")
    with stop_on_signals(), hold_results_folder(folder, "report"):
        _check_finished(folder)
        with ResultStore(folder).recording():
            print(f"report: {make_report(folder)}")
    return 0


def methods(argv: list[str]) -> int:
    """Print a methods paragraph (model version and commit, design, seeds, analyses)."""
    if len(argv) != 1:
        raise InputError("methods takes one results folder")
    from sim.analysis.methods import methods_paragraph

    folder = Path(argv[0])
    _check_finished(folder)
    print(methods_paragraph(folder))
    return 0


def _check_finished(folder: Path) -> None:
    """Refuse, with what to do, a folder that is not a finished, readable results folder."""
    from sim.sweeps.results import RUNS, DamagedFile, ResultStore

    store = ResultStore(folder)
    if not store.is_results_folder():
        raise InputError(
            f"{folder} is not a results folder (no manifest.json); give the folder "
            "a sweep wrote (results/<name>/)"
        )
    try:
        manifest = store.read_manifest() or {}
    except DamagedFile as exc:
        raise InputError(f"{exc}; run the experiment again into it with --force") from None
    if manifest.get("status") != "complete" or not (folder / RUNS).exists():
        counts = manifest.get("counts") or {}
        done = counts.get("already_done", 0) + counts.get("ran", 0)
        raise InputError(
            f"{folder} holds an unfinished sweep ({done} of "
            f"{counts.get('planned', '?')} runs on disk, status "
            f"{manifest.get('status', 'unknown')}); finish it with: "
            f"{_resume_command(folder)}"
        )
    damaged = store.damaged_files()
    if damaged:
        raise InputError(f"{damaged[0]}; run its runs again with: {_resume_command(folder)}")


def check(argv: list[str]) -> int:
    """Validate scenario and experiment files; one summary line each, or the errors."""
    if not argv:
        raise InputError("check needs at least one file")
    failed = False
    for name in argv:
        try:
            print(f"ok  {name}: {_summarise(Path(name))}")
        except (ConfigError, DesignTooLarge) as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed = True
    return USAGE_ERROR if failed else 0


def _summarise(path: Path) -> str:
    if "experiment" in load_toml(path):
        return _describe_experiment(load_experiment(path))
    scenario = load_scenario(path)
    return _describe_scenario_line(scenario)


def _describe_experiment(experiment: Experiment) -> str:
    from sim.sweeps.designs import design_points
    from sim.sweeps.limits import check_design_size

    check_design_size(experiment)  # by arithmetic, before the design is built
    points = len(design_points(experiment))
    factors = ", ".join(f.name for f in experiment.factors) or "none"
    if experiment.is_paired:
        futures = points // len(experiment.policies)
        return (
            f"experiment {experiment.name!r}: {len(experiment.policies)} policies x "
            f"{futures} futures ({experiment.design} over {factors}) x "
            f"{experiment.replications} replications = {points * experiment.replications} runs"
        )
    return (
        f"experiment {experiment.name!r}: {experiment.design} design over {factors}; "
        f"{points} points x {experiment.replications} replications = "
        f"{points * experiment.replications} runs"
    )


def _describe_scenario_line(scenario: Scenario) -> str:
    if scenario.generated:
        who = "generated partners from " + ", ".join(t.sector for t in scenario.templates)
    else:
        sectors = sorted({p.sector for p in scenario.partners})
        who = f"{len(scenario.partners)} partners ({', '.join(sectors)})"
    return f"scenario {scenario.name!r}: {who}, {len(scenario.issues)} issues"


def scenarios(argv: list[str]) -> int:
    """List the scenarios shipped in scenarios/ with their one-line descriptions."""
    if argv:
        raise InputError("scenarios takes no arguments")
    names = available_scenarios()
    width = max(map(len, names), default=0)
    for name in names:
        print(f"{name:<{width}}  {load_scenario(name).description}")
    return 0


def describe(argv: list[str]) -> int:
    """Show a scenario's partners and knobs; ``--constants`` adds the fixed constants."""
    parser = argparse.ArgumentParser(
        prog="run_experiment.py describe",
        description="Show a scenario's partners and knobs "
        "(the scenario's value or the model default).",
    )
    parser.add_argument("scenario", help="scenario name or path to a scenario file")
    parser.add_argument(
        "--constants",
        action="store_true",
        help="also list the constants (fixed effect sizes and rates, with their "
        "plausible range and source)",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and the error
        if exc.code:
            return USAGE_ERROR
        raise
    s = load_scenario(args.scenario)
    print(f"{s.name}: {s.description}")
    if s.form:
        print(f"form: {s.form}")
    if s.dilemma:
        print(f"dilemma: {s.dilemma}")
    print(f"issues: {', '.join(s.issues)}")
    print()
    if s.generated:
        print(f"partners: generated (knob n_partners), variation {s.variation:g}")
        bases = ", ".join(POWER_BASES)
        print(f"  {'sector':<10} {'weight':>6}  {'capacity':>8} {'outside':>8}  power ({bases})")
        for t in s.templates:
            print(
                f"  {t.sector:<10} {t.weight:>6.2f}  {t.capacity:>8.2f} {t.outside_option:>8.2f}  "
                + " ".join(f"{v:.2f}" for v in t.power)
            )
    else:
        print("partners:")
        print(
            f"  {'name':<14} {'sector':<10} {'capacity':>8} {'outside':>8} {'essential':>9}  "
            f"power ({', '.join(POWER_BASES)})"
        )
        for p in s.partners:
            print(
                f"  {p.name:<14} {p.sector:<10} {p.capacity:>8.2f} {p.outside_option:>8.2f} "
                f"{'yes' if p.essential else 'no':>9}  " + " ".join(f"{v:.2f}" for v in p.power)
            )
    knobs = [k for k in KNOBS.values() if not (k.name == "n_partners" and not s.generated)]
    settable = [k for k in knobs if k.group != "constant"]
    constants = [k for k in knobs if k.group == "constant"]
    # Constants the scenario sets are part of what makes it; show them with the knobs.
    overridden = [k for k in constants if k.name in s.knobs]
    print()
    print("knobs (scenario value, or the model default):")
    for group in dict.fromkeys(k.group for k in settable):
        print(f"  [{group}]")
        for knob in settable:
            if knob.group == group:
                print(_knob_line(knob, s))
    if overridden:
        print("  [constants set by the scenario]")
        for knob in overridden:
            print(_knob_line(knob, s))
    print("(* set by the scenario)")
    print()
    if not args.constants:
        print(
            f"{len(constants)} constants (effect sizes and rates fixed from the literature or by "
            "judgement, settable for sensitivity analysis) are not listed; add --constants to see "
            "them with their plausible range and source."
        )
        return 0
    print("constants (value, plausible range the sensitivity analysis samples, source):")
    for knob in constants:
        print(_knob_line(knob, s, constant=True))
    print("(* set by the scenario)")
    return 0


def _knob_line(knob, scenario: Scenario, constant: bool = False) -> str:
    """One knob as a listing line: marker, name, value, allowed values (or plausible range and
    source, for a constant) and meaning."""
    value = scenario.knobs.get(knob.name, knob.default)
    if knob.kind == "interventions":
        value = "+".join(value) or "none"
    marker = "*" if knob.name in scenario.knobs else " "
    line = f"  {marker}{knob.name:<24} {value!s:<12}"
    if constant:
        plausible = knob.plausible_range
        span = f"{plausible[0]:g}-{plausible[1]:g}" if plausible is not None else knob.allowed
        line += f" {span:<12} {knob.meaning}"
        return line + (f" [{knob.source}]" if knob.source else "")
    line += f" {knob.allowed:<28} {knob.meaning}"
    notes = []
    if knob.plausible is not None and knob.plausible_range != (knob.low, knob.high):
        notes.append(f"plausible {knob.plausible[0]:g}-{knob.plausible[1]:g}")
    if knob.source:
        notes.append(knob.source)
    return line + (f" [{'; '.join(notes)}]" if notes else "")


def calibrate(argv: list[str]) -> int:
    """Run experiments/calibration.toml (resuming what is on disk, or from the start with
    ``--force``) and rank the candidates."""
    parser = argparse.ArgumentParser(
        prog="run_experiment.py calibrate",
        description="Search the free parameters against the calibration target.",
    )
    parser.add_argument("--workers", type=_bounded_int(MAX_WORKERS), default=None)
    parser.add_argument("--quick", action="store_true", help="3 replications per candidate")
    parser.add_argument(
        "--force",
        action="store_true",
        help="start again instead of resuming (needed after the model changed)",
    )
    args = parser.parse_args(argv)
    from sim.analysis.calibration import rank_candidates
    from sim.config.knobs import KNOBS as knobs
    from sim.config.scenario import PROJECT_DIR
    from sim.sweeps.runner import run_experiment, stop_on_signals

    experiment = load_experiment(PROJECT_DIR / "experiments" / "calibration.toml")
    if args.quick:
        experiment = experiment.quick()
    with stop_on_signals():
        summary = run_experiment(
            experiment,
            workers=args.workers,
            resume=not args.force,
            force=args.force,
            progress=True,
            argv=["run_experiment.py", "calibrate", *argv],
        )
    ranking = rank_candidates(summary.runs)
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.precision", 2):
        print(ranking.head(8).to_string(index=False))
    current = ranking[
        (ranking["productivity"] == knobs["productivity"].default)
        & (ranking["exit_threshold"] == knobs["exit_threshold"].default)
    ]
    if len(current):
        print(
            f"current defaults (productivity {knobs['productivity'].default}, exit_threshold "
            f"{knobs['exit_threshold'].default}): rank {current.index[0] + 1} of {len(ranking)}, "
            f"all scenarios in 30-60%: {bool(current['all_in_target'].iloc[0])}"
        )
    return 0


def dashboard(argv: list[str]) -> int:
    """Start the trainers' dashboard (bound to 127.0.0.1 unless --host says otherwise)."""
    parser = argparse.ArgumentParser(
        prog="run_experiment.py dashboard",
        description="Start the trainers' dashboard in a browser.",
    )
    parser.add_argument(
        "--port", type=_positive_int, default=None, help="port (default: $PORT or 8765)"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; 0.0.0.0 opens it to the network deliberately",
    )
    args = parser.parse_args(argv)
    from sim.dashboard.server import run as run_dashboard

    run_dashboard(args.host, args.port)
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def _bounded_int(high: int) -> Any:
    """An argparse type: a whole number from 1 to ``high``."""

    def parse(text: str) -> int:
        value = _positive_int(text)
        if value > high:
            raise argparse.ArgumentTypeError(f"expected at most {high:,}, got {value:,}")
        return value

    return parse
