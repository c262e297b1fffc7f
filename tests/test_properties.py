"""Property tests: whatever the knobs (and the constants within their plausible ranges), the model
stays well defined."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import AllianceModel
from sim.config.knobs import CONSTANTS, KNOBS
from sim.config.vocabulary import INTERVENTIONS
from sim.model.outcomes import END_CAUSES, OUTCOMES

unit = st.floats(0.0, 1.0)


def plausible(name):
    """Values of a parameter within the range a sweep or sensitivity analysis samples."""
    knob = KNOBS[name]
    low, high = knob.plausible_range
    return st.integers(int(low), int(high)) if knob.kind is int else st.floats(low, high)


knob_values = st.fixed_dictionaries(
    {
        "manager": st.sampled_from(["none", "lead_partner", "independent"]),
        "manager_position": unit,
        "manager_skill": unit,
        "manager_capacity": st.floats(0.0, 3.0),
        "interventions": st.lists(st.sampled_from(INTERVENTIONS), unique=True),
        "manager_strategy": st.sampled_from(["responsive", "routine"]),
        "turbulence": unit,
        "shock_rate": st.floats(0.0, 6.0),
        "political_cycle": unit,
        "power_asymmetry": unit,
        "goal_diversity": unit,
        "initial_trust": unit,
        "trait_variation": st.floats(0.0, 0.9),
        "formalisation": unit,
        "agreement_length": st.integers(3, 60),
        "risk_allocation": st.none() | unit,
        "payment_mechanism": st.sampled_from(["shared", "availability", "user_fees"]),
        "renegotiation_rule": st.sampled_from(["flexible", "hardship", "scheduled"]),
        "termination_compensation": unit,
        "termination_borne_by": st.sampled_from(["leaver", "public"]),
        "horizon": st.integers(1, 120),
        # Mechanism parameters within their plausible (calibration) ranges; see
        # test_trust_stays_in_the_unit_interval_when_traits_push_a_break_rate_past_one for why.
        **{
            name: plausible(name)
            for name in (
                "exit_threshold",
                "trust_build_rate",
                "trust_break_rate",
                "coordination_cost",
                "productivity",
            )
        },
    }
)
constant_values = st.fixed_dictionaries({}, optional={name: plausible(name) for name in CONSTANTS})


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
