"""Sweep throughput and memory: our runner against mesa.batchrunner.batch_run.

Part A runs the same sweep (same model, scenario, factors, replications, months and
number of processes) twice, each in a fresh process: through ``run_experiment.py``
and through ``mesa.batchrunner.batch_run``. batch_run can only read results through
the model's DataCollector, so it runs with per-month collection on (the model's
``collect=True``) and keeps every result in memory; our runner asks each run for
its outcomes only and streams them to disk. By default the sweep is issue 15's: 10,008
runs (12 design points x 834 replications) of up to 120 months with two workers, target
at most 20 s on the reference machine; our runner is timed ``--repeats`` times (the
spread is printed), batch_run once; the same sweep with one replication shows the part of
the time that does not depend on the number of runs. Part B runs our runner on 1,000 and
10,000 runs to show that peak memory does not grow with the size of the sweep.

Peak memory is the largest total proportional set size (PSS) of the whole process
tree (the driver's child and all its workers), sampled every 100 ms with psutil. PSS
splits pages shared between processes among them, so a worker forked from a parent
that already loaded the libraries is not counted as if it held its own copy.

    python benchmarks/bench_sweep.py [--replications 834] [--workers 2] [--repeats 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import psutil

PROJECT = Path(__file__).resolve().parent.parent
MANAGERS = ["none", "lead_partner", "independent"]
TURBULENCE = [0.1, 0.3, 0.5, 0.7]

EXPERIMENT = """
[experiment]
name = "bench"
scenario = "pps_infrastructure"
steps = {steps}
replications = {replications}
seed = 1

[factors]
manager = {managers}
turbulence = {turbulence}
"""

BATCH_RUN = """
import mesa
from sim import AllianceModel
results = mesa.batchrunner.batch_run(
    AllianceModel,
    parameters={{"scenario": "pps_infrastructure", "manager": {managers}, "turbulence": {turbulence},
                "horizon": {steps}}},
    rng=list(range({replications})), max_steps={steps}, number_processes={workers},
    data_collection_period=-1, display_progress=False)
print(len(results))
"""


def wall_time(command: list[str]) -> float:
    """Run ``command`` undisturbed and return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(command, cwd=PROJECT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def measure(command: list[str]) -> tuple[float, float]:
    """Run ``command`` twice: once for its wall time, once for the peak PSS of its process
    tree (MiB), so the memory sampling does not slow down the timed run."""
    seconds = wall_time(command)
    process = psutil.Popen(command, cwd=PROJECT, stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_full_info().pss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return seconds, peak / 2**20


def our_command(folder: Path, replications: int, steps: int, workers: int) -> list[str]:
    """The command line that runs the benchmark's sweep through ``run_experiment.py``."""
    experiment = folder / f"bench-{replications}-{steps}.toml"
    experiment.write_text(
        EXPERIMENT.format(
            steps=steps, replications=replications, managers=MANAGERS, turbulence=TURBULENCE
        )
    )
    out = folder / f"out-{replications}-{steps}"
    return [
        sys.executable,
        "run_experiment.py",
        str(experiment),
        "--workers",
        str(workers),
        "--out",
        str(out),
        "--no-progress",
        "--no-report",
        "--force",
    ]


def ours(folder: Path, replications: int, steps: int, workers: int) -> tuple[float, float]:
    return measure(our_command(folder, replications, steps, workers))


def theirs(replications: int, steps: int, workers: int) -> tuple[float, float]:
    script = BATCH_RUN.format(
        managers=MANAGERS,
        turbulence=TURBULENCE,
        steps=steps,
        replications=replications,
        workers=workers,
    )
    return measure([sys.executable, "-c", textwrap.dedent(script)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=834)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of our sweep")
    args = parser.parse_args()
    runs = len(MANAGERS) * len(TURBULENCE) * args.replications
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"A. the same sweep: {runs:,} runs of up to 120 months, {args.workers} processes")
        command = our_command(folder, args.replications, 120, args.workers)
        t_first, m_ours = measure(command)
        times = sorted([t_first, *(wall_time(command) for _ in range(args.repeats - 1))])
        t_ours = times[len(times) // 2]
        fixed = sorted(
            wall_time(our_command(folder, 1, 120, args.workers)) for _ in range(args.repeats)
        )
        t_theirs, m_theirs = theirs(args.replications, 120, args.workers)
        spread = ", ".join(f"{t:.1f}" for t in times)
        print(
            f"   run_experiment.py  {t_ours:7.1f} s median of {len(times)} ({spread})  "
            f"peak {m_ours:7.0f} MiB"
        )
        print(
            f"   of which fixed     {fixed[len(fixed) // 2]:7.1f} s: the same sweep with one "
            f"replication ({len(MANAGERS) * len(TURBULENCE)} runs), median of {len(fixed)} "
            f"({fixed[0]:.1f}-{fixed[-1]:.1f}): start, imports, the compiled model, the files"
        )
        print(f"   batch_run          {t_theirs:7.1f} s  peak {m_theirs:7.0f} MiB")
        print(
            f"   wall-time ratio ours/batch_run = {t_ours / t_theirs:.2f}; "
            f"peak memory ratio = {m_ours / m_theirs:.2f} (target <= 1); "
            f"target for 10,000 runs: <= 20 s"
        )

        print("B. our runner, 1,000 versus 10,000 runs of 24 months")
        small = ours(folder, 1000 // 12 + 1, 24, args.workers)
        large = ours(folder, 10000 // 12 + 1, 24, args.workers)
        print(f"   ~1,000 runs   {small[0]:7.1f} s  peak {small[1]:7.0f} MiB")
        print(f"   ~10,000 runs  {large[0]:7.1f} s  peak {large[1]:7.0f} MiB")
        print(f"   peak memory ratio 10,000/1,000 = {large[1] / small[1]:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
