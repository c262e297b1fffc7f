"""Property tests: whatever the knobs (and the constants within their plausible ranges), the model
stays well defined."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import AllianceModel, load_scenario
from sim.config.knobs import CONSTANTS, KNOBS
from sim.config.vocabulary import INTERVENTIONS, SECTORS
from sim.model.outcomes import END_CAUSES, OUTCOMES

#: Bounds that keep an example fast without leaving the knob's meaning (a property that holds
#: for 120 months and 30 partners is checked; longer runs and larger networks only cost time).
FAST = {"horizon": (1, 120), "n_partners": (2, 30), "contract_term": (12, 240)}
GENERATED = [
    s
    for s in ("pps_infrastructure", "open_innovation", "regional_network", "pps_care")
    if load_scenario(s).generated
]


def values_of(knob):
    """Every value a caller may give ``knob``, from the parameter registry: its choices, its
    interventions, or its numeric range (the plausible range for effect sizes and rates, whose
    extreme ends are for sensitivity analysis), plus None where unset is a value."""
    if knob.kind == "interventions":
        values = st.lists(st.sampled_from(INTERVENTIONS), unique=True)
    elif knob.choices is not None:
        values = st.sampled_from(knob.choices)
    elif knob.kind is bool:
        values = st.booleans()
    else:
        low, high = FAST.get(knob.name, knob.plausible_range)
        values = st.integers(int(low), int(high)) if knob.kind is int else st.floats(low, high)
    return st.none() | values if knob.default is None else values


knob_values = st.fixed_dictionaries(
    {name: values_of(k) for name, k in KNOBS.items() if k.group != "constant"}
)
constant_values = st.fixed_dictionaries(
    {}, optional={name: values_of(KNOBS[name]) for name in CONSTANTS}
)


def check_month(model):
    p, a = model.partners, model.alliance
    for array in (p.trust, p.satisfaction, p.intent, p.contribution, model.effective_power):
        assert np.all(np.isfinite(array))
        assert np.all((array >= 0.0) & (array <= 1.0))
    for level in (
        a.relational_capital,
        a.formalisation,
        a.power_balance,
        a.mediation,
        a.visibility,
    ):
        assert 0.0 <= level <= 1.0
    assert np.isfinite(model.value) and np.all(np.isfinite(p.payoff))
    assert np.all(np.isfinite(p.beliefs))
    if model.manager is not None:
        assert 0.0 <= model.manager.legitimacy <= 1.0 and 0.0 <= model.manager.mandate <= 1.0
        assert model.manager.capacity_left >= -1e-9


@settings(max_examples=40, deadline=None)
@given(
    knobs=knob_values,
    constants=constant_values,
    seed=st.integers(0, 2**32 - 1),
    scenario=st.sampled_from(
        ["pps_infrastructure", "open_innovation", "regional_network", "pps_care"]
    ),
)
def test_no_nan_or_infinity_trust_and_probabilities_in_unit_interval_duration_within_horizon(
    knobs, constants, seed, scenario
):
    if scenario not in GENERATED:
        knobs = {k: v for k, v in knobs.items() if k != "n_partners"}
    model = AllianceModel(scenario, rng=seed, collect=False, **knobs, **constants)
    while model.running:
        model.step()
        check_month(model)
    outcomes = model.outcomes()
    assert list(outcomes) == list(OUTCOMES)
    assert all(np.isfinite(v) for v in outcomes.values() if not isinstance(v, str))
    assert outcomes["end_cause"] in END_CAUSES
    assert 0 <= outcomes["duration"] <= knobs["horizon"]
    assert 0 <= outcomes["founding_months"] <= outcomes["duration"]
    assert 0.0 <= outcomes["gini"] <= 1.0
    assert -1e-12 <= outcomes["mean_trust"] <= 1.0 + 1e-12  # up to rounding
    check_value_accounting(outcomes)


def check_value_accounting(outcomes):
    """Shares of the value received lie in [0, 1], and the sectors' shares add up to all of it
    (or to nothing, when nobody gained)."""
    shares = {k: v for k, v in outcomes.items() if k.startswith("share_")}
    assert set(shares) == {f"share_{s}" for s in SECTORS}
    for name in (*shares, "home_share"):
        assert 0.0 <= outcomes[name] <= 1.0, (name, outcomes[name])
    assert sum(shares.values()) == pytest.approx(1.0) or sum(shares.values()) == 0.0


def test_a_partner_that_lost_money_does_not_push_the_others_shares_past_one():
    model = AllianceModel("pps_care", rng=1, collect=False, horizon=12)
    model.run()
    received = model.partners.cum_received
    received[:] = [5.0, -4.5, 0.2, 0.1, 0.2][: len(received)]
    outcomes = model.outcomes()
    check_value_accounting(outcomes)
    assert outcomes["gini"] <= 1.0


@settings(max_examples=15, deadline=None)
@given(n=st.integers(2, 60), seed=st.integers(0, 1000))
def test_any_number_of_generated_partners_runs(n, seed):
    outcomes = AllianceModel(
        "regional_network", rng=seed, collect=False, n_partners=n, horizon=36
    ).run()
    assert outcomes["partners"] == n
    assert 0 <= outcomes["exits"] <= n


def test_trust_stays_in_the_unit_interval_when_traits_push_a_break_rate_past_one():
    for seed in range(5):
        model = AllianceModel(
            "open_innovation", rng=seed, collect=False, trust_break_rate=0.9, trait_variation=0.9
        )
        while model.running:
            model.step()
            assert np.all((model.partners.trust >= 0.0) & (model.partners.trust <= 1.0))
