"""A policy maker's stress test at full size: 2 designs x 200 futures x 360 months, 2 workers.

The issue's target: it finishes within 60 seconds on a 2-core machine, with the progress
moving and cancel working. The stress test runs through the same runner as the CLI and
the dashboard (``run_experiment`` with a ``progress`` callback), then the policy summary
(:func:`sim.analysis.policy.summarise`) and the memo are computed, as the dashboard does.
A second stress test is cancelled after a few seconds, to time how fast cancel stops it.

Prints: the wall time of the runs and of the summary, runs and model months per second,
how many progress updates arrived and the longest wait between two, the time cancel took,
and the machine's load average (this machine is shared: say how busy it was).

    .venv/bin/python benchmarks/bench_pps.py [--futures 200] [--workers 2] [--months 360]
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import threading
import time
from pathlib import Path

from sim.analysis.policy import memo_html, summarise
from sim.sweeps.experiment import Experiment
from sim.sweeps.runner import SweepCancelled, run_experiment

DESIGNS = [
    {"name": "Availability payment", "payment_mechanism": "availability"},
    {"name": "User fees", "payment_mechanism": "user_fees"},
]


def experiment(futures: int, months: int, name: str) -> Experiment:
    """The stress test as the dashboard writes it: two designs on shared LHS futures."""
    common = {
        "contract_term": months,
        "agreement_length": 60,
        "risk_allocation": 0.7,
        "renegotiation_rule": "hardship",
        "termination_compensation": 0.3,
        "termination_borne_by": "public",
    }
    return Experiment.from_dict(
        {
            "experiment": {
                "name": name,
                "scenario": "pps_infrastructure",
                "steps": months,
                "replications": 1,
                "seed": 20261130,
            },
            "design": {"kind": "lhs", "samples": futures},
            "policy": [{**common, **d} for d in DESIGNS],
            "uncertainties": {
                "turbulence": {"low": 0.05, "high": 0.6},
                "shock_rate": {"low": 0.0, "high": 3.0},
                "political_cycle": {"low": 0.0, "high": 1.0},
            },
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--futures", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--months", type=int, default=360)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        updates: list[tuple[float, int, int]] = []
        start = time.perf_counter()

        def progress(done: int, total: int) -> None:
            updates.append((time.perf_counter(), done, total))

        summary = run_experiment(
            experiment(args.futures, args.months, "bench_pps"),
            out=Path(tmp) / "full",
            workers=args.workers,
            progress=progress,
        )
        ran = time.perf_counter() - start
        months = int(summary.runs["duration"].sum())
        t0 = time.perf_counter()
        policy = summarise(
            summary.runs,
            {
                "experiment": {
                    "name": "bench_pps",
                    "policies": [{"name": d["name"], "knobs": {}} for d in DESIGNS],
                },
                "root_seed": 20261130,
            },
        )
        memo_html(policy)
        analysed = time.perf_counter() - t0
        times = [start] + [u[0] for u in updates] + [start + ran]
        gap = max(b - a for a, b in itertools.pairwise(times))

        cancel = threading.Event()
        threading.Timer(3.0, cancel.set).start()
        t1 = time.perf_counter()
        try:
            run_experiment(
                experiment(args.futures * 4, args.months, "bench_pps_cancel"),
                out=Path(tmp) / "cancel",
                workers=args.workers,
                progress=False,
                cancel=cancel,
            )
            stopped = None
        except SweepCancelled:
            stopped = time.perf_counter() - t1 - 3.0
    load_after = os.getloadavg()
    print(
        f"stress test: {len(DESIGNS)} designs x {args.futures} futures x {args.months} months, "
        f"{args.workers} workers"
    )
    print(
        f"  runs: {summary.ran} in {ran:.1f} s ({summary.ran / ran:.1f} runs/s, "
        f"{months / ran:,.0f} model months/s; {months:,} months simulated, the rest ended early)"
    )
    print(
        f"  policy summary and memo: {analysed:.1f} s; total {ran + analysed:.1f} s (target 60 s)"
    )
    print(f"  progress: {len(updates)} updates, longest wait between two {gap:.1f} s")
    print(
        "  cancel: "
        + (
            f"stopped {stopped:.1f} s after it was asked"
            if stopped is not None
            else "the sweep finished before cancel arrived"
        )
    )
    print(
        f"  load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
