"""The public partner's fiscal exposure is an accounting of what the model already pays."""

from __future__ import annotations

import numpy as np
import pytest

from sim import AllianceModel
from sim.model.risk import distribute, public_gap_costs


def test_the_public_side_receives_its_share_of_the_expected_value_less_what_it_pays_for_gaps():
    shares = np.array([0.4, 0.35, 0.25])
    public = np.array([True, False, False])
    performance = np.array([0.3, 0.5, 0.2])
    demand = np.array([1.0, 0.0, 0.0])  # availability payment: the public side carries demand
    expected, base, realised, loss = 10.0, 8.0, 6.5, 0.5
    received = distribute(shares, expected, base, realised, performance, demand)
    gap, renegotiation = public_gap_costs(performance, demand, public, expected, base, realised, loss)
    assert received[0] == pytest.approx(shares[0] * expected - gap - renegotiation)
    assert renegotiation == 0.3 * loss


def test_under_user_fees_a_demand_shortfall_costs_the_public_side_nothing():
    shares = np.array([0.5, 0.5])
    public = np.array([True, False])
    demand = np.array([0.0, 1.0])
    gap, _ = public_gap_costs(np.array([0.0, 1.0]), demand, public, 10.0, 10.0, 7.0, 0.0)
    assert gap == 0.0


def test_exposure_adds_up_its_parts_and_leaves_the_run_unchanged():
    plain = AllianceModel("pps_infrastructure", rng=11, collect=False, termination_compensation=0.5,
                          termination_borne_by="public")
    out = plain.run()
    assert out["public_exposure"] == out["public_gap_paid"] + out["public_renegotiation_cost"] \
        + out["public_termination_paid"]
    without_public = AllianceModel("open_innovation", rng=11, collect=False).run()
    assert without_public["public_exposure"] == 0.0


def test_the_contract_term_ends_the_run_as_completed_before_a_longer_horizon():
    out = AllianceModel("pps_infrastructure", rng=2, collect=False, horizon=360, contract_term=24).run()
    assert out["duration"] == 24 and not out["dissolved"]


def test_who_carries_demand_risk_pays_for_a_shortfall_and_keeps_a_windfall():
    """Availability payment: the province carries demand, so a demand shortfall raises what it
    pays and a windfall lowers it, more than under user fees, where the consortium carries it."""
    shortfall, windfall = {"availability": [], "user_fees": []}, {"availability": [], "user_fees": []}
    for seed in range(40):
        for mechanism in ("availability", "user_fees"):
            model = AllianceModel("pps_infrastructure", rng=seed, collect=False, horizon=60,
                                  payment_mechanism=mechanism, demand_uncertainty=0.3)
            paid = model.run()["public_gap_paid"]
            if model.demand_error < -0.1:
                shortfall[mechanism].append(paid)
            elif model.demand_error > 0.1:
                windfall[mechanism].append(paid)
    assert len(shortfall["availability"]) >= 10 and len(windfall["availability"]) >= 8
    assert np.mean(shortfall["availability"]) > np.mean(shortfall["user_fees"])
    assert np.mean(windfall["availability"]) < np.mean(windfall["user_fees"])
