"""Property tests: whatever the knobs, the model stays well defined."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import AllianceModel
from sim.config.vocabulary import INTERVENTIONS

unit = st.floats(0.0, 1.0)
knob_values = st.fixed_dictionaries({
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
    "formalisation": unit,
    "agreement_length": st.integers(3, 60),
    "horizon": st.integers(1, 120),
})


@settings(max_examples=60, deadline=None)
@given(knobs=knob_values, seed=st.integers(0, 2**32 - 1),
       scenario=st.sampled_from(["pps_infrastructure", "open_innovation", "regional_network"]))
def test_no_nan_or_infinity_trust_and_probabilities_in_unit_interval_duration_within_horizon(
        knobs, seed, scenario):
    model = AllianceModel(scenario, rng=seed, collect=False, **knobs)
    p = model.partners
    while model.running:
        model.step()
        for array in (p.trust, p.satisfaction, p.intent, p.contribution, model.effective_power):
            assert np.all(np.isfinite(array))
            assert np.all((array >= 0.0) & (array <= 1.0))
        assert 0.0 <= model.alliance.relational_capital <= 1.0
        assert 0.0 <= model.alliance.formalisation <= 1.0
        assert 0.0 <= model.alliance.power_balance <= 1.0
        assert np.isfinite(model.value)
    outcomes = model.outcomes()
    assert all(np.isfinite(v) for v in outcomes.values())
    assert 0 <= outcomes["duration"] <= knobs["horizon"]
    assert 0.0 <= outcomes["gini"] <= 1.0


@settings(max_examples=15, deadline=None)
@given(n=st.integers(2, 60), seed=st.integers(0, 1000))
def test_any_number_of_generated_partners_runs(n, seed):
    outcomes = AllianceModel("regional_network", rng=seed, collect=False, n_partners=n, horizon=36).run()
    assert outcomes["partners"] == n
    assert 0 <= outcomes["exits"] <= n
