"""The public partner's fiscal exposure follows the contract: who carries demand risk, who pays
termination compensation, whether there is a public partner at all."""

from __future__ import annotations

import numpy as np

from sim import AllianceModel
from sim.model.risk import public_gap_costs


def _runs(seeds, **knobs):
    return [
        AllianceModel("pps_infrastructure", rng=seed, collect=False, horizon=120, **knobs).run()
        for seed in seeds
    ]


def test_when_the_public_side_bears_termination_compensation_it_pays_where_the_partnership_ends_early():
    """The same futures under two contracts: termination compensation paid by the public
    partner, or by the party that leaves. Where the partnership ends early, the province's
    exposure is higher when it bears the compensation; where it runs the full term, the
    compensation costs it (almost) nothing."""
    seeds = range(40)
    public = _runs(
        seeds, termination_compensation=0.6, termination_borne_by="public", turbulence=0.5
    )
    leaver = _runs(
        seeds, termination_compensation=0.6, termination_borne_by="leaver", turbulence=0.5
    )
    ended_public = [o for o in public if o["dissolved"]]
    ended_leaver = [o for o in leaver if o["dissolved"]]
    assert len(ended_public) >= 10 and len(ended_leaver) >= 10
    exposure = {
        name: np.mean([o["public_exposure"] for o in runs])
        for name, runs in (("public", ended_public), ("leaver", ended_leaver))
    }
    assert exposure["public"] > exposure["leaver"] + 5
    paid = {
        name: np.mean([o["public_termination_paid"] for o in runs])
        for name, runs in (("public", ended_public), ("leaver", ended_leaver))
    }
    assert paid["public"] > 5 * max(paid["leaver"], 1.0)
    # Under the public-pays contract, an early end costs the province more than a full term.
    full_term = [o["public_exposure"] for o in public if not o["dissolved"]]
    assert exposure["public"] > np.mean(full_term)


def test_under_user_fees_a_demand_shortfall_costs_the_public_side_nothing():
    public = np.array([True, False])
    demand = np.array([0.0, 1.0])
    gap, _ = public_gap_costs(np.array([0.0, 1.0]), demand, public, 10.0, 10.0, 7.0, 0.0)
    assert gap == 0.0


def test_a_partnership_without_a_public_partner_exposes_no_public_purse():
    for seed in range(5):
        out = AllianceModel("open_innovation", rng=seed, collect=False, turbulence=0.6).run()
        assert out["public_exposure"] == 0.0 and out["public_termination_paid"] == 0.0


def test_the_contract_term_ends_the_run_as_completed_before_a_longer_horizon():
    out = AllianceModel(
        "pps_infrastructure", rng=2, collect=False, horizon=360, contract_term=24
    ).run()
    assert out["duration"] == 24 and not out["dissolved"]


def test_who_carries_demand_risk_pays_for_a_shortfall_and_keeps_a_windfall():
    """Availability payment: the province carries demand, so a demand shortfall raises what it
    pays and a windfall lowers it, more than under user fees, where the consortium carries it."""
    shortfall, windfall = (
        {"availability": [], "user_fees": []},
        {"availability": [], "user_fees": []},
    )
    for seed in range(40):
        for mechanism in ("availability", "user_fees"):
            model = AllianceModel(
                "pps_infrastructure",
                rng=seed,
                collect=False,
                horizon=60,
                payment_mechanism=mechanism,
                demand_uncertainty=0.3,
            )
            out = model.run()
            paid = (out["public_gap_paid"], out["public_exposure"])
            if model.demand_error < -0.1:
                shortfall[mechanism].append(paid)
            elif model.demand_error > 0.1:
                windfall[mechanism].append(paid)
    assert len(shortfall["availability"]) >= 10 and len(windfall["availability"]) >= 8
    for i in (0, 1):  # the gaps it makes good, and so its whole exposure
        assert (
            np.mean(shortfall["availability"], axis=0)[i]
            > np.mean(shortfall["user_fees"], axis=0)[i]
        )
        assert (
            np.mean(windfall["availability"], axis=0)[i] < np.mean(windfall["user_fees"], axis=0)[i]
        )
