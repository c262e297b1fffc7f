"""Check that each validation test can fail: remove the mechanism behind its pattern and rerun it.

    .venv/bin/python benchmarks/knockout.py

For each pattern it patches the mechanism away (in this process only), runs the pattern's
test from tests/validation/test_patterns.py, and reports whether the test now fails, as it
should. Nothing in the package is changed on disk.
"""

from __future__ import annotations

import dataclasses
import sys
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sim.model.agents  # noqa: E402
import sim.model.commitment  # noqa: E402
import sim.model.interventions  # noqa: E402
import sim.config.knobs  # noqa: E402
import sim.model  # noqa: E402
import sim.model.value  # noqa: E402
from tests.validation import test_patterns as patterns  # noqa: E402

SYMMETRIC_TRUST = {**sim.config.knobs.KNOBS,
                   "trust_break_rate": dataclasses.replace(sim.config.knobs.KNOBS["trust_break_rate"], default=0.05)}

KNOCKOUTS = {
    "trust breaks faster than it builds": (
        patterns.test_trust_breaks_faster_than_it_builds,
        [mock.patch.object(patterns, "KNOBS", SYMMETRIC_TRUST)]),
    "higher turbulence shortens alliances": (
        patterns.test_higher_turbulence_shortens_alliances,
        [mock.patch("sim.model.environment.Environment.advance", lambda self, rng: None)]),
    "more partners raise coordination cost": (
        patterns.test_more_partners_raise_coordination_cost,
        [mock.patch.object(sim.model, "coordination_cost",
                           lambda n, conflict, rate, formal: rate * (1 + 3 * conflict) if n > 1 else 0.0)]),
    "a partisan manager raises home share, lowers trust in home": (
        patterns.test_a_partisan_manager_raises_the_home_share_and_lowers_the_others_trust_in_home,
        [mock.patch.object(sim.model.agents, "PARTISAN_PULL", 0.0),
         mock.patch.object(sim.model, "PARTISAN_SUSPICION", 0.0),
         mock.patch.object(sim.model.agents, "NATIVE_PENALTY", 0.0),
         mock.patch.object(sim.model.agents.AllianceManager, "legitimacy", property(lambda self: 1.0))]),
    "formalisation lowers opportunism and adaptive value": (
        patterns.test_formalisation_lowers_opportunism_and_lowers_adaptive_value,
        [mock.patch.object(sim.model.commitment, "CONTRACT_FLOOR", 0.0),
         mock.patch.object(sim.model.value, "INNOVATION_LOSS", 0.0),
         mock.patch.object(sim.model.value, "MONITORING_COST", 0.0),
         mock.patch.object(sim.model, "CROWDING_OUT", 0.0)]),
    "power balancing raises the weakest partner's gain": (
        patterns.test_power_balancing_raises_the_weakest_partners_gain,
        [mock.patch.object(sim.model.interventions, "BALANCING_RATE", 0.0)]),
}


def main() -> int:
    healthy = True
    for name, (test, patches) in KNOCKOUTS.items():
        with ExitStack() as stack:
            for patch in patches:
                stack.enter_context(patch)
            try:
                test()
                verdict = "still passes: the test does not depend on its mechanism"
                healthy = False
            except AssertionError:
                verdict = "fails, as it should"
        print(f"{name:<60} mechanism removed -> {verdict}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
