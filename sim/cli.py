"""The command line behind ``run_experiment.py``.

    python run_experiment.py EXPERIMENT.toml [--workers N] [--backend local|dask]
                             [--scheduler ADDRESS] [--out DIR] [--resume | --force] [--quick]
    python run_experiment.py check FILE...
    python run_experiment.py scenarios
    python run_experiment.py describe NAME [--constants]
    python run_experiment.py report RESULTS_DIR
    python run_experiment.py dashboard [--port N] [--host ADDRESS]

Invalid input ends with a message that names the file and the key, exit code 2,
no traceback, and nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.sweeps.experiment import Experiment, load_experiment
from sim.config.knobs import KNOBS
from sim.config.scenario import Scenario, available_scenarios, load_scenario
from sim.config.validation import ConfigError, load_toml
from sim.config.vocabulary import POWER_BASES

USAGE_ERROR = 2


class InputError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"check": check, "scenarios": scenarios, "describe": describe, "report": report,
                "dashboard": dashboard, "calibrate": calibrate}
    try:
        if argv and argv[0] in commands:
            return commands[argv[0]](argv[1:])
        return run(argv)
    except (ConfigError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="run_experiment.py",
        description="Run an alliance experiment (or: check FILE..., scenarios, describe NAME).")
    parser.add_argument("experiment", type=Path, help="experiment file (TOML)")
    parser.add_argument("--workers", type=_positive_int, default=None,
                        help="worker processes (default: number of cores)")
    parser.add_argument("--backend", choices=("local", "dask"), default="local")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--out", type=Path, help="results folder (default: results/<name>)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--resume", action="store_true", help="run only the runs missing on disk")
    mode.add_argument("--force", action="store_true", help="replace existing results")
    parser.add_argument("--quick", action="store_true",
                        help="a small subset for a first look (3 replications, 16 samples)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-report", action="store_true", help="skip the report at the end")
    args = parser.parse_args(argv)
    if args.scheduler and args.backend != "dask":
        parser.error("--scheduler goes with --backend dask")

    from sim.sweeps.runner import RunnerError, run_experiment

    experiment = load_experiment(args.experiment)
    if args.quick:
        experiment = experiment.quick()
    try:
        summary = run_experiment(experiment, out=args.out, workers=args.workers, backend=args.backend,
                                 scheduler=args.scheduler, resume=args.resume, force=args.force,
                                 progress=not args.no_progress, argv=["run_experiment.py", *argv])
    except RunnerError as exc:
        raise InputError(str(exc)) from None
    print(f"{summary.planned} runs ({summary.ran} run now, {summary.skipped} already done, "
          f"{summary.failed} failed) in {summary.seconds:.1f} s")
    print(f"results:  {summary.folder / 'runs.parquet'}")
    print(f"manifest: {summary.folder / 'manifest.json'}")
    if not args.no_report:
        from sim.analysis.report import make_report

        print(f"report:   {make_report(summary.folder)}")
    return 0


def report(argv: list[str]) -> int:
    """Rebuild the report of a results folder from its saved runs."""
    if len(argv) != 1:
        raise InputError("report takes one results folder")
    from sim.analysis.report import make_report

    try:
        print(f"report: {make_report(Path(argv[0]))}")
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from None
    return 0


def check(argv: list[str]) -> int:
    """Validate scenario and experiment files; one summary line each, or the errors."""
    if not argv:
        raise InputError("check needs at least one file")
    failed = False
    for name in argv:
        try:
            print(f"ok  {name}: {_summarise(Path(name))}")
        except ConfigError as exc:
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

    points = len(design_points(experiment))
    factors = ", ".join(f.name for f in experiment.factors) or "none"
    return (f"experiment {experiment.name!r}: {experiment.design} design over {factors}; "
            f"{points} points x {experiment.replications} replications = "
            f"{points * experiment.replications} runs")


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
        description="Show a scenario's partners and knobs (the scenario's value or the model default).")
    parser.add_argument("scenario", help="scenario name or path to a scenario file")
    parser.add_argument("--constants", action="store_true",
                        help="also list the constants (fixed effect sizes and rates, with their "
                             "plausible range and source)")
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
        print(f"  {'sector':<10} {'weight':>6}  {'capacity':>8} {'outside':>8}  power ({', '.join(POWER_BASES)})")
        for t in s.templates:
            print(f"  {t.sector:<10} {t.weight:>6.2f}  {t.capacity:>8.2f} {t.outside_option:>8.2f}  "
                  + " ".join(f"{v:.2f}" for v in t.power))
    else:
        print("partners:")
        print(f"  {'name':<14} {'sector':<10} {'capacity':>8} {'outside':>8} {'essential':>9}  "
              f"power ({', '.join(POWER_BASES)})")
        for p in s.partners:
            print(f"  {p.name:<14} {p.sector:<10} {p.capacity:>8.2f} {p.outside_option:>8.2f} "
                  f"{'yes' if p.essential else 'no':>9}  " + " ".join(f"{v:.2f}" for v in p.power))
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
        print(f"{len(constants)} constants (effect sizes and rates fixed from the literature or by "
              "judgement, settable for sensitivity analysis) are not listed; add --constants to see "
              "them with their plausible range and source.")
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
    """Run experiments/calibration.toml (resuming what is on disk) and rank the candidates."""
    parser = argparse.ArgumentParser(prog="run_experiment.py calibrate",
                                     description="Search the free parameters against the calibration target.")
    parser.add_argument("--workers", type=_positive_int, default=None)
    parser.add_argument("--quick", action="store_true", help="3 replications per candidate")
    args = parser.parse_args(argv)
    from sim.analysis.calibration import rank_candidates
    from sim.config.knobs import KNOBS as knobs
    from sim.sweeps.runner import RunnerError, run_experiment
    from sim.config.scenario import PROJECT_DIR

    experiment = load_experiment(PROJECT_DIR / "experiments" / "calibration.toml")
    if args.quick:
        experiment = experiment.quick()
    try:
        summary = run_experiment(experiment, workers=args.workers, resume=True, progress=True,
                                 argv=["run_experiment.py", "calibrate", *argv])
    except RunnerError as exc:
        raise InputError(str(exc)) from None
    ranking = rank_candidates(summary.runs)
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.precision", 2):
        print(ranking.head(8).to_string(index=False))
    current = ranking[(ranking["productivity"] == knobs["productivity"].default)
                      & (ranking["exit_threshold"] == knobs["exit_threshold"].default)]
    if len(current):
        print(f"current defaults (productivity {knobs['productivity'].default}, exit_threshold "
              f"{knobs['exit_threshold'].default}): rank {current.index[0] + 1} of {len(ranking)}, "
              f"all scenarios in 30-60%: {bool(current['all_in_target'].iloc[0])}")
    return 0


def dashboard(argv: list[str]) -> int:
    """Start the trainers' dashboard (bound to 127.0.0.1 unless --host says otherwise)."""
    parser = argparse.ArgumentParser(prog="run_experiment.py dashboard",
                                     description="Start the trainers' dashboard in a browser.")
    parser.add_argument("--port", type=_positive_int, default=None, help="port (default: $PORT or 8765)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on; 0.0.0.0 opens it to the network deliberately")
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
