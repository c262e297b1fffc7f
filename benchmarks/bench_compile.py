"""How long the model's compiled code takes to build once, and to load afterwards.

Copies the model's sources to a temporary folder (so that nothing is compiled there yet)
and, in a fresh process each time, times ``load_compiled_code()`` (a short model run that
compiles, or loads from the cache, every compiled function of a month): first with an
empty cache, then ``--repeats`` times with the cache filled. Prints both and their ratio.
This is the wait after an install or an edit of ``sim/model`` (the Makefile's install step
and a sweep's start say so), and the start-up cost of every process that runs the model.

    python benchmarks/bench_compile.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

TIMED = """
import time
start = time.perf_counter()
from sim.model.model import load_compiled_code
imported = time.perf_counter()
load_compiled_code()
print(imported - start, time.perf_counter() - imported)
"""


def timed(folder: Path) -> tuple[float, float]:
    """Seconds to import the model and to load (or compile) its code, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", TIMED],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    imported, loaded = (float(x) for x in done.stdout.split())
    return imported, loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(
            PROJECT / "sim", folder / "sim", ignore=shutil.ignore_patterns("__pycache__")
        )
        shutil.copytree(PROJECT / "scenarios", folder / "scenarios")
        cold_import, cold = timed(folder)
        warm = sorted(timed(folder)[1] for _ in range(args.repeats))
    median = warm[len(warm) // 2]
    print(f"import of the model: {cold_import:.2f} s")
    print(f"compiling (empty cache):     {cold:6.1f} s")
    print(
        f"loading from the cache:      {median:6.2f} s (median of {len(warm)}: "
        + ", ".join(f"{w:.2f}" for w in warm)
        + ")"
    )
    print(f"ratio compile / load: {cold / median:.0f}")


if __name__ == "__main__":
    main()
