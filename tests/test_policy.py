"""The policy summary: regret, worst decile and verdicts a policy maker can trust."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import policy
from sim.analysis.policy_text import TEXT

# Three designs in ten futures, value created (more is better).
SMALL = pd.DataFrame(
    {
        "A": [10, 12, 8, 9, 11, 10, 7, 13, 10, 9],
        "B": [11, 10, 9, 9, 12, 8, 9, 12, 11, 10],
        "C": [5, 20, 6, 7, 9, 10, 4, 15, 8, 12],
    },
    index=pd.RangeIndex(10, name="future"),
    dtype=float,
)


def test_regret_is_the_shortfall_from_the_best_design_in_the_same_future():
    # Future 0: best is B (11), so A regrets 1, B 0, C 6. Future 1: best is C (20).
    r = policy.regret(SMALL.to_numpy(), higher_is_better=True)
    assert r[0].tolist() == [1, 0, 6]
    assert r[1].tolist() == [8, 10, 0]
    # By hand: A's largest shortfall is 8 (future 1), B's 10 (future 1), C's 6 (futures 0, 3 is 2).
    assert r.max(axis=0).tolist() == [8, 10, 6]


def test_when_less_is_better_regret_counts_how_much_more_a_design_costs():
    cost = np.array([[3.0, 5.0], [4.0, 1.0]])
    assert policy.regret(cost, higher_is_better=False).tolist() == [[0, 2], [3, 0]]


def test_the_worst_decile_is_the_mean_of_the_worst_tenth_of_futures():
    # Ten futures: the worst decile is the single worst future.
    assert policy.worst_decile(SMALL.to_numpy(), True).tolist() == [7, 8, 4]
    # Twenty futures: the two worst, averaged; for a cost, the two highest.
    twenty = np.array([[float(v)] for v in range(1, 21)])
    assert policy.worst_decile(twenty, True).tolist() == [1.5]
    assert policy.worst_decile(twenty, False).tolist() == [19.5]


def test_the_robustness_table_reports_the_hand_computed_figures_inside_their_intervals():
    table = policy.robustness(SMALL, higher_is_better=True, seed=1)
    assert table["mean"].tolist() == pytest.approx([9.9, 10.1, 9.6])
    assert table["worst_decile"].tolist() == [7, 8, 4]
    assert table["max_regret"].tolist() == [8, 10, 6]
    for stat in ("mean", "worst_decile", "max_regret"):
        assert (table[f"{stat}_low"] <= table[stat] + 1e-9).all()
        assert (table[f"{stat}_high"] >= table[stat] - 1e-9).all()
    assert table["best_share"].sum() == pytest.approx(1.0)


def _runs(effect: float, futures: int = 80, seed: int = 3) -> tuple[pd.DataFrame, dict]:
    """Two designs on the same futures: B adds ``effect`` to A's value in every future."""
    rng = np.random.default_rng(seed)
    turbulence = rng.uniform(0, 1, futures)
    value = 100 - 40 * turbulence + rng.normal(0, 5, futures)
    rows = []
    for name, shift in (("Availability", 0.0), ("User fees", effect)):
        rows.append(
            pd.DataFrame(
                {
                    "policy": name,
                    "future": np.arange(futures),
                    "turbulence": turbulence,
                    "status": "ok",
                    "total_value": value + shift + (rng.normal(0, 1, futures) if effect else 0),
                    "dissolved": turbulence > 0.8,
                    "duration": np.where(turbulence > 0.8, 100, 360),
                    "public_exposure": 20 * turbulence,
                }
            )
        )
    manifest = {
        "experiment": {
            "name": "verdict",
            "language": "en",
            "policies": [{"name": "Availability", "knobs": {}}, {"name": "User fees", "knobs": {}}],
            "factors": [{"name": "turbulence", "low": 0.0, "high": 1.0}],
        },
        "root_seed": 7,
    }
    return pd.concat(rows, ignore_index=True), manifest


def test_two_identical_designs_cannot_be_told_apart():
    runs, manifest = _runs(effect=0.0)
    summary = policy.summarise(runs, manifest)
    [comparison] = summary.comparisons["value"]
    assert comparison.identical and not comparison.told_apart
    assert "cannot be told apart" in " ".join(policy.verdicts(summary)["value"])


def test_a_clearly_better_design_is_named_with_its_margin():
    runs, manifest = _runs(effect=10.0)
    summary = policy.summarise(runs, manifest)
    [comparison] = summary.comparisons["value"]
    assert comparison.best == "User fees" and comparison.told_apart
    assert 9 < comparison.diff < 11
    words = policy.verdicts(summary)["value"]
    assert words[0].startswith("Value created (higher is better): User fees does best")
    assert "User fees is better than Availability by" in words[1]
    assert "cannot be told apart" not in " ".join(words)


def test_a_small_noisy_difference_says_how_many_futures_would_separate_the_designs():
    # Differences with mean 0.5 and sd 5: about ((1.96 + 0.84) * 5 / 0.5)^2 = 785 futures.
    d = np.random.default_rng(0).normal(0, 5, 400)
    d = (d - d.mean()) / d.std(ddof=1) * 5 + 0.5
    assert policy.futures_needed(d) == pytest.approx(785, rel=0.01)
    c = policy.compare(_long({"A": d[:40], "B": np.zeros(40)}), "value", "A", "B", True)
    assert not c.told_apart and c.needed is not None and c.needed > 40


def _long(designs: dict[str, np.ndarray], measure: str = "value") -> pd.DataFrame:
    """One run per design and future, the measure's value in a column."""
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "policy": name,
                    "future": np.arange(len(v)),
                    "replication": 0,
                    measure: np.asarray(v, float),
                }
            )
            for name, v in designs.items()
        ],
        ignore_index=True,
    )


def test_the_verdict_gives_the_same_paired_interval_as_the_researchers_table():
    from sim.analysis.statistics import paired_differences

    rng = np.random.default_rng(5)
    a = rng.normal(10, 3, 60)
    runs = _long({"A": a + rng.normal(1, 2, 60), "B": a})
    [row] = paired_differences(runs, "policy", "B", ["value"]).to_dict("records")
    c = policy.compare(runs, "value", "A", "B", higher_is_better=True)
    assert (c.diff, c.low, c.high) == (row["mean_difference"], row["low"], row["high"])
    # Read as a cost (less is better), B is the better one: the same function's interval of
    # B - A, turned round so that positive favours B.
    [back] = paired_differences(runs, "policy", "A", ["value"]).to_dict("records")
    cost = policy.compare(runs, "value", "B", "A", higher_is_better=False)
    assert (cost.diff, cost.low, cost.high) == (
        -back["mean_difference"],
        -back["high"],
        -back["low"],
    )
    assert cost.low > 0 and c.low > 0


def test_a_difference_far_too_small_to_matter_is_called_negligible_not_given_a_number():
    # 200 futures, differences with sd 10 and mean 0.05: some 300,000 futures would be needed.
    d = np.random.default_rng(1).normal(0, 10, 200)
    d = d - d.mean() + 0.05
    c = policy.compare(_long({"A": 50 + d, "B": np.full(200, 50.0)}), "value", "A", "B", True)
    assert c.needed > 100_000 and c.hardly_differs
    runs, manifest = _runs(effect=0.0, futures=200)
    summary = policy.summarise(runs, manifest)
    summary.comparisons["value"] = [c]
    words = " ".join(policy.verdicts(summary)["value"])
    assert "practically do not differ" in words and "more than 4,000 futures" in words
    assert "An estimated" not in words


def test_with_one_future_the_verdict_says_designs_cannot_be_compared():
    runs, manifest = _runs(effect=3.0, futures=1)
    runs = pd.concat([runs.assign(replication=r) for r in range(3)], ignore_index=True)
    summary = policy.summarise(runs, manifest)
    assert summary.futures == 1
    for lines in policy.verdicts(summary).values():
        assert "cannot be compared with one future" in lines[1]
    assert "Only 1 futures" in policy.summary_html(summary, figures=False)


def test_the_memo_is_self_contained_and_names_the_designs_in_both_languages():
    runs, manifest = _runs(effect=10.0)
    for language, heading in (
        ("en", "The designs side by side"),
        ("nl", "De ontwerpen naast elkaar"),
    ):
        memo = policy.memo_html(policy.summarise(runs, manifest, language))
        assert heading in memo and "Availability" in memo and "User fees" in memo
        assert "<svg" in memo and "@media print" in memo
        assert 'src="http' not in memo and "<link" not in memo  # nothing fetched from outside


def test_a_quick_run_carries_a_warning_that_its_ranking_is_not_reliable():
    runs, manifest = _runs(effect=10.0, futures=16)
    manifest["experiment"]["name"] = "pps_design-quick"
    summary = policy.summarise(runs, manifest)
    assert "not reliable" in policy.warnings_for(summary)[0]
    assert "not reliable" in policy.summary_html(summary, figures=False)


def test_both_languages_have_the_same_words():
    assert TEXT["en"].keys() == TEXT["nl"].keys()
    for table in ("levers", "uncertainties", "levels", "general"):
        assert TEXT["en"][table].keys() == TEXT["nl"][table].keys()


def test_the_futures_that_break_a_design_are_told_in_words_with_coverage_and_density():
    # Both designs end early exactly when turbulence passes 0.8, and the public side pays in
    # proportion to turbulence: PRIM must find high turbulence for both.
    runs, manifest = _runs(effect=10.0, futures=200)
    summary = policy.summarise(runs, manifest)
    for breaking in summary.breaking:
        low, high = breaking.box.limits["turbulence"]
        assert 0.7 <= low <= 0.85 and high >= 0.95
        assert (
            breaking.box.coverage >= 0.8 and breaking.box.density >= 0.6
        )  # the threshold: halfway from 20% to 100%
        assert breaking.costly.limits["turbulence"][0] >= 0.7 and breaking.costly.coverage >= 0.8
    words = " ".join(policy.breaking_words(summary))
    assert "Availability fails (ends before the contract term" in words
    assert "mostly when turbulence is above 0." in words and "of its failures" in words
    assert "The public partner pays most under User fees" in words


def test_the_memo_names_the_contract_term_and_the_review_period_apart():
    runs, manifest = _runs(effect=10.0)
    manifest["experiment"]["policies"] = [
        {"name": "Availability", "knobs": {"contract_term": 360, "agreement_length": 60}},
        {"name": "User fees", "knobs": {"contract_term": 300, "agreement_length": 24}},
    ]
    memo = policy.memo_html(policy.summarise(runs, manifest, "en"))
    assert (
        "Contract term" in memo
        and "360 months (30 years)" in memo
        and "300 months (25 years)" in memo
    )
    assert (
        "Review period (months until terms are reviewed)" in memo and "24 months (2 years)" in memo
    )


def test_an_exposure_that_is_the_same_almost_everywhere_marks_no_future_as_its_worst_tenth():
    zero = pd.DataFrame({"public_exposure": np.zeros(40)})
    assert not policy.exposure_tail(zero).any()
    mostly = pd.DataFrame({"public_exposure": np.r_[np.zeros(37), [5.0, 6.0, 7.0]]})
    assert policy.exposure_tail(mostly).sum() == 3
    tied = pd.DataFrame({"public_exposure": np.r_[np.zeros(30), np.full(10, 4.0)]})
    assert not policy.exposure_tail(tied).any()  # ten runs tie at 4: the top four are no worse
    spread = pd.DataFrame({"public_exposure": np.arange(40.0)})
    assert policy.exposure_tail(spread).tolist() == [False] * 36 + [True] * 4


def test_policies_that_are_not_contract_designs_are_compared_without_contract_words():
    runs, manifest = _runs(effect=10.0)
    runs["public_exposure"] = 0.0  # no public partner: nothing at risk for a public side
    summary = policy.summarise(runs, manifest)
    assert not summary.pps and [m.key for m in summary.measures] == ["value", "survival"]
    page = policy.memo_html(summary)
    assert "Policies compared over uncertain futures" in page
    assert "contract" not in page.lower() and "fiscal exposure" not in page.lower()
    # A failure is the collaboration ending before the end of the run, not a tie at zero cost.
    assert [b.rate for b in summary.breaking] == [
        pytest.approx((runs["turbulence"] > 0.8).mean())
    ] * 2
    nl = policy.memo_html(policy.summarise(runs, manifest, "nl"))
    assert "Beleid vergeleken over onzekere toekomsten" in nl and "contract" not in nl.lower()


def test_a_contract_term_set_by_the_policies_makes_it_a_pps_comparison():
    runs, manifest = _runs(effect=10.0)
    runs["public_exposure"] = 0.0
    manifest["experiment"]["policies"][0]["knobs"] = {"contract_term": 360}
    assert policy.summarise(runs, manifest).pps


def test_a_box_over_almost_all_the_sampled_futures_is_no_condition():
    runs, manifest = _runs(effect=10.0, futures=200)
    summary = policy.summarise(runs, manifest)
    box = type("Box", (), {})()
    sampled = runs["turbulence"]
    box.limits = {"turbulence": (float(sampled.quantile(0.05)), float(sampled.quantile(0.93)))}
    assert policy.box_words(summary, box) == ""
    box.limits = {"turbulence": (0.5, float(sampled.max()))}
    assert policy.box_words(summary, box) == "turbulence is above 0.50"
    box.limits = {"turbulence": (float(sampled.min()), 0.3)}
    assert policy.box_words(summary, box) == "turbulence is below 0.30"
    box.limits = {"turbulence": (0.3, 0.6)}
    assert policy.box_words(summary, box) == "turbulence is between 0.30 and 0.60"


def test_the_memo_breaks_the_exposure_into_its_parts_in_the_readers_language():
    runs, manifest = _runs(effect=10.0)
    runs["public_gap_paid"] = 10 * runs["turbulence"]
    runs["public_renegotiation_cost"] = 4 * runs["turbulence"]
    runs["public_termination_paid"] = 6 * runs["turbulence"]
    manifest["git"] = {"commit": "0123456789abcdef", "dirty": True}
    parts = policy.exposure_parts(policy.summarise(runs, manifest))
    assert parts.loc["total"].tolist() == pytest.approx(
        parts.loc[["gap", "renegotiation", "termination"]].sum().tolist()
    )
    nl = policy.memo_html(policy.summarise(runs, manifest, "nl"))
    assert "Beëindigingsvergoeding die zij betaalt" in nl and "niet-vastgelegde wijzigingen" in nl
    assert "uncommitted" not in nl
    en = policy.memo_html(policy.summarise(runs, manifest, "en"))
    assert "Termination compensation it pays" in en and "uncommitted changes" in en
