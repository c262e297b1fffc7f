"""Pattern-oriented validation (Grimm et al. 2005): the patterns that follow from the mechanisms,
each checked over many seeds with a statistical test at a stated confidence, not a single run.

Each test names the pattern and its source. Removing the mechanism behind a pattern makes its
test fail (see docs/ODD.md, section 10, for how that was checked).
"""

import numpy as np
import pytest
from scipy import stats

from sim.config.knobs import KNOBS
from sim.model.trust import update_trust

from ..conftest import run_outcomes

pytestmark = pytest.mark.validation

#: Significance level of every pattern test (99% confidence).
ALPHA = 0.01


def values(runs, key):
    return np.array([r[key] for r in runs], dtype=float)


def test_trust_breaks_faster_than_it_builds():
    """Slovic (1993); Lewicki & Bunker (1996): with the model's default rates, a partner whose
    cooperation varies around a mean ends up trusted *less* than that mean (negativity bias)."""
    rng = np.random.default_rng(7)
    build, fall = KNOBS["trust_build_rate"].default, KNOBS["trust_break_rate"].default
    gaps = []
    for _ in range(200):
        cooperation = rng.uniform(0.2, 0.8, 60)
        trust = np.full((1, 1), 0.5)
        for observed in cooperation:
            trust = update_trust(trust, np.array([observed]), build, fall)
        gaps.append(trust[0, 0] - cooperation[-24:].mean())
    result = stats.ttest_1samp(gaps, 0.0, alternative="less")
    assert result.pvalue < ALPHA and np.mean(gaps) < -0.05


def test_higher_turbulence_shortens_alliances():
    """Ansell & Gash (2008): a changing context strains collaboration. Log-rank test between calm
    (turbulence 0.1) and turbulent (0.7) contexts, and turbulent alliances dissolve more often."""
    from sim.analysis.survival import censored

    import pandas as pd

    calm = run_outcomes("pps_infrastructure", range(150), turbulence=0.1)
    rough = run_outcomes("pps_infrastructure", range(150), turbulence=0.7)
    test = stats.logrank(censored(pd.DataFrame(calm)), censored(pd.DataFrame(rough)))
    assert test.pvalue < ALPHA
    assert values(rough, "dissolved").mean() > values(calm, "dissolved").mean() + 0.2


def test_more_partners_raise_coordination_cost():
    """Provan & Kenis (2008): coordination grows with the number of partners. Mann-Whitney test
    on the mean monthly coordination cost of regional networks with 4 and with 24 partners."""
    few = run_outcomes("regional_network", range(60), n_partners=4, horizon=36, exit_threshold=20.0)
    many = run_outcomes("regional_network", range(60), n_partners=24, horizon=36, exit_threshold=20.0)
    result = stats.mannwhitneyu(values(many, "coordination"), values(few, "coordination"),
                                alternative="greater")
    assert result.pvalue < ALPHA
    per_partner = lambda runs: values(runs, "coordination") / values(runs, "partners")  # noqa: E731
    assert per_partner(many).mean() > per_partner(few).mean()


def test_a_partisan_manager_raises_the_home_share_and_lowers_the_others_trust_in_home():
    """Kaats & Van Wendel de Joode (2016), double loyalty: a manager guarding the home
    organisation wins value for it and loses the others' trust. Paired Wilcoxon tests over
    60 seeds, home-loyal (position 0) against steward (position 1)."""
    seeds = range(60)
    common = dict(manager="lead_partner", horizon=60, exit_threshold=20.0)
    partisan = run_outcomes("pps_care", seeds, manager_position=0.0, **common)
    steward = run_outcomes("pps_care", seeds, manager_position=1.0, **common)
    share = stats.wilcoxon(values(partisan, "home_share"), values(steward, "home_share"),
                           alternative="greater")
    trust = stats.wilcoxon(values(partisan, "trust_in_home"), values(steward, "trust_in_home"),
                           alternative="less")
    assert share.pvalue < ALPHA and trust.pvalue < ALPHA


def test_formalisation_lowers_opportunism_and_lowers_adaptive_value():
    """Malhotra & Murnighan (2002); "put a fence around people and you get sheep": contracts curb
    free-riding but crowd out trust and rigidify. Mann-Whitney tests over 100 seeds in the
    co-creation scenario, formalisation 0.9 against 0.1."""
    loose = run_outcomes("cocreation", range(100), formalisation=0.1)
    tight = run_outcomes("cocreation", range(100), formalisation=0.9)
    opportunism = stats.mannwhitneyu(values(tight, "opportunism"), values(loose, "opportunism"),
                                     alternative="less")
    value = stats.mannwhitneyu(values(tight, "total_value"), values(loose, "total_value"),
                               alternative="less")
    assert opportunism.pvalue < ALPHA and value.pvalue < ALPHA


def test_power_balancing_raises_the_weakest_partners_gain():
    """Ansell & Gash (2008): facilitative leadership that empowers weaker stakeholders. Paired
    Wilcoxon test over 100 seeds in the shared service centre: an independent manager who may
    balance power against the same manager without levers."""
    seeds = range(100)
    balancing = run_outcomes("shared_service_centre", seeds, manager="independent",
                             interventions=["balance_power"])
    idle = run_outcomes("shared_service_centre", seeds, manager="independent", interventions="none")
    result = stats.wilcoxon(values(balancing, "min_partner_gain"), values(idle, "min_partner_gain"),
                            alternative="greater")
    assert result.pvalue < ALPHA
