"""Means with bootstrap confidence intervals and effect sizes against a baseline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

#: Resamples for bootstrap intervals; the seed makes a report reproducible.
RESAMPLES = 2000
SEED = 20261126


#: Above this many values a mean's interval is the percentile bootstrap rather than BCa:
#: BCa's jackknife costs work quadratic in n, and for a mean of that many values its
#: skewness and bias corrections are smaller than the Monte Carlo error of the resampling.
BCA_MAX = 1000


def mean_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """The mean and its bootstrap confidence interval (BCa; percentile above ``BCA_MAX`` values)."""
    return mean_intervals([values], confidence)[0]


def mean_intervals(
    samples: list[np.ndarray], confidence: float = 0.95
) -> list[tuple[float, float, float]]:
    """:func:`mean_interval` of each sample, the resamples drawn once for samples of one size.

    Every interval starts from a generator seeded with ``SEED``, so samples of the same size
    get the same resampled indices; above ``BCA_MAX`` values they are drawn once and every
    sample's resampled means come from them (:func:`_resampled_means`).
    """
    cleaned = [np.asarray(v, dtype=float) for v in samples]
    cleaned = [v[np.isfinite(v)] for v in cleaned]
    results: list[tuple[float, float, float] | None] = [None] * len(cleaned)
    large: dict[int, list[int]] = {}
    for i, values in enumerate(cleaned):
        if values.size == 0:
            results[i] = (float("nan"), float("nan"), float("nan"))
        elif values.size < 3 or np.all(values == values[0]):
            results[i] = (float(values.mean()), float(values.mean()), float(values.mean()))
        elif values.size > BCA_MAX:
            large.setdefault(values.size, []).append(i)
        else:
            result = stats.bootstrap(
                (values,),
                np.mean,
                confidence_level=confidence,
                n_resamples=RESAMPLES,
                method="BCa",
                rng=np.random.default_rng(SEED),
            )
            results[i] = (
                float(values.mean()),
                float(result.confidence_interval.low),
                float(result.confidence_interval.high),
            )
    for indices in large.values():
        columns = np.column_stack([cleaned[i] for i in indices])
        means = _resampled_means(columns, np.random.default_rng(SEED))
        for i, resampled in zip(indices, means, strict=True):
            low, high = _percentile_interval(resampled, confidence)
            results[i] = (float(cleaned[i].mean()), low, high)
    return [r for r in results if r is not None]


#: Memory for one block of resampled indices (8-byte integers): the resamples of a large
#: sample are drawn block by block, which gives the same indices as drawing them at once.
_BLOCK_VALUES = 2_000_000
#: Within :func:`resamples_kept`, the counts of the last resamples drawn are kept when they
#: hold at most this many values (64 MB): the next interval of a sample of the same size from
#: a generator in the same state (every interval starts from ``SEED``) reuses them instead of
#: drawing them again.
_KEPT_VALUES = 8_000_000
_kept: dict[tuple, tuple[np.ndarray, Any]] | None = None


@contextmanager
def resamples_kept() -> Iterator[None]:
    """Keep the last resamples drawn while the block runs (a report, a policy summary), and
    let them go at its end, so that no process holds them afterwards."""
    global _kept
    outer = _kept
    if outer is None:
        _kept = {}
    try:
        yield
    finally:
        if outer is None:
            _kept = None


def _resampled_means(columns: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The means of ``RESAMPLES`` bootstrap resamples of the rows of ``columns`` (n x k),
    one row of resampled means per column (k x RESAMPLES).

    The resampled indices are exactly those ``scipy.stats.bootstrap`` draws from ``rng``
    (``rng.integers(0, n, (RESAMPLES, n))``), drawn once for every column, and ``rng`` is
    left where that draw leaves it; each resample's mean is its count of each row times the
    columns, over n. The means equal scipy's up to floating-point rounding (the order of
    the additions differs; relative 1e-15), and scipy does the same work once per column (a
    gather of RESAMPLES x n values each).
    """
    n = len(columns)
    key = (n, repr(rng.bit_generator.state))
    if _kept is not None and key in _kept:
        counts, after = _kept[key]
        rng.bit_generator.state = after
        return (counts @ columns).T / n
    keep = _kept is not None and RESAMPLES * n <= _KEPT_VALUES
    kept = np.empty((RESAMPLES, n)) if keep else None
    out = np.empty((columns.shape[1], RESAMPLES))
    block = max(1, _BLOCK_VALUES // n)
    for start in range(0, RESAMPLES, block):
        rows = min(block, RESAMPLES - start)
        index = rng.integers(0, n, (rows, n))
        index += n * np.arange(rows)[:, None]
        counts = np.bincount(index.ravel(), minlength=rows * n).reshape(rows, n)
        if kept is not None:
            kept[start : start + rows] = counts
        out[:, start : start + rows] = (counts @ columns).T / n
    if kept is not None and _kept is not None:
        _kept.clear()
        _kept[key] = (kept, rng.bit_generator.state)
    return out


def _percentile_interval(resampled: np.ndarray, confidence: float) -> tuple[float, float]:
    """The percentile interval of a bootstrap distribution, as ``scipy.stats.bootstrap``
    computes it (``scipy.stats.quantile`` at alpha / 2 and 1 - alpha / 2)."""
    alpha = (1 - confidence) / 2
    low, high = stats.quantile(resampled, np.asarray([alpha, 1 - alpha]))
    return float(low), float(high)


def difference_interval(
    treated: np.ndarray, baseline: np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Difference of means (treated minus baseline) with a bootstrap interval."""
    return difference_intervals([(treated, baseline)], confidence)[0]


def difference_intervals(
    pairs: list[tuple[np.ndarray, np.ndarray]], confidence: float = 0.95
) -> list[tuple[float, float, float]]:
    """:func:`difference_interval` of each (treated, baseline) pair (percentile bootstrap).

    As in :func:`mean_intervals`, pairs of the same sizes get the same resampled indices
    (each interval's generator is seeded with ``SEED``); when the two samples have more than
    ``BCA_MAX`` values together they are drawn once for all such pairs: first the treated
    sample's, then the baseline's, as ``scipy.stats.bootstrap`` draws them.
    """
    cleaned = []
    for treated, baseline in pairs:
        a, b = np.asarray(treated, dtype=float), np.asarray(baseline, dtype=float)
        cleaned.append((a[np.isfinite(a)], b[np.isfinite(b)]))
    results: list[tuple[float, float, float] | None] = [None] * len(cleaned)
    large: dict[tuple[int, int], list[int]] = {}
    for i, (a, b) in enumerate(cleaned):
        estimate = float(a.mean() - b.mean())
        if a.size < 3 or b.size < 3 or (np.ptp(a) == 0 and np.ptp(b) == 0):
            results[i] = (estimate, estimate, estimate)
        elif a.size + b.size > BCA_MAX:
            large.setdefault((a.size, b.size), []).append(i)
        else:

            def statistic(x, y, axis=-1):
                return np.mean(x, axis=axis) - np.mean(y, axis=axis)

            result = stats.bootstrap(
                (a, b),
                statistic,
                confidence_level=confidence,
                n_resamples=RESAMPLES,
                method="percentile",
                vectorized=True,
                rng=np.random.default_rng(SEED),
            )
            results[i] = (
                estimate,
                float(result.confidence_interval.low),
                float(result.confidence_interval.high),
            )
    for indices in large.values():
        rng = np.random.default_rng(SEED)
        treated = _resampled_means(np.column_stack([cleaned[i][0] for i in indices]), rng)
        baseline = _resampled_means(np.column_stack([cleaned[i][1] for i in indices]), rng)
        for j, i in enumerate(indices):
            low, high = _percentile_interval(treated[j] - baseline[j], confidence)
            a, b = cleaned[i]
            results[i] = (float(a.mean() - b.mean()), low, high)
    return [r for r in results if r is not None]


def hedges_g(treated: np.ndarray, baseline: np.ndarray) -> float:
    """Standardised mean difference with the small-sample correction (Hedges 1981)."""
    a, b = np.asarray(treated, dtype=float), np.asarray(baseline, dtype=float)
    n1, n2 = a.size, b.size
    if n1 < 2 or n2 < 2:
        return float("nan")
    pooled = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return 0.0
    return float((a.mean() - b.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9)))


def summary_table(runs: pd.DataFrame, group: str, outcomes: list[str]) -> pd.DataFrame:
    """Per group and outcome: mean with its 95% bootstrap interval."""
    rows = []
    for level, part in runs.groupby(group, sort=True):
        intervals = mean_intervals([part[o].astype(float).to_numpy() for o in outcomes])
        for outcome, (mean, low, high) in zip(outcomes, intervals, strict=True):
            rows.append(
                {
                    group: level,
                    "outcome": outcome,
                    "mean": mean,
                    "low": low,
                    "high": high,
                    "runs": len(part),
                }
            )
    return pd.DataFrame(rows)


def effects_against(runs: pd.DataFrame, group: str, baseline, outcomes: list[str]) -> pd.DataFrame:
    """Each group's effect on each outcome against the ``baseline`` group."""
    base = runs[runs[group] == baseline]
    rows = []
    for level, part in runs.groupby(group, sort=True):
        if level == baseline:
            continue
        samples = [
            (part[o].astype(float).to_numpy(), base[o].astype(float).to_numpy()) for o in outcomes
        ]
        intervals = difference_intervals(samples)
        for outcome, (x, y), (diff, low, high) in zip(outcomes, samples, intervals, strict=True):
            rows.append(
                {
                    group: level,
                    "baseline": baseline,
                    "outcome": outcome,
                    "difference": diff,
                    "low": low,
                    "high": high,
                    "hedges_g": hedges_g(x, y),
                }
            )
    return pd.DataFrame(rows)


def conditional_effects(
    runs: pd.DataFrame,
    group: str,
    baseline,
    factors: list[str],
    outcome: str,
    paired_on: str | None = None,
) -> pd.DataFrame:
    """The effect of each group against the baseline within the low and the high half of each
    numeric factor: does an effect hold across the range of the other factors?

    With ``paired_on`` (``"future"`` in a policies-by-futures design) the difference is the
    paired one (:func:`per_future_differences`, :func:`paired_interval`) within each half.
    """
    rows: list[dict] = []
    paired: list[np.ndarray] = []
    unpaired: list[tuple[np.ndarray, np.ndarray]] = []
    for factor in factors:
        cut = runs[factor].astype(float).median()
        for half, part in (
            ("low", runs[runs[factor].astype(float) <= cut]),
            ("high", runs[runs[factor].astype(float) > cut]),
        ):
            base = part[part[group] == baseline][outcome].astype(float).to_numpy()
            for level, treated in part[part[group] != baseline].groupby(group):
                if paired_on:
                    d = per_future_differences(part, group, level, baseline, outcome, paired_on)
                    paired.append(d)
                else:
                    unpaired.append((treated[outcome].astype(float).to_numpy(), base))
                rows.append(
                    {"factor": factor, "half": half, "cut": cut, group: level, "outcome": outcome}
                )
    # the intervals all at once: samples of one size share their resampled indices
    intervals = mean_intervals(paired) if paired_on else difference_intervals(unpaired)
    for row, (diff, low, high) in zip(rows, intervals, strict=True):
        row.update({"difference": diff, "low": low, "high": high})
    return pd.DataFrame(rows)


def paired_interval(
    differences: np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """The mean of paired differences (one per future) and its 95% bootstrap interval.

    This is the one interval of a difference between policies in a paired design: the
    report's headline, ``paired_differences.csv`` and the policy summary all use it, so a
    comparison gets the same numbers everywhere. It is :func:`mean_interval` of the
    per-future differences (BCa bootstrap; percentile above ``BCA_MAX`` futures).
    """
    return mean_interval(differences, confidence)


def per_future_differences(
    runs: pd.DataFrame, group: str, level, baseline, outcome: str, unit: str = "future"
) -> np.ndarray:
    """``level`` minus ``baseline`` in each future, each side first averaged over the
    future's replications.

    The future is the unit that was sampled: replications of one future share its
    uncertainty values, so they are averaged before pairing rather than counted as
    independent pairs. Futures that one side lacks (a failed run) are left out.
    """
    values = (
        runs.assign(_v=runs[outcome].astype(float)).groupby([unit, group], sort=True)["_v"].mean()
    )
    wide = values.unstack(group)
    if level not in wide or baseline not in wide:
        return np.array([], dtype=float)
    d = (wide[level] - wide[baseline]).to_numpy(dtype=float)
    return d[np.isfinite(d)]


def paired_differences(
    runs: pd.DataFrame, group: str, baseline, outcomes: list[str], unit: str = "future"
) -> pd.DataFrame:
    """Each group against the baseline on the same futures: paired differences per outcome.

    In a policies-by-futures design every policy runs on the same futures with the same
    seeds (common random numbers), so the comparison is within a future: the difference
    per future (:func:`per_future_differences`), its mean with the 95% interval of
    :func:`paired_interval`, and the Wilcoxon signed-rank test of whether it is centred on
    zero. Pairing removes the variation between futures, which is most of the variation.
    """
    rows = []
    for level in sorted(runs[group].unique(), key=str):
        if level == baseline:
            continue
        differences = [
            per_future_differences(runs, group, level, baseline, outcome, unit)
            for outcome in outcomes
        ]
        # paired_interval of each, the resamples drawn once for differences of one size
        intervals = mean_intervals(differences)
        for outcome, d, (mean, low, high) in zip(outcomes, differences, intervals, strict=True):
            pvalue = float("nan")
            if d.size and np.any(d != 0):
                pvalue = float(stats.wilcoxon(d, zero_method="zsplit").pvalue)
            rows.append(
                {
                    group: level,
                    "baseline": baseline,
                    "outcome": outcome,
                    "pairs": int(d.size),
                    "mean_difference": mean,
                    "low": low,
                    "high": high,
                    "share_better": float((d > 0).mean()) if d.size else float("nan"),
                    "wilcoxon_p": pvalue,
                }
            )
    return pd.DataFrame(rows)


def convergence(
    runs: pd.DataFrame,
    cells: list[str],
    outcomes: list[str],
    steps: int = 8,
    by: str = "replication",
) -> pd.DataFrame:
    """How precise each outcome's cell means are as replications are added.

    For the first r replications (r growing to all of them) and each outcome: the 95%
    confidence half-width of a cell's mean (t interval), averaged over the design's cells,
    and the same relative to the cell mean. A curve that flattens says more replications
    would add little. In a policies-by-futures design, ``by = "future"`` grows the number
    of futures instead (each policy is a cell).
    """
    replications = np.sort(runs[by].unique())
    counts = np.unique(
        np.linspace(2, len(replications), min(steps, max(len(replications) - 1, 1)))
        .round()
        .astype(int)
    )
    rows = []
    for r in counts:
        part = runs[runs[by].isin(replications[:r])]
        grouped = part.groupby(cells, dropna=False) if cells else part.groupby(lambda _: 0)
        for outcome in outcomes:
            values = grouped[outcome].agg(["mean", "std", "count"]).astype(float)
            t = stats.t.ppf(0.975, np.maximum(values["count"] - 1, 1))
            half = t * values["std"] / np.sqrt(values["count"])
            rows.append(
                {
                    "unit": by + "s",
                    "n": int(r),
                    "outcome": outcome,
                    "half_width": float(half.mean()),
                    "relative_half_width": float(
                        (half / values["mean"].abs()).replace(np.inf, np.nan).mean()
                    ),
                }
            )
    return pd.DataFrame(rows)


def replications_needed(sd: float, target: float, confidence: float = 0.95) -> int:
    """The smallest n whose t interval of a mean has half-width at most ``target``.

    Solves t_{1-a/2}(n - 1) * sd / sqrt(n) <= target by iterating n = (t(n - 1) * sd /
    target)^2 from the normal approximation (z * sd / target)^2; the t quantile falls as n
    grows, so the iteration settles within a few steps.
    """
    if not np.isfinite(sd) or sd <= 0:
        return 2
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    n = max(2, int(np.ceil((z * sd / target) ** 2)))
    for _ in range(100):
        following = max(
            2, int(np.ceil((stats.t.ppf(1 - (1 - confidence) / 2, n - 1) * sd / target) ** 2))
        )
        if following == n:
            break
        n = following
    while n > 2 and stats.t.ppf(1 - (1 - confidence) / 2, n - 2) * sd / np.sqrt(n - 1) <= target:
        n -= 1
    while stats.t.ppf(1 - (1 - confidence) / 2, n - 1) * sd / np.sqrt(n) > target:
        n += 1
    return n


def enough_replications(table: pd.DataFrame, outcome: str, target: float) -> str:
    """One sentence: did the replications pin the outcome's cell means down to ± ``target``?

    When they did not, the number needed comes from the standard deviation behind the last
    half-width (sd = half * sqrt(n) / t(n - 1)) through :func:`replications_needed`.
    """
    rows = table[table["outcome"] == outcome].sort_values("n")
    if rows.empty:
        return ""
    last = rows.iloc[-1]
    n, half, unit = int(last["n"]), float(last["half_width"]), str(last["unit"])
    verdict = "were enough" if half <= target else "were not enough"
    needed = ""
    if half > target and np.isfinite(half):
        sd = half * np.sqrt(n) / stats.t.ppf(0.975, max(n - 1, 1))
        needed = f"; about {replications_needed(sd, target)} would be needed"
    cell = "policy" if unit == "futures" else "design cell"
    return (
        f"{n} {unit} {verdict} for ±{target:g} in the mean {outcome} of a {cell} "
        f"(mean 95% half-width {half:.3g}{needed})."
    )
