"""Where a month's time goes: cProfile over whole runs, the way a sweep runs the model.

Runs ``regional_network`` at its default knobs with a responsive independent manager,
without data collection, construction included (as ``bench_step.py`` measures it), after
one warm-up run that loads the compiled code, and
prints the functions by their own time, grouped by module, with the microseconds each
costs per simulated month. Profile before optimising, and again after.

    python benchmarks/profile_month.py [--runs 40] [--partners 8] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections import defaultdict
from pathlib import Path

from bench_step import whole_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--partners", type=int, default=8)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    # Load the compiled model code first (numba's on-disk cache, about 0.3 s once per
    # process), so the profile shows the months and not the start-up.
    whole_runs(1, args.partners)
    profiler = cProfile.Profile()
    profiler.enable()
    months = whole_runs(args.runs, args.partners)
    profiler.disable()
    table = pstats.Stats(
        profiler
    ).stats  # (file, line, name) -> (cc, nc, tottime, cumtime, callers)
    total = sum(row[2] for row in table.values())
    print(
        f"{months:,} months in {total:.2f} s of profiled time: {1e6 * total / months:.0f} µs per "
        f"month, {sum(row[1] for row in table.values()) / months:.0f} calls per month "
        f"({args.partners} partners, independent manager)"
    )

    by_module: dict[str, float] = defaultdict(float)
    for (file, _, _), row in table.items():
        by_module[_module(file)] += row[2]
    print(f"\n{'own time by module':<40} {'µs/month':>9} {'share':>6}")
    for module, seconds in sorted(by_module.items(), key=lambda item: -item[1])[:12]:
        print(f"{module:<40} {1e6 * seconds / months:>9.1f} {seconds / total:>6.1%}")

    print(f"\n{'function (own time)':<58} {'calls/month':>11} {'µs/month':>9}")
    rows = sorted(table.items(), key=lambda item: -item[1][2])[: args.top]
    for (file, line, name), row in rows:
        label = f"{_module(file)}:{line} {name}"
        print(f"{label[:58]:<58} {row[1] / months:>11.1f} {1e6 * row[2] / months:>9.1f}")


def _module(file: str) -> str:
    """A short name for a source file: sim/model/x.py, mesa/x.py, or the builtin's name."""
    path = Path(file)
    parts = path.parts
    for anchor in ("sim", "mesa", "numpy"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) :])
    return file if file == "~" else path.name


if __name__ == "__main__":
    main()
