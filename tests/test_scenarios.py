"""The scenario library: every collaboration form of the source article, runnable and distinct,
and the PPS design levers acting through the model's mechanisms."""

import os
import time
from functools import cache

import numpy as np
import pytest

from sim import AllianceModel, available_scenarios, load_scenario
from sim.config.validation import ConfigError
from sim.model.outcomes import OUTCOMES
from sim.model.risk import distribute, performance_risk_weights

from .conftest import run_outcomes

FORMS = [
    "pps_infrastructure",
    "pps_care",
    "open_innovation",
    "shared_service_centre",
    "regional_network",
    "cocreation",
]


def test_every_form_of_the_article_has_a_scenario():
    assert set(FORMS) <= set(available_scenarios())


@pytest.mark.parametrize("name", FORMS)
def test_each_scenario_runs_to_its_horizon_or_ends_for_a_stated_cause_and_seeds_matter(name):
    runs = [AllianceModel(name, rng=seed, collect=False).run() for seed in range(4)]
    for outcomes in runs:
        assert set(outcomes) == set(OUTCOMES)
        numbers = [v for v in outcomes.values() if isinstance(v, int | float)]
        assert np.isfinite(numbers).all()
        censored = outcomes["end_cause"] == "censored"
        assert censored == (not outcomes["dissolved"])
        if censored:
            assert outcomes["duration"] == 120
    assert len({round(r["total_value"], 9) for r in runs}) > 1, "every seed gave the same run"


@pytest.mark.parametrize("name", FORMS)
def test_each_scenario_has_partners_of_two_sectors_with_different_goals_and_power(name):
    model = AllianceModel(name, rng=0)
    p = model.partners
    assert len(set(p.sectors)) >= 2
    # Genuinely different goals: some pair of partners is far apart on some issue.
    assert np.max(np.abs(p.ideals[:, None, :] - p.ideals[None, :, :])) > 0.3
    # Different power profiles: the mixes of power bases are not all alike.
    assert np.max(np.abs(p.resource_profile[:, None, :] - p.resource_profile[None, :, :])) > 0.2
    assert len(load_scenario(name).description) > 20


def test_a_five_line_variant_extends_a_scenario(tmp_path):
    variant = tmp_path / "rough_times.toml"
    variant.write_text(
        'extends = "pps_infrastructure"\ndescription = "A rougher ride"\n'
        "[knobs]\nturbulence = 0.8\n"
    )
    scenario = load_scenario(variant)
    base = load_scenario("pps_infrastructure")
    assert scenario.knobs["turbulence"] == 0.8 and scenario.partners == base.partners
    assert scenario.knobs["formalisation"] == base.knobs["formalisation"]
    assert AllianceModel(str(variant), rng=1).params["turbulence"] == 0.8
    assert AllianceModel(str(variant), rng=1).config.name == "rough_times"


def test_an_edited_scenario_file_is_read_again_and_an_unchanged_one_is_not(tmp_path):
    """A long-lived process (a Dask worker, the dashboard) must see an edit of a scenario or
    of the file it extends, without parsing an unchanged file again for every model."""
    parent, variant = tmp_path / "parent.toml", tmp_path / "variant.toml"
    written(parent, 'extends = "pps_infrastructure"\n[knobs]\nturbulence = 0.3\n')
    written(variant, 'extends = "parent.toml"\n[knobs]\nformalisation = 0.2\n')
    first = load_scenario(variant)
    assert load_scenario(variant) is first
    assert (first.knobs["turbulence"], first.knobs["formalisation"]) == (0.3, 0.2)

    written(variant, 'extends = "parent.toml"\n[knobs]\nformalisation = 0.9\n')
    edited = load_scenario(variant)
    assert (edited.knobs["turbulence"], edited.knobs["formalisation"]) == (0.3, 0.9)

    written(parent, 'extends = "pps_infrastructure"\n[knobs]\nturbulence = 0.7\n')
    assert load_scenario(variant).knobs["turbulence"] == 0.7
    assert AllianceModel(str(variant), rng=1).params["turbulence"] == 0.7

    parent.unlink()
    with pytest.raises(ConfigError, match="extends"):
        load_scenario(variant)


def test_a_scenario_file_rewritten_within_the_clocks_resolution_is_read_again(tmp_path):
    """A file rewritten in place with the same size and, on a coarse clock, the same time of
    change looks unchanged; a stamp is trusted only once its file has settled."""
    fresh = tmp_path / "fresh.toml"
    fresh.write_text('extends = "pps_infrastructure"\n[knobs]\nturbulence = 0.1\n')
    before = fresh.stat()
    assert load_scenario(fresh).knobs["turbulence"] == 0.1
    fresh.write_text('extends = "pps_infrastructure"\n[knobs]\nturbulence = 0.9\n')
    os.utime(fresh, ns=(before.st_atime_ns, before.st_mtime_ns))  # same inode, size, time
    assert load_scenario(fresh).knobs["turbulence"] == 0.9


def test_a_scenario_file_dated_in_the_future_is_parsed_once_and_its_edits_still_seen(tmp_path):
    """A clock ahead of this machine's (a network mount, an unpacked archive) dates files in
    the future: their stamps never settle, so their texts are compared instead of parsed."""
    ahead = tmp_path / "ahead.toml"
    future = time.time_ns() + 3600 * 10**9
    for turbulence in (0.1, 0.9):  # the same size, inode and time: only the text tells
        ahead.write_text(f'extends = "pps_infrastructure"\n[knobs]\nturbulence = {turbulence}\n')
        os.utime(ahead, ns=(future, future))
        first = load_scenario(ahead)
        assert first.knobs["turbulence"] == turbulence
        assert load_scenario(ahead) is first


def test_an_extended_scenario_behind_a_link_is_read_again_when_the_link_moves(tmp_path):
    """``extends = "current.toml"``, a link to this year's assumptions: pointing it at next
    year's is a change of the scenario."""
    for year, turbulence in (("a", 0.1), ("b", 0.9)):
        written(
            tmp_path / f"{year}.toml", f'extends = "pps_care"\n[knobs]\nturbulence = {turbulence}\n'
        )
    link, variant = tmp_path / "current.toml", tmp_path / "variant.toml"
    link.symlink_to(tmp_path / "a.toml")
    written(variant, 'extends = "current.toml"\n[knobs]\nformalisation = 0.2\n')
    assert load_scenario(variant).knobs["turbulence"] == 0.1
    link.unlink()
    link.symlink_to(tmp_path / "b.toml")
    assert load_scenario(variant).knobs["turbulence"] == 0.9


def written(path, text):
    """Write a file as an editor would have some time ago: settled, so that its stamp is
    trusted; each rewrite a second later than the last."""
    before = path.stat().st_mtime_ns if path.exists() else time.time_ns() - 60 * 10**9
    path.write_text(text)
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_risk_allocation_decides_who_absorbs_a_disappointing_month():
    shares = np.array([0.5, 0.5])
    private = np.array([False, True])
    on_private = performance_risk_weights(shares, private, 1.0)
    received = distribute(
        shares,
        expected=10.0,
        base_value=6.0,
        realised=6.0,
        performance=on_private,
        demand=on_private,
    )
    assert received.tolist() == [5.0, 1.0]
    assert received.sum() == pytest.approx(6.0)


def sector_income(sector, **knobs):
    """For turbulent PPS runs that last at least five years: the monthly income of the partners
    of ``sector`` and the market index, from month 24 on."""
    series = []
    for seed in range(12):
        model = AllianceModel(
            "pps_infrastructure", rng=seed, exit_threshold=20.0, horizon=96, turbulence=0.8, **knobs
        )
        cols = [i for i, s in enumerate(model.partners.sectors) if s == sector]
        income, market = [], []
        while model.running:
            model.step()
            income.append(model.partners.received[cols].sum())
            market.append(model.environment.market)
        if len(income) >= 60:
            series.append((np.array(income[24:]), np.array(market[24:])))
    assert len(series) >= 4
    return series


def test_under_user_fees_private_partners_carry_demand_risk_under_availability_the_public_side():
    def market_exposure(mechanism, sector):
        return np.mean(
            [
                np.corrcoef(income, market)[0, 1]
                for income, market in sector_income(sector, payment_mechanism=mechanism)
            ]
        )

    assert market_exposure("user_fees", "private") > market_exposure("availability", "private")
    assert market_exposure("availability", "public") > market_exposure("user_fees", "public")


def test_when_private_partners_carry_the_risk_their_income_swings_more():
    def private_volatility(allocation):
        return np.mean(
            [
                np.std(np.diff(income))
                for income, _ in sector_income("private", risk_allocation=allocation)
            ]
        )

    assert private_volatility(1.0) > private_volatility(0.0)


def test_a_scheduled_renegotiation_rule_lets_no_partner_reopen_the_agreement():
    def calls(rule):
        total = 0
        for seed in range(20):
            model = AllianceModel(
                "open_innovation", rng=seed, renegotiation_rule=rule, collect=False
            )
            model.run()
            total += sum(event[1] == "call" for event in model.events)
        return total

    assert calls("scheduled") == 0 < calls("flexible")


def test_elections_move_the_public_partners_goals_every_four_years_and_only_then():
    model = AllianceModel("pps_care", rng=2, political_cycle=1.0, exit_threshold=20.0, horizon=100)
    public = [i for i, s in enumerate(model.partners.sectors) if s == "public"]
    private = [i for i, s in enumerate(model.partners.sectors) if s == "private"]
    public_moved, private_moved = [], []
    while model.running:
        before = model.partners.ideals.copy()
        model.step()
        if not np.allclose(model.partners.ideals[public], before[public]):
            public_moved.append(model.steps)
        if not np.allclose(model.partners.ideals[private], before[private]):
            private_moved.append(model.steps)
    assert model.steps == 100
    assert public_moved == [48, 96]
    assert [e[0] for e in model.events if e[1] == "election"] == [48, 96]
    assert private_moved == []


@cache
def network(n_partners):
    """Forty runs of the regional network with ``n_partners`` partners (shared by two tests)."""
    return run_outcomes("regional_network", range(40), n_partners=n_partners)


def test_more_partners_raise_coordination_cost_and_lower_the_value_per_partner():
    few, many = network(4), network(24)
    per_partner = lambda runs: np.mean([r["total_value"] / r["partners"] for r in runs])  # noqa: E731
    friction = lambda runs: np.mean([r["coordination"] for r in runs if r["formed"]])  # noqa: E731
    assert per_partner(many) < per_partner(few)
    assert friction(many) > 5 * friction(few)


def test_larger_networks_fail_to_form_more_often():
    few, many = network(4), network(24)
    formed = lambda runs: np.mean([r["formed"] for r in runs])  # noqa: E731
    assert formed(many) < formed(few)


def test_termination_compensation_owed_keeps_partners_in():
    free = run_outcomes("pps_infrastructure", range(40), termination_compensation=0.0)
    bound = run_outcomes("pps_infrastructure", range(40), termination_compensation=1.0)
    assert all(r["termination_paid"] == 0.0 for r in free)
    assert np.mean([r["exits"] for r in bound]) < 0.8 * np.mean([r["exits"] for r in free])
    assert np.mean([r["duration"] for r in bound]) > np.mean([r["duration"] for r in free])


def termination_runs(borne_by):
    runs = []
    for seed in range(40):
        model = AllianceModel(
            "pps_infrastructure",
            rng=seed,
            collect=False,
            termination_compensation=1.0,
            termination_borne_by=borne_by,
        )
        outcomes = model.run()
        p = model.partners
        paid = [
            (p.sectors[p.names.index(e[2]["partner"])], e[2]["amount"])
            for e in model.events
            if e[1] == "termination"
        ]
        runs.append((outcomes, paid))
    assert sum(bool(paid) for _, paid in runs) >= 5
    return runs


def test_a_leaver_pays_its_own_termination_compensation():
    for outcomes, paid in termination_runs("leaver"):
        assert outcomes["termination_paid"] == pytest.approx(sum(amount for _, amount in paid))
        assert outcomes["public_termination_paid"] == pytest.approx(
            sum(amount for sector, amount in paid if sector == "public")
        )


def test_under_a_public_guarantee_the_public_partners_pay_a_private_leaver():
    for outcomes, paid in termination_runs("public"):
        private = sum(amount for sector, amount in paid if sector == "private")
        assert outcomes["public_termination_paid"] >= private - 1e-9
        assert outcomes["public_termination_paid"] == pytest.approx(outcomes["termination_paid"])
