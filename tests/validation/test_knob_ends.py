"""No knife edges: no single knob at either end of its range makes a default scenario degenerate.

Degenerate means: every run fails to found the alliance, every run is identical, or an
outcome is not a number. Ends whose meaning demands a degenerate result are listed in
``MEANT`` with the reason; every other end of every knob users set is checked in every
default scenario (20 seeds, 60 months).
"""

import math

import pytest

from sim.config.knobs import KNOBS
from sim.config.scenario import available_scenarios, load_scenario
from sim.model.outcomes import OUTCOMES

from ..conftest import run_outcomes

pytestmark = [pytest.mark.validation, pytest.mark.slow]

USER_GROUPS = ("manager", "context", "partners", "design", "mechanism")
SEEDS = range(20)

#: Ends that must be degenerate by their meaning: the reason, and the scenarios where it shows
#: (None: all).
MEANT: dict[tuple[str, str], tuple[str, tuple[str, ...] | None]] = {
    ("productivity", "low"): (
        "at 0.1 value per unit of contribution no deal beats the partners' "
        "outside options: nothing to collaborate for",
        None,
    ),
    ("coordination_cost", "high"): (
        "at 2.0 per partner per month (25 times the default) working "
        "together costs more than it can create",
        None,
    ),
    ("initial_trust", "low"): (
        "partners who do not trust one another at all and have little "
        "contract to lean on commit nothing, so no deal is worth making "
        "(Ring & Van de Ven 1994); the contract-heavy PPS and shared "
        "service centre still form",
        ("cocreation", "open_innovation", "regional_network"),
    ),
}


def ends():
    for knob in KNOBS.values():
        if knob.group in USER_GROUPS and knob.low is not None and knob.name != "horizon":
            yield knob.name, "low", knob.low
            yield knob.name, "high", knob.high


def cases():
    for scenario in available_scenarios():
        generated = load_scenario(scenario).generated
        for name, end, value in ends():
            if name == "n_partners" and not generated:
                continue
            reason, where = MEANT.get((name, end), (None, ()))
            meant = reason is not None and (where is None or scenario in where)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if meant else []
            yield pytest.param(scenario, name, value, id=f"{scenario}-{name}-{end}", marks=marks)


NUMERIC = [o.name for o in OUTCOMES.values() if o.kind in (float, int) and o.name != "mean_trust"]


@pytest.mark.parametrize(("scenario", "knob", "value"), list(cases()))
def test_no_single_knob_end_makes_a_default_scenario_degenerate(scenario, knob, value):
    runs = run_outcomes(scenario, SEEDS, horizon=60, **{knob: value})
    assert any(r["formed"] for r in runs), "no run founds the alliance"
    assert len({(r["duration"], round(r["total_value"], 9)) for r in runs}) > 1, (
        "every run is identical"
    )
    for r in runs:
        bad = [k for k in NUMERIC if not math.isfinite(r[k])]
        assert not bad, f"not a number: {bad}"
