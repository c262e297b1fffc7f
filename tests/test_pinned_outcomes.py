"""The same seeds give the same outcomes as when the table was last pinned.

An optimisation that is meant to be exact must leave this table unchanged; a deliberate model
change updates it, in the same commit, with

    .venv/bin/python tests/test_pinned_outcomes.py --update

The two variants with a partisan manager and with termination compensation were added when
the month was compiled (issue 15), with values computed by the numpy-only model before it
(commit 7952b48): the compiled model reproduces them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim import AllianceModel  # noqa: E402
from sim.config.scenario import available_scenarios  # noqa: E402

TABLE = Path(__file__).with_name("data") / "pinned_outcomes.json"
SEEDS = range(3)
#: Settings that between them pass through every branch of the month: no manager, a
#: responsive independent one, a partisan lead partner's manager under a political cycle,
#: and termination compensation borne by the public side with hardship renegotiation.
VARIANTS: dict[str, dict] = {
    "none": {"manager": "none"},
    "independent": {"manager": "independent"},
    "partisan": {"manager": "lead_partner", "manager_position": 0.1, "political_cycle": 1.0},
    "public_compensation": {
        "manager": "independent",
        "termination_compensation": 0.5,
        "termination_borne_by": "public",
        "renegotiation_rule": "hardship",
    },
}


def current() -> dict[str, dict]:
    table = {}
    for scenario in available_scenarios():
        for variant, knobs in VARIANTS.items():
            for seed in SEEDS:
                out = AllianceModel(scenario, rng=seed, collect=False, **knobs).run()
                table[f"{scenario}/{variant}/{seed}"] = {
                    "duration": out["duration"],
                    "end_cause": out["end_cause"],
                    "deadlocks": out["deadlocks"],
                    "exits": out["exits"],
                    "total_value": round(out["total_value"], 6),
                    "gini": round(out["gini"], 6),
                }
    return table


def test_fixed_seeds_give_the_pinned_outcomes():
    pinned = json.loads(TABLE.read_text(encoding="utf-8"))
    now = current()
    changed = {
        key: (pinned.get(key), value) for key, value in now.items() if pinned.get(key) != value
    }
    assert not changed, (
        f"outcomes changed for {len(changed)} runs, e.g. {next(iter(changed.items()))}"
    )


if __name__ == "__main__":
    if "--update" in sys.argv:
        TABLE.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {TABLE.relative_to(ROOT)}")
