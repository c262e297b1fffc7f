"""Measure the numbers docs/ODD.md quotes in sections 9 and 10, and print them as Markdown tables.

    .venv/bin/python docs/measure.py [--seeds 400] [--workers 2]

Every cell runs the default scenarios with seeds 0..N-1 (common random numbers: the same
seed gives the same context, partners and observation errors whatever the manager does),
so differences between cells of one scenario are paired.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from sim import AllianceModel
from sim.config.scenario import available_scenarios
from sim.config.vocabulary import INTERVENTIONS

CALIBRATED = ("pps_infrastructure", "open_innovation", "regional_network")
PPS = ("pps_infrastructure", "pps_care")
PPS_DESIGNS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("payment: shared", {"payment_mechanism": "shared"}),
    ("payment: availability", {"payment_mechanism": "availability"}),
    ("payment: user fees", {"payment_mechanism": "user_fees"}),
    ("reopening: flexible", {"renegotiation_rule": "flexible"}),
    ("reopening: hardship", {"renegotiation_rule": "hardship"}),
    ("reopening: scheduled", {"renegotiation_rule": "scheduled"}),
    ("no termination compensation", {"termination_compensation": 0.0}),
    (
        "compensation 0.5, leaver pays",
        {"termination_compensation": 0.5, "termination_borne_by": "leaver"},
    ),
    (
        "compensation 0.5, public pays",
        {"termination_compensation": 0.5, "termination_borne_by": "public"},
    ),
)


def summary(job: tuple[str, dict[str, Any], int]) -> dict[str, float]:
    scenario, knobs, seeds = job
    runs = [
        AllianceModel(scenario, rng=seed, collect=False, **knobs).run() for seed in range(seeds)
    ]
    formed = [r for r in runs if r["formed"]]

    def mean(key: str, rows=runs) -> float:
        return float(np.mean([r[key] for r in rows])) if rows else float("nan")

    return {
        "formed": len(formed) / len(runs),
        "dissolved_formed": mean("dissolved", formed),
        "survival": 1.0 - mean("dissolved"),
        "value": mean("total_value"),
        "gini": mean("gini"),
        "deadlock_months": mean("deadlock_months"),
        "min_gain": mean("min_partner_gain"),
        "exits": mean("exits"),
        "renegotiations": mean("renegotiations"),
        "share_private": mean("share_private"),
        "public_paid": mean("public_termination_paid"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    n = args.seeds
    cells: dict[tuple[str, str], tuple[str, dict[str, Any], int]] = {}
    for scenario in available_scenarios():
        cells[scenario, "none"] = (scenario, {}, n)
        cells[scenario, "all"] = (scenario, {"manager": "independent"}, n)
    for scenario in CALIBRATED:
        cells[scenario, "idle"] = (scenario, {"manager": "independent", "interventions": "none"}, n)
        for lever in INTERVENTIONS:
            cells[scenario, lever] = (
                scenario,
                {"manager": "independent", "interventions": [lever]},
                n,
            )
    for scenario in PPS:
        for label, knobs in PPS_DESIGNS:
            cells[scenario, label] = (scenario, knobs, n)
    with ProcessPoolExecutor(args.workers) as pool:
        results = dict(zip(cells, pool.map(summary, cells.values()), strict=True))

    print(f"### Calibration ({n} seeds per cell)\n")
    print(
        "| scenario | formed | dissolved among formed | survival, no manager | survival, "
        "independent manager | gain |\n|---|---|---|---|---|---|"
    )
    for scenario in available_scenarios():
        none, full = results[scenario, "none"], results[scenario, "all"]
        print(
            f"| {scenario} | {none['formed']:.2f} | {none['dissolved_formed']:.2f} | "
            f"{none['survival']:.3f} | {full['survival']:.3f} | "
            f"{100 * (full['survival'] - none['survival']):+.1f} |"
        )

    print(f"\n### One lever at a time (independent manager, {n} seeds)\n")
    print(
        "| levers | "
        + " | ".join(f"{s}: survival, value, Gini, deadlock months" for s in CALIBRATED)
        + " |\n|---|"
        + "---|" * len(CALIBRATED)
    )
    for row in ("none", "idle", *INTERVENTIONS, "all"):
        cells_text = []
        for scenario in CALIBRATED:
            r = results[scenario, row]
            cells_text.append(
                f"{r['survival']:.3f}, {r['value']:.0f}, {r['gini']:.3f}, "
                f"{r['deadlock_months']:.2f}"
            )
        label = {"none": "no manager", "idle": "manager, no levers", "all": "full portfolio"}.get(
            row, row
        )
        print(f"| {label} | " + " | ".join(cells_text) + " |")

    print(f"\n### PPS design levers ({n} seeds, no manager)\n")
    print(
        "| design | "
        + " | ".join(
            f"{s}: survival, value, exits, private share, public termination paid" for s in PPS
        )
        + " |\n|---|"
        + "---|" * len(PPS)
    )
    for label, _ in PPS_DESIGNS:
        cells_text = []
        for scenario in PPS:
            r = results[scenario, label]
            cells_text.append(
                f"{r['survival']:.3f}, {r['value']:.0f}, {r['exits']:.2f}, "
                f"{r['share_private']:.3f}, {r['public_paid']:.1f}"
            )
        print(f"| {label} | " + " | ".join(cells_text) + " |")


if __name__ == "__main__":
    main()
