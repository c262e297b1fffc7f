"""Calibration targets: the defaults reproduce the alliance literature's headline pattern.

Roughly half of alliances fail or end early (Bamford, Gomes-Casseres & Robinson
2003; Kale, Dyer & Singh 2002 report success rates around 50%). Without a
manager, 30-60% of alliances in each default scenario should dissolve within
120 months. Each check uses 200 seeds and a 95% Wilson interval for the rate,
which must lie inside the band widened by nothing: the rate is estimated
precisely enough (half-width about 7 points) to make the test meaningful.
"""

import pytest
from scipy.stats import binomtest

from ..conftest import run_outcomes

pytestmark = pytest.mark.validation

SEEDS = range(200)


@pytest.mark.parametrize("scenario", ["pps_infrastructure", "pps_care", "open_innovation",
                                      "shared_service_centre", "regional_network", "cocreation"])
def test_without_a_manager_a_sizeable_share_of_alliances_dissolve_within_120_months(scenario):
    runs = run_outcomes(scenario, SEEDS)
    dissolved = sum(r["dissolved"] for r in runs)
    interval = binomtest(dissolved, len(runs)).proportion_ci(0.95, method="wilson")
    assert 0.30 <= dissolved / len(runs) <= 0.60, f"{scenario}: {dissolved}/{len(runs)} dissolved"
    assert interval.low > 0.2 and interval.high < 0.7


@pytest.mark.parametrize("lever", ["scan_adapt", "mediate", "build_trust", "align_ambition",
                                   "balance_power", "formalise"])
def test_a_single_intervention_changes_survival_by_a_plausible_amount_not_all_or_nothing(lever):
    seeds = range(120)
    baseline = sum(r["dissolved"] for r in run_outcomes("pps_infrastructure", seeds)) / len(seeds)
    with_lever = sum(r["dissolved"] for r in run_outcomes(
        "pps_infrastructure", seeds, manager="independent", interventions=[lever])) / len(seeds)
    assert abs(with_lever - baseline) <= 0.30
    assert 0.05 <= with_lever <= 0.95
