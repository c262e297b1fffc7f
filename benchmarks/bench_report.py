"""How long the report of a large sweep takes: ``run_experiment.py report`` on N runs.

The results folder is either given (``--dir``; its runs, manifest and design are copied to a
scratch folder, so its own report is left alone) or built first with the project's runner
(``--runs``, default 10,000, 120 months, two workers; this takes one to two minutes and is
not timed): a factorial sweep of manager x scenario x turbulence, or with ``--paired`` four
PPS contract designs (``experiments/pps_design.toml``) on N / 4 futures, whose report also
opens with the policy summary.

Each repeat times the report end to end in a new process, as a user runs it
(``run_experiment.py report DIR``: interpreter start, imports, every table and figure, the
HTML), and, as the baseline, the irreducible work of touching the data in this process:
reading ``runs.parquet`` and a group-by ``describe()`` of every outcome by the report's main
group. The printed ratio report / baseline is the report's cost in units of reading the data
once, which moves less than the seconds when the shared machine is busy.

    python benchmarks/bench_report.py [--runs 10000] [--paired] [--dir RESULTS] [--repeats 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

FACTORIAL = """
[experiment]
name = "bench_report"
steps = 120
replications = {replications}
seed = 20261130

[design]
kind = "factorial"

[factors]
manager = ["none", "lead_partner", "independent"]
scenario = ["pps_infrastructure", "pps_care", "open_innovation", "shared_service_centre",
            "regional_network", "cocreation"]
turbulence = [0.2, 0.5]
"""
FACTORIAL_CELLS = 36


def build(folder: Path, runs: int, paired: bool, workers: int) -> None:
    """Run a sweep of about ``runs`` runs into ``folder`` (not timed)."""
    from sim.sweeps.experiment import load_experiment
    from sim.sweeps.runner import run_experiment

    if paired:
        text = (PROJECT / "experiments" / "pps_design.toml").read_text()
        text = text.replace("steps = 360", "steps = 120").replace(
            "samples = 200", f"samples = {max(runs // 4, 2)}"
        )
    else:
        text = FACTORIAL.format(replications=max(runs // FACTORIAL_CELLS, 1))
    toml = folder.parent / "bench_report.toml"
    toml.write_text(text)
    run_experiment(load_experiment(toml), out=folder, workers=workers, progress=False)


def copy_results(source: Path, folder: Path) -> None:
    """The inputs of a report (runs, manifest, design, series), without its outputs."""
    folder.mkdir(parents=True)
    for name in ("runs.parquet", "manifest.json", "design.parquet", "timeseries.parquet"):
        if (source / name).exists():
            shutil.copy2(source / name, folder / name)


def baseline(folder: Path) -> float:
    """Seconds to read runs.parquet and describe every outcome by the report's main group."""
    import json

    import pandas as pd

    from sim.analysis.report import main_group
    from sim.model.outcomes import OUTCOMES

    manifest = json.loads((folder / "manifest.json").read_text())
    start = time.perf_counter()
    runs = pd.read_parquet(folder / "runs.parquet")
    group = main_group(runs, manifest["experiment"])
    outcomes = [
        name
        for name, o in OUTCOMES.items()
        if o.kind in (float, int, bool) and name in runs and name != group
    ]
    runs.assign(**{o: runs[o].astype(float) for o in outcomes}).groupby(group)[outcomes].describe()
    return time.perf_counter() - start


def report(folder: Path) -> float:
    """Seconds for ``run_experiment.py report folder`` in a new process."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "run_experiment.py", "report", str(folder)],
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def spread(values: list[float], unit: str = " s") -> str:
    return (
        f"median {statistics.median(values):.2f}{unit} "
        f"(min {min(values):.2f}, max {max(values):.2f}, {len(values)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000, help="runs of the sweep to build")
    parser.add_argument("--paired", action="store_true", help="policies x futures design")
    parser.add_argument("--dir", type=Path, help="an existing results folder (not rebuilt)")
    parser.add_argument("--workers", type=int, default=2, help="workers to build the sweep")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_report_") as scratch:
        folder = Path(scratch) / "results"
        if args.dir:
            copy_results(args.dir, folder)
        else:
            print(f"building a sweep of about {args.runs:,} runs (not timed) ...", flush=True)
            build(folder, args.runs, args.paired, args.workers)
        import pandas as pd

        n = len(pd.read_parquet(folder / "runs.parquet", columns=["run_id"]))
        base, seconds = [], []
        for _ in range(args.repeats):  # the baseline as the median of three, it is short
            base.append(statistics.median(baseline(folder) for _ in range(3)))
            seconds.append(report(folder))
        ratios = [s / b for s, b in zip(seconds, base, strict=True)]
        design = "paired (policies x futures)" if args.paired else "factorial"
        print(f"report of {n:,} runs ({'from ' + str(args.dir) if args.dir else design})")
        print(f"  run_experiment.py report, end to end: {spread(seconds)}")
        print(f"  baseline, read runs.parquet + group-by describe: {spread(base)}")
        print(f"  ratio report / baseline: {spread(ratios, unit='')}")
        print("  target: a few seconds, at most 10 s end to end on the 2-core reference machine")


if __name__ == "__main__":
    main()
