"""How long collaborations last: Kaplan-Meier curves, median lifetimes, log-rank tests, hazards.

A run that reached the horizon is right-censored: we know the alliance lived at
least that long, not when it would have ended. The survival statistics describe the
alliances that formed; a run whose partners never reached a first agreement is counted
in the share founded and as a cause of ending of its own (see :func:`formed_only`).
scipy handles the censoring (``scipy.stats.ecdf`` with ``CensoredData``;
``scipy.stats.logrank``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats


def censored(runs: pd.DataFrame) -> stats.CensoredData:
    """Durations as censored data: dissolved runs are events, the others right-censored."""
    duration = runs["duration"].to_numpy(dtype=float)
    dissolved = runs["dissolved"].to_numpy(dtype=bool)
    return stats.CensoredData(uncensored=duration[dissolved], right=duration[~dissolved])


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan-Meier estimate with a pointwise 95% confidence band, on a monthly grid."""

    months: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def at(self, month: float) -> float:
        return float(np.interp(month, self.months, self.survival))

    @property
    def median(self) -> float:
        """First month at which half the alliances have ended (NaN if more than half survive)."""
        below = np.flatnonzero(self.survival <= 0.5)
        return float(self.months[below[0]]) if below.size else float("nan")


def kaplan_meier(runs: pd.DataFrame, horizon: int) -> SurvivalCurve:
    """Kaplan-Meier survival of the alliances in ``runs`` from month 0 to ``horizon``."""
    months = np.arange(horizon + 1, dtype=float)
    if not runs["dissolved"].astype(bool).any():
        ones = np.ones_like(months)
        return SurvivalCurve(months, ones, ones, ones)
    sf = stats.ecdf(censored(runs)).sf
    survival = sf.evaluate(months)
    band = sf.confidence_interval(0.95, method="log-log")
    low, high = band.low.evaluate(months), band.high.evaluate(months)
    return SurvivalCurve(
        months, survival, np.nan_to_num(low, nan=0.0), np.nan_to_num(high, nan=1.0)
    )


def formed_only(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs whose alliance formed (all runs when the table has no ``formed`` column).

    Every survival statistic of the report (Kaplan-Meier, log-rank, hazard by year, Cox,
    RMST) is about these: an alliance that never formed did not dissolve, it never began.
    Never forming is reported beside them as the share founded, and as a cause of ending
    of its own in the causes table and the cumulative incidence.
    """
    if "formed" not in runs:
        return runs
    return runs[runs["formed"].astype(bool)]


def founded_share(runs: pd.DataFrame) -> float:
    """The share of runs whose partners reached a first agreement (1 without a ``formed`` column)."""
    return float(runs["formed"].astype(bool).mean()) if "formed" in runs and len(runs) else 1.0


def survival_table(runs: pd.DataFrame, group: str, horizon: int) -> pd.DataFrame:
    """Per group: the share founded, and the survival of the alliances that formed.

    ``runs`` counts every run and ``founded`` the share that formed; the other columns
    describe only those that formed: ``formed_runs``, ``ended`` (the share of them that
    ended before the horizon), Kaplan-Meier survival at the horizon with its band, and the
    median lifetime. ``median_months`` is the Kaplan-Meier median (NaN when more than half
    survive); ``median_lifetime`` says the same for a reader, ``> horizon`` rather than a blank.
    """
    rows = []
    for level, part in runs.groupby(group, sort=True):
        formed = formed_only(part)
        curve = kaplan_meier(formed, horizon) if len(formed) else None
        end = horizon
        rows.append(
            {
                group: level,
                "runs": len(part),
                "founded": founded_share(part),
                "formed_runs": len(formed),
                "ended": formed["dissolved"].astype(bool).mean() if len(formed) else float("nan"),
                "survival_at_horizon": curve.survival[end] if curve else float("nan"),
                "survival_low": curve.low[end] if curve else float("nan"),
                "survival_high": curve.high[end] if curve else float("nan"),
                "median_months": curve.median if curve else float("nan"),
                "median_lifetime": median_label(curve.median, horizon) if curve else "–",
            }
        )
    return pd.DataFrame(rows)


def logrank_tests(runs: pd.DataFrame, group: str) -> pd.DataFrame:
    """Log-rank test for every pair of groups (two-sided), on the alliances that formed."""
    rows = []
    parts = dict(tuple(formed_only(runs).groupby(group, sort=True)))
    for a, b in combinations(parts, 2):
        x, y = parts[a], parts[b]
        if not (x["dissolved"].astype(bool).any() or y["dissolved"].astype(bool).any()):
            statistic, pvalue = 0.0, 1.0
        else:
            result = stats.logrank(censored(x), censored(y))
            statistic, pvalue = float(result.statistic), float(result.pvalue)
        rows.append({"group_a": a, "group_b": b, "statistic": statistic, "p_value": pvalue})
    return pd.DataFrame(rows)


def hazard_by_year(runs: pd.DataFrame, group: str, horizon: int) -> pd.DataFrame:
    """Of the formed alliances alive at the start of each year, the share that ends during it."""
    years = int(np.ceil(horizon / 12))
    rows = []
    for level, part in formed_only(runs).groupby(group, sort=True):
        duration = part["duration"].to_numpy()
        dissolved = part["dissolved"].to_numpy(dtype=bool)
        for year in range(1, years + 1):
            start, end = 12 * (year - 1), min(12 * year, horizon)
            at_risk = int((duration > start).sum())
            ended = int((dissolved & (duration > start) & (duration <= end)).sum())
            rows.append(
                {
                    group: level,
                    "year": year,
                    "at_risk": at_risk,
                    "ended": ended,
                    "hazard": ended / at_risk if at_risk else float("nan"),
                }
            )
    return pd.DataFrame(rows)


# --- Ending causes, adjusted hazards and restricted mean survival ------------------------
#
# Founding can fail: an alliance that never formed did not "dissolve" in the sense a
# referee means, so it is kept apart. Like the Kaplan-Meier table above, the Cox model and
# the restricted mean survival time are about alliances that formed (their duration counts
# from month 0, founding included); the causes table and the cumulative incidence count
# every run and treat never_formed as a cause of its own, competing with the others.
# statsmodels carries the regression (``PHReg``) and the Aalen-Johansen estimator
# (``CumIncidenceRight``): it is already pulled in by the EMA Workbench and works with
# pandas 3, which lifelines (pandas < 3) does not.


def ending_causes(runs: pd.DataFrame) -> list[str]:
    """The causes of ending present in ``runs``, in the registry's order, without ``censored``."""
    from sim.model.outcomes import END_CAUSES

    present = set(runs["end_cause"].astype(str))
    return [c for c in END_CAUSES if c != "censored" and c in present] + sorted(
        present - set(END_CAUSES)
    )


def median_label(median: float, horizon: int) -> str:
    """A median lifetime for a table: the month, or ``> horizon`` when more than half survive."""
    return f"> {horizon}" if not np.isfinite(median) else f"{median:.0f}"


def cause_table(runs: pd.DataFrame, group: str) -> pd.DataFrame:
    """Per group: how many runs ended by each cause (counts and shares), censored included."""
    counts = pd.crosstab(runs[group], runs["end_cause"].astype(str)).rename_axis(columns=None)
    from sim.model.outcomes import END_CAUSES

    order = [c for c in END_CAUSES if c in counts] + sorted(set(counts) - set(END_CAUSES))
    counts = counts[order]
    shares = counts.div(counts.sum(axis=1), axis=0).add_prefix("share_")
    table = pd.concat([counts, shares], axis=1).reset_index()
    table.insert(1, "runs", counts.sum(axis=1).to_numpy())
    return table


@dataclass(frozen=True)
class CumulativeIncidence:
    """Aalen-Johansen cumulative incidence of each cause on a monthly grid, with 95% bands."""

    months: np.ndarray
    incidence: dict[str, np.ndarray]
    low: dict[str, np.ndarray]
    high: dict[str, np.ndarray]

    def at(self, cause: str, month: float) -> float:
        return float(np.interp(month, self.months, self.incidence[cause]))


def cumulative_incidence(runs: pd.DataFrame, horizon: int) -> CumulativeIncidence:
    """P(ended by ``cause`` by month t) for every cause, the others competing (Aalen-Johansen).

    Unlike one minus a Kaplan-Meier curve that censors the other causes, these curves add
    up with the survival curve to one: every run either still runs or ended for one reason.
    """
    from statsmodels.duration.survfunc import CumIncidenceRight

    causes = ending_causes(runs)
    months = np.arange(horizon + 1, dtype=float)
    status = runs["end_cause"].astype(str).map({c: i + 1 for i, c in enumerate(causes)}).fillna(0)
    status = status.where(runs["dissolved"].astype(bool), 0).to_numpy(dtype=int)
    zeros = {c: np.zeros_like(months) for c in causes}
    if not status.any():
        return CumulativeIncidence(months, zeros, dict(zeros), dict(zeros))
    fit = CumIncidenceRight(runs["duration"].to_numpy(dtype=float), status)
    index = np.searchsorted(fit.times, months, side="right") - 1
    incidence, low, high = {}, {}, {}
    for k, cause in enumerate(causes):
        if k >= len(fit.cinc):
            incidence[cause] = low[cause] = high[cause] = np.zeros_like(months)
            continue
        step = np.where(index >= 0, fit.cinc[k][np.clip(index, 0, None)], 0.0)
        se = np.where(index >= 0, fit.cinc_se[k][np.clip(index, 0, None)], 0.0)
        incidence[cause] = step
        low[cause] = np.clip(step - 1.96 * se, 0.0, 1.0)
        high[cause] = np.clip(step + 1.96 * se, 0.0, 1.0)
    return CumulativeIncidence(months, incidence, low, high)


def incidence_table(runs: pd.DataFrame, group: str, horizon: int) -> pd.DataFrame:
    """Per group and cause: the cumulative incidence at one year, two years and the horizon."""
    marks = [m for m in (12, 24) if m < horizon] + [horizon]
    rows = []
    for level, part in runs.groupby(group, sort=True):
        cif = cumulative_incidence(part, horizon)
        for cause in cif.incidence:
            row = {group: level, "cause": cause}
            row.update({f"by_month_{m}": cif.at(cause, m) for m in marks})
            row["low_at_horizon"] = float(cif.low[cause][-1])
            row["high_at_horizon"] = float(cif.high[cause][-1])
            rows.append(row)
    return pd.DataFrame(rows)


def restricted_mean(duration: np.ndarray, dissolved: np.ndarray, horizon: float) -> float:
    """Restricted mean survival time: the area under the Kaplan-Meier curve up to ``horizon``.

    It is the expected number of months an alliance lasts within the horizon, well defined
    when more than half survive (where the median is not).
    """
    t = np.minimum(np.asarray(duration, dtype=float), horizon)
    event = np.asarray(dissolved, dtype=bool) & (np.asarray(duration, dtype=float) <= horizon)
    area, last, survival = 0.0, 0.0, 1.0
    for time in np.unique(t[event]):
        area += survival * (time - last)
        survival *= 1.0 - np.sum(event & (t == time)) / np.sum(t >= time)
        last = time
    return float(area + survival * (horizon - last))


def rmst_table(
    runs: pd.DataFrame, group: str, horizon: int, resamples: int = 999, seed: int = 20261126
) -> pd.DataFrame:
    """Per group: restricted mean survival time to ``horizon`` with a 95% bootstrap interval.

    The interval resamples runs (``scipy.stats.bootstrap``, percentile method). When no run
    is censored before the horizon, the RMST equals the mean of ``duration``.
    """
    rows = []
    for level, part in runs.groupby(group, sort=True):
        d = part["duration"].to_numpy(dtype=float)
        e = part["dissolved"].to_numpy(dtype=bool)
        estimate = restricted_mean(d, e, horizon)
        low = high = estimate
        censored_early = (~e & (d < horizon)).any()
        if len(part) >= 3 and np.ptp(d) > 0:
            data: tuple[np.ndarray, ...]
            statistic: Callable[..., Any]
            if censored_early:
                data, paired = (d, e), True
                statistic = lambda x, y: restricted_mean(x, y, horizon)  # noqa: E731
            else:  # no censoring before the horizon: the area is the mean of the durations
                data, paired = (np.minimum(d, horizon),), False
                statistic = lambda x, axis=-1: np.mean(x, axis=axis)  # noqa: E731
            result = stats.bootstrap(
                data,
                statistic,
                paired=paired,
                vectorized=not censored_early,
                n_resamples=resamples,
                method="percentile",
                rng=np.random.default_rng(seed),
            )
            low, high = (
                float(result.confidence_interval.low),
                float(result.confidence_interval.high),
            )
        rows.append(
            {
                group: level,
                "runs": len(part),
                "rmst": estimate,
                "low": low,
                "high": high,
                "horizon": horizon,
            }
        )
    return pd.DataFrame(rows)


#: Below this p-value the Schoenfeld-residual test counts proportional hazards as violated.
#: Strict, because sweeps have thousands of runs and detect departures too small to matter.
PH_ALPHA = 0.01


def covariates_of(
    runs: pd.DataFrame, factors: list[str], references: dict[str, Any] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The design factors as a Cox model's covariates, and what each term means.

    A categorical factor (strings, booleans, or a number with at most three levels) becomes
    one dummy per level against a named reference level (``references[f]``, else ``none``
    when it is a level, else the first level); the term reads ``manager = independent (vs
    none)``. A numeric factor is rescaled to its observed range, so its hazard ratio compares
    the highest value with the lowest: ``turbulence 0.2 → 0.6``. Factors with one value are
    left out (they explain nothing).
    """
    references = references or {}
    columns: dict[str, np.ndarray] = {}
    meaning: dict[str, str] = {}
    for factor in factors:
        values = runs[factor]
        levels = sorted(values.dropna().unique(), key=str)
        if len(levels) < 2:
            continue
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if numeric and len(levels) > 3:
            low, high = float(values.min()), float(values.max())
            term = f"{factor} {low:g} → {high:g}"
            columns[term] = ((values.astype(float) - low) / (high - low)).to_numpy()
            meaning[term] = factor
            continue
        reference = references.get(factor, "none" if "none" in map(str, levels) else levels[0])
        reference = next((lv for lv in levels if str(lv) == str(reference)), levels[0])
        for level in levels:
            if level == reference:
                continue
            term = f"{factor} = {level} (vs {reference})"
            columns[term] = (values == level).to_numpy(dtype=float)
            meaning[term] = factor
    return pd.DataFrame(columns, index=runs.index), meaning


def schoenfeld_test(
    fit, durations: np.ndarray, events: np.ndarray, terms: list[str]
) -> pd.DataFrame:
    """Per term: does its Schoenfeld residual drift with the rank of the event time?

    Under proportional hazards the residuals are unrelated to time; a correlation with the
    rank of the event time (Grambsch & Therneau 1994, with unscaled residuals and the rank
    transform) means the term's hazard ratio changes over the run.
    """
    residuals = np.asarray(fit.schoenfeld_residuals)
    keep = events & np.all(np.isfinite(residuals), axis=1)
    rank = stats.rankdata(durations[keep])
    rows = []
    for j, term in enumerate(terms):
        r = residuals[keep, j]
        if keep.sum() < 3 or np.ptp(r) == 0 or np.ptp(rank) == 0:
            rows.append({"term": term, "correlation": float("nan"), "p_value": float("nan")})
            continue
        test = stats.pearsonr(r, rank)
        rows.append(
            {"term": term, "correlation": float(test.statistic), "p_value": float(test.pvalue)}
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CoxFit:
    """A fitted Cox model as a report shows it.

    Attributes:
        hazard_ratios: per term the hazard ratio exp(beta) with its 95% interval and p-value.
        ph_test: the Schoenfeld-residual test per term of the first fit.
        strata: the factors stratified on (each stratum its own baseline hazard).
        note: how to read the fit, including any fallback, in plain words.
        runs: the number of runs in the model; events: how many ended.
    """

    hazard_ratios: pd.DataFrame
    ph_test: pd.DataFrame
    strata: tuple[str, ...]
    note: str
    runs: int
    events: int


def _fit_cox(
    duration: np.ndarray, event: np.ndarray, exog: pd.DataFrame, strata: np.ndarray | None
):
    from statsmodels.duration.hazard_regression import PHReg

    model = PHReg(
        duration, exog.to_numpy(dtype=float), status=event.astype(int), ties="efron", strata=strata
    )
    with warnings.catch_warnings():
        # a level without events has no finite hazard ratio; callers mark it, the optimiser warns
        warnings.simplefilter("ignore")
        try:
            return model.fit(disp=False, method="newton")  # BFGS is 5x slower with strata
        except np.linalg.LinAlgError as exc:
            raise Inestimable(str(exc)) from None


class Inestimable(ValueError):
    """The data cannot identify the model (too few events for its terms, collinear terms)."""


def _stratum_labels(runs: pd.DataFrame, factors: list[str]) -> np.ndarray | None:
    """One label per run combining the factors; numeric factors with many values by quartile."""
    if not factors:
        return None
    parts = []
    for factor in factors:
        values = runs[factor]
        if pd.api.types.is_numeric_dtype(values) and values.nunique() > 4:
            values = pd.qcut(values.astype(float), 4, labels=False, duplicates="drop")
        parts.append(np.array([str(v) for v in values], dtype=object))
    return np.array(["|".join(p) for p in zip(*parts, strict=True)])


def _identifiable(focus: pd.DataFrame, strata: np.ndarray | None) -> bool:
    """Whether a model stratified on ``strata`` can still estimate every focus term: the
    focus dummies, centred within each stratum, must keep full rank. A factor nested within
    the focus (interventions only with a manager) would put the reference level (no
    manager) in a stratum of its own, and the contrast with it would vanish."""
    if strata is None or focus.empty:
        return True
    within = focus - focus.groupby(strata).transform("mean")
    return bool(np.linalg.matrix_rank(within.to_numpy(dtype=float), tol=1e-9) == focus.shape[1])


def cox_model(
    runs: pd.DataFrame,
    factors: list[str],
    focus: str,
    references: dict[str, Any] | None = None,
    strata: list[str] | None = None,
    event: pd.Series | None = None,
) -> CoxFit | None:
    """Hazard ratios of the design factors for the ending of an alliance (Cox PH).

    The model is fitted with every factor as a covariate (see :func:`covariates_of`), then
    the proportional-hazards assumption is checked term by term (:func:`schoenfeld_test`).
    When a factor other than ``focus`` violates it, the model is refitted stratified on
    that factor (it then has its own baseline hazard and no hazard ratio), and the note
    says so, unless stratifying would leave ``focus`` constant within every stratum (a
    factor nested within it); such a factor stays a covariate and the note says that too. When ``focus`` itself violates it, its hazard ratio is kept as an average over
    the horizon and the note points to the restricted mean survival time, which does not
    assume proportional hazards.

    Args:
        runs: the runs to model (the caller decides which: e.g. alliances that formed).
        factors: the design factors to adjust for, ``focus`` among them.
        focus: the factor whose effect the reader is after (the manager mode, the policy).
        references: the reference level of categorical factors.
        strata: factors to stratify on from the start (e.g. ``future`` in a paired design).
        event: which runs count as an event (default: ``dissolved``); others are censored.

    Returns:
        The fit, or None when there are no events, nothing to adjust for, or too few runs
        to identify the terms (a singular information matrix).
    """
    strata = list(strata or [])
    event = (runs["dissolved"] if event is None else event).to_numpy(dtype=bool)
    duration = runs["duration"].to_numpy(dtype=float)
    exog, term_factor = covariates_of(runs, [f for f in factors if f not in strata], references)
    if not event.any() or exog.empty:
        return None
    terms, all_runs = list(exog.columns), len(runs)
    # A level of a categorical factor at which no run has an event has no estimable ratio:
    # its coefficient runs off to minus infinity (to plus infinity for the other levels when
    # it is the reference), and the fit approaches the fit without that level's runs, whose
    # weight in every risk set goes to zero. Fit that limit directly (Newton would spend its
    # hundred iterations getting there) and report the ratios that are infinite as missing.
    keep, unestimable, dropped = _event_free_levels(exog, event, term_factor)
    if unestimable:
        runs, event, duration = runs[keep], event[keep], duration[keep]
        exog = exog.loc[keep, [t for t in terms if t not in dropped]]
        constant = [t for t in exog.columns if exog[t].nunique() < 2]  # only in the left-out runs
        unestimable += [t for t in constant if t not in unestimable]
        exog = exog.drop(columns=constant)
        if not event.any() or exog.empty:
            return None
    try:
        fit = _fit_cox(duration, event, exog, _stratum_labels(runs, strata))
    except Inestimable:
        return None
    ph = schoenfeld_test(fit, duration, event, list(exog.columns))
    ph["factor"] = ph["term"].map(term_factor)
    failing = sorted(set(ph.loc[ph["p_value"] < PH_ALPHA, "factor"]))
    notes = []
    focus_terms = [t for t in exog.columns if term_factor[t] == focus]
    others: list[str] = []
    kept: list[str] = []
    for factor in (f for f in failing if f != focus):
        labels = _stratum_labels(runs, strata + others + [factor])
        (others if _identifiable(exog[focus_terms], labels) else kept).append(factor)
    if kept:
        notes.append(
            f"The hazards of {', '.join(kept)} were not proportional either, but "
            f"{'it is' if len(kept) == 1 else 'they are'} kept as covariates: stratifying on "
            f"{'it' if len(kept) == 1 else 'them'} would leave no runs in which {focus} "
            "varies (a factor nested within it), so read those ratios as averages over time."
        )
    if others:
        strata = strata + others
        exog = exog[[t for t in exog.columns if term_factor[t] not in others]]
        if exog.empty:
            return None
        try:
            fit = _fit_cox(duration, event, exog, _stratum_labels(runs, strata))
        except Inestimable:
            return None
        notes.append(
            f"The hazards of {', '.join(others)} were not proportional (Schoenfeld test "
            f"p < {PH_ALPHA}), so the model is stratified on {'it' if len(others) == 1 else 'them'} "
            "instead: each level has its own baseline hazard and no hazard ratio."
        )
    if focus in failing:
        notes.append(
            f"The effect of {focus} on the hazard changes over time (Schoenfeld test p < "
            f"{PH_ALPHA}): read its hazard ratio as an average over the horizon, and the "
            "restricted mean survival time for the difference in months."
        )
    if not notes:
        notes.append(f"No term violated proportional hazards (Schoenfeld test, p ≥ {PH_ALPHA}).")
    with warnings.catch_warnings():  # a level without events has an undefined standard error
        warnings.simplefilter("ignore", RuntimeWarning)
        interval = np.asarray(fit.conf_int())
        pvalues = np.asarray(fit.pvalues)
    with np.errstate(over="ignore"):
        table = pd.DataFrame(
            {
                "term": list(exog.columns),
                "hazard_ratio": np.exp(np.asarray(fit.params)),
                "low": np.exp(interval[:, 0]),
                "high": np.exp(interval[:, 1]),
                "p_value": pvalues,
            }
        )
    # every term not stratified on, in the covariates' order; the silent ones without a ratio
    table = table.set_index("term").reindex([t for t in terms if term_factor[t] not in others])
    ph = ph.set_index("term").reindex(terms).drop(columns="factor")
    table.loc[table.index.isin(unestimable)] = np.nan
    ph.loc[ph.index.isin(unestimable)] = np.nan
    return CoxFit(
        table.reset_index(),
        ph.reset_index(),
        tuple(strata),
        " ".join(notes),
        all_runs,
        int(event.sum()),
    )


def _event_free_levels(
    exog: pd.DataFrame, event: np.ndarray, term_factor: dict[str, str]
) -> tuple[np.ndarray, list[str], list[str]]:
    """Levels of categorical factors at which no run has an event.

    Returns which runs to keep (those at no such level), the terms whose ratio is infinite
    (a dummy of such a level; every dummy of a factor whose reference level is such a
    level) and the columns to leave out of the fit (the dummies of such levels and, for an
    event-free reference, one more dummy of that factor, which becomes the reference of the
    others).
    """
    keep = np.ones(len(exog), dtype=bool)
    unestimable: list[str] = []
    dropped: list[str] = []
    for factor in dict.fromkeys(term_factor[t] for t in exog.columns):
        own = [t for t in exog.columns if term_factor[t] == factor]
        dummies = exog[own].to_numpy()
        if not np.isin(dummies, (0.0, 1.0)).all():  # a numeric factor: no levels
            continue
        silent = [t for j, t in enumerate(own) if not event[dummies[:, j] == 1].any()]
        reference = (dummies == 0).all(axis=1)
        if reference.any() and not event[reference].any():  # the reference has no event
            alive = [t for t in own if t not in silent]
            unestimable += own
            dropped += silent + alive[:1]
            keep &= ~reference
        else:
            unestimable += silent
            dropped += silent
        if silent:
            keep &= (exog[silent].to_numpy() == 0).all(axis=1)
    return keep, unestimable, dropped


def cause_specific_hazards(
    runs: pd.DataFrame,
    factors: list[str],
    focus: str,
    references: dict[str, Any] | None = None,
    strata: list[str] | None = None,
) -> pd.DataFrame:
    """Per ending cause, the focus factor's cause-specific hazard ratios.

    For each cause a Cox model counts that cause as the event and the other causes as
    censored at their time: the effect of, say, the manager on the hazard of losing an
    essential partner among the alliances still running.
    """
    rows = []
    for cause in ending_causes(runs):
        fit = cox_model(
            runs, factors, focus, references, strata, event=runs["end_cause"].astype(str) == cause
        )
        if fit is None:
            continue
        focus_terms = fit.hazard_ratios[fit.hazard_ratios["term"].str.startswith(focus + " ")]
        rows.append(
            focus_terms.assign(cause=cause, events=fit.events)[
                ["cause", "events", "term", "hazard_ratio", "low", "high", "p_value"]
            ]
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def effect_modification(
    runs: pd.DataFrame,
    factors: list[str],
    focus: str,
    modifier: str,
    references: dict[str, Any] | None = None,
    strata: list[str] | None = None,
) -> tuple[pd.DataFrame, float]:
    """Does the focus factor's effect on the hazard depend on ``modifier`` (an interaction)?

    Returns the focus factor's hazard ratios within each level of ``modifier`` (a Cox model
    per level, adjusted for the other factors: the interaction in its most readable form),
    and the p-value of a likelihood-ratio test of the focus x modifier product terms in one
    pooled model stratified on the modifier (H0: the same ratio at every level). A numeric
    modifier with more than four values is split at its quartiles.
    """
    levels = runs[modifier]
    if pd.api.types.is_numeric_dtype(levels) and levels.nunique() > 4:
        levels = pd.qcut(levels.astype(float), 4, duplicates="drop").astype(str)
    others = [f for f in factors if f != modifier]
    rows = []
    for level in sorted(levels.dropna().unique(), key=str):
        part = runs[levels == level]
        fit = cox_model(part, others, focus, references, strata)
        if fit is None:
            continue
        terms = fit.hazard_ratios[fit.hazard_ratios["term"].str.startswith(focus + " ")]
        rows.append(terms.assign(**{modifier: level, "runs": fit.runs, "events": fit.events}))
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if len(table):
        table = table[
            [modifier, "runs", "events", "term", "hazard_ratio", "low", "high", "p_value"]
        ]
    return table, _interaction_test(runs, others, focus, levels, references, strata)


def _interaction_test(
    runs: pd.DataFrame,
    factors: list[str],
    focus: str,
    levels: pd.Series,
    references: dict[str, Any] | None,
    strata: list[str] | None,
) -> float:
    """Likelihood-ratio p-value of the focus x modifier products, stratified on the modifier."""
    event = runs["dissolved"].to_numpy(dtype=bool)
    if not event.any() or levels.nunique() < 2:
        return float("nan")
    duration = runs["duration"].to_numpy(dtype=float)
    exog, term_factor = covariates_of(
        runs, [f for f in factors if f not in (strata or [])], references
    )
    focus_terms = [t for t in exog.columns if term_factor[t] == focus]
    if not focus_terms:
        return float("nan")
    dummies = pd.get_dummies(levels.astype(str), drop_first=True, dtype=float)
    products = pd.DataFrame(
        {f"{t} x {d}": exog[t] * dummies[d] for t in focus_terms for d in dummies.columns},
        index=runs.index,
    )
    products = products.loc[:, products.std() > 0]
    labels = _stratum_labels(
        runs.assign(_modifier=levels.astype(str)), [*(strata or []), "_modifier"]
    )
    try:
        without = _fit_cox(duration, event, exog, labels)
        with_products = _fit_cox(duration, event, pd.concat([exog, products], axis=1), labels)
    except Inestimable:
        return float("nan")
    statistic = 2.0 * (with_products.llf - without.llf)
    return (
        float(stats.chi2.sf(max(statistic, 0.0), products.shape[1]))
        if products.shape[1]
        else float("nan")
    )
