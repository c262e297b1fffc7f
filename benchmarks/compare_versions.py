"""Run by run, does this version of the model tell the same story as an earlier one?

Checks out ``--against`` (a commit) into a temporary git worktree and runs the same runs with
both versions, each in its own process: every scenario under a set of manager, governance
and knob variants that between them pass through every branch of the month, for ``--seeds``
seeds each. Prints how many runs have the same events and the same discrete outcomes
(duration, cause, formed, deadlocks, exits, ...), the largest difference of any value
(relative, and absolute where values are near zero), and each version's time, with the
ratio of this version's time to the earlier one's.

Issue 15 compiled the month with numba; against 7952b48 (numpy only) this is the check that
compiling changed nothing but rounding:

    python benchmarks/compare_versions.py --against 7952b48 [--seeds 25]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

#: Knob settings that between them reach every branch of the month.
VARIANTS: list[dict] = [
    {"manager": "none"},
    {"manager": "independent"},
    {"manager": "independent", "manager_strategy": "routine"},
    {"manager": "lead_partner", "manager_position": 0.05},
    {"manager": "lead_partner", "manager_position": 0.2, "political_cycle": 1.0},
    {"manager": "lead_partner", "manager_position": 0.1, "interventions": ["build_trust"]},
    {"manager": "independent", "interventions": ["mediate", "align_ambition"]},
    {"manager": "independent", "interventions": ["balance_power", "formalise", "scan_adapt"]},
    {"manager": "independent", "termination_compensation": 0.5},
    {
        "manager": "none",
        "termination_compensation": 0.5,
        "termination_borne_by": "public",
        "renegotiation_rule": "hardship",
    },
    {"manager": "independent", "renegotiation_rule": "flexible", "turbulence": 0.9},
    {"manager": "independent", "payment_mechanism": "user_fees", "risk_allocation": 0.8},
    {"manager": "none", "payment_mechanism": "availability", "risk_allocation": 0.2},
    {"manager": "independent", "formalisation": 0.8, "power_asymmetry": 1.0},
    {"manager": "lead_partner", "manager_position": 0.5, "horizon": 240},
]

DUMP = """
import json, sys, time
from sim import AllianceModel, available_scenarios
variants, seeds = json.loads(sys.argv[1]), int(sys.argv[2])
rows, start = [], time.perf_counter()
for scenario in available_scenarios():
    for i, knobs in enumerate(variants):
        for seed in range(seeds):
            try:
                model = AllianceModel(scenario, rng=seed, collect=False, **knobs)
            except Exception as exc:  # a knob the scenario does not take
                rows.append({"key": [scenario, i, seed], "skipped": str(exc)[:80]})
                continue
            out = model.run()
            events = [[m, kind] for m, kind, _ in model.events]
            rows.append({"key": [scenario, i, seed], "outcomes": out, "events": events})
print(json.dumps({"seconds": time.perf_counter() - start, "runs": rows}))
"""


def dump(source: Path, seeds: int) -> dict:
    """Every run's outcomes and events under the code in ``source``, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run(
        [sys.executable, "-c", DUMP, json.dumps(VARIANTS), str(seeds)],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def compare(old: dict, new: dict) -> dict:
    """Counts of runs alike in events and discrete outcomes, and the largest differences."""
    result = {"runs": 0, "same_events": 0, "same_discrete": 0, "relative": 0.0, "absolute": 0.0}
    worst = ("", "")
    for a, b in zip(old["runs"], new["runs"], strict=True):
        assert a["key"] == b["key"]
        if "skipped" in a or "skipped" in b:
            continue
        result["runs"] += 1
        result["same_events"] += a["events"] == b["events"]
        discrete = True
        for name, x in a["outcomes"].items():
            y = b["outcomes"].get(name)
            if isinstance(x, float) and isinstance(y, float):
                if math.isnan(x) and math.isnan(y):
                    continue
                gap = abs(x - y)
                relative = gap / max(abs(x), abs(y), 1e-300)
                if relative > result["relative"]:
                    result["relative"], worst = relative, (str(a["key"]), name)
                result["absolute"] = max(result["absolute"], gap)
            elif x != y:
                discrete = False
        result["same_discrete"] += discrete
    result["worst"] = worst
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="7952b48", help="the earlier commit")
    parser.add_argument("--seeds", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        earlier = Path(tmp) / "earlier"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(earlier), args.against],
            cwd=PROJECT,
            check=True,
            capture_output=True,
        )
        try:
            started = time.perf_counter()
            old = dump(earlier, args.seeds)
            new = dump(PROJECT, args.seeds)
            elapsed = time.perf_counter() - started
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(earlier)], cwd=PROJECT, check=False
            )
    r = compare(old, new)
    print(
        f"{r['runs']:,} runs ({len(VARIANTS)} variants x {args.seeds} seeds x every scenario) "
        f"against {args.against}, {elapsed:.0f} s in all"
    )
    print(f"  same events:            {r['same_events']:,} of {r['runs']:,}")
    print(f"  same discrete outcomes: {r['same_discrete']:,} of {r['runs']:,}")
    print(
        f"  largest difference of a value: {r['relative']:.1e} relative "
        f"({r['worst'][1]}, run {r['worst'][0]}), {r['absolute']:.1e} absolute"
    )
    print(
        f"  time: {args.against} {old['seconds']:.1f} s, this version {new['seconds']:.1f} s "
        f"(ratio {new['seconds'] / old['seconds']:.2f})"
    )


if __name__ == "__main__":
    main()
