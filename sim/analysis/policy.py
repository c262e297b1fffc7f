"""Comparing named PPS designs across uncertain futures, for a policy maker.

A paired experiment runs every design (``[[policy]]``) on the same sampled futures with
the same seeds. This module turns its runs into what a decision memo can use, per
design and for three outcomes (value created, whether the partnership runs the full
contract term, and the public partner's fiscal exposure, where lower is better):

* a robustness table: the mean over futures, the worst decile (the mean of the worst
  10% of futures) and the maximum regret (in each future, the best design's outcome
  minus this design's; EMA Workbench, Kwakkel 2017), each with a 95% bootstrap interval
  that resamples futures, the same futures for every design (paired);
* how often the best design is best across those resamples;
* verdicts on the paired differences, including "cannot be told apart with this many
  futures" and an estimate of how many futures would separate two designs (or, when that
  estimate is absurdly large, that they practically do not differ); the interval of a
  difference is :func:`sim.analysis.statistics.paired_differences`' own, so the summary and
  the researcher's ``paired_differences.csv`` give the same interval;
* which futures break each design: PRIM (:func:`sim.analysis.exploration.prim_box`) on
  the uncertainties, told in words with coverage and density;
* a printable, self-contained HTML memo in English or Dutch.

Everything is computed from ``runs.parquet`` and ``manifest.json``, so it reruns on saved
results without running the model.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.policy_text import TEXT
from sim.analysis.statistics import paired_differences, resamples_kept

#: The confidence level of every interval, and the power a future experiment should have.
CONFIDENCE = 0.95
POWER = 0.8
#: Bootstrap resamples of the futures.
RESAMPLES = 1000
#: Fewer futures than this earn a warning that rankings may change.
FEW_FUTURES = 50
#: An estimate of the futures needed above this many times the futures run (or above
#: ``MAX_NEEDED``) says the designs practically do not differ, rather than quoting a number.
NEEDED_FACTOR = 20
MAX_NEEDED = 10_000


@dataclass(frozen=True)
class Measure:
    """An outcome a design is judged on: its key in the texts and whether more is better."""

    key: str
    higher_is_better: bool


MEASURES: tuple[Measure, ...] = (
    Measure("value", True),
    Measure("survival", True),
    Measure("exposure", False),
)


def measures_for(pps: bool) -> tuple[Measure, ...]:
    """The outcomes designs are judged on: the public exposure only when they are PPS designs."""
    return MEASURES if pps else tuple(m for m in MEASURES if m.key != "exposure")


#: The exposure's parts (outcome columns), in the order the summary lists them.
EXPOSURE_PARTS = {
    "gap": "public_gap_paid",
    "renegotiation": "public_renegotiation_cost",
    "termination": "public_termination_paid",
}


def measure_columns(runs: pd.DataFrame) -> pd.DataFrame:
    """The three measures per run: value created, full term reached (0/1), public exposure."""
    return pd.DataFrame(
        {
            "value": runs["total_value"].astype(float),
            "survival": (~runs["dissolved"].astype(bool)).astype(float),
            "exposure": runs["public_exposure"].astype(float) if "public_exposure" in runs else 0.0,
        },
        index=runs.index,
    )


def per_future(runs: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One row per future, one column per design: the measure's mean over replications.

    The columns keep the designs' order of first appearance (the experiment file's order).
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    table = measure_columns(ok).assign(
        policy=ok["policy"].to_numpy(), future=ok["future"].to_numpy()
    )
    wide = table.pivot_table(index="future", columns="policy", values=measure, aggfunc="mean")
    order = list(dict.fromkeys(ok["policy"]))
    return wide[[p for p in order if p in wide.columns]].dropna()


def worst_count(n_futures: int) -> int:
    """How many futures make the worst decile: a tenth, rounded up, at least one."""
    return max(1, math.ceil(n_futures / 10))


def _oriented(values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """Values turned so that higher is always better (exposure is negated)."""
    return values if higher_is_better else -values


def regret(table: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """Regret of each design (column) in each future (row): how far it falls short of the
    best design in that future, zero for the best (EMA Workbench's definition)."""
    good = _oriented(np.asarray(table, dtype=float), higher_is_better)
    return good.max(axis=-1, keepdims=True) - good


def worst_decile(table: np.ndarray, higher_is_better: bool, axis: int = -2) -> np.ndarray:
    """The mean of each design's worst 10% of futures (rows along ``axis``), in the measure's
    own units: the lowest values when more is better, the highest when less is."""
    values = np.moveaxis(np.asarray(table, dtype=float), axis, -1)
    k = worst_count(values.shape[-1])
    # the k lowest (highest) values, found by partitioning rather than sorting every row
    if higher_is_better:
        worst = np.partition(values, k - 1, axis=-1)[..., :k]
    else:
        worst = np.partition(values, values.shape[-1] - k, axis=-1)[..., -k:]
    return worst.mean(axis=-1)


def _statistics(table: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """Mean, worst decile and maximum regret of every design: shape (3, designs, ...)."""
    return np.stack(
        [
            table.mean(axis=-2),
            worst_decile(table, higher_is_better),
            regret(table, higher_is_better).max(axis=-2),
        ]
    )


def _bootstrap(n: int, statistic: Any, seed: int) -> Any:
    """A percentile bootstrap over ``n`` futures: ``statistic`` gets the resampled row indices.

    The resamples go to ``statistic`` in batches of about a million indices (the same
    resamples as in one batch, drawn in turn from one generator), so that the resampled
    table of futures x designs is not held for all resamples at once.
    """
    return stats.bootstrap(
        (np.arange(n),),
        statistic,
        vectorized=True,
        paired=False,
        n_resamples=RESAMPLES,
        batch=max(1, 1_000_000 // max(n, 1)),
        confidence_level=CONFIDENCE,
        method="percentile",
        rng=np.random.default_rng(seed),
    )


def robustness(table: pd.DataFrame, higher_is_better: bool, seed: int = 0) -> pd.DataFrame:
    """Mean, worst decile and maximum regret per design, each with a 95% bootstrap interval.

    The futures (rows of ``table``) are resampled with replacement, the same resample for
    every design, so the intervals respect the pairing. Also: the share of resamples in
    which each design has the best mean (``best_share``).
    """
    values = table.to_numpy(dtype=float)
    n = len(values)
    point = _statistics(values, higher_is_better)

    def statistic(index: np.ndarray, axis: int = -1) -> np.ndarray:
        found = _statistics(values[index], higher_is_better)  # (3, ..., designs)
        return np.moveaxis(found, -1, 1).reshape(3 * values.shape[1], *found.shape[1:-1])

    rows = {"mean": 0, "worst_decile": 1, "max_regret": 2}
    out = pd.DataFrame(index=pd.Index(table.columns, name="design"))
    if n > 1:
        ci = _bootstrap(n, statistic, seed).confidence_interval
        low = np.asarray(ci.low).reshape(3, -1)
        high = np.asarray(ci.high).reshape(3, -1)
    else:
        low = high = point
    for name, i in rows.items():
        out[name] = point[i]
        out[f"{name}_low"] = np.nan_to_num(low[i], nan=point[i])
        out[f"{name}_high"] = np.nan_to_num(high[i], nan=point[i])
    out["best_share"] = best_share(values, higher_is_better, seed)
    return out


def best_share(values: np.ndarray, higher_is_better: bool, seed: int = 0) -> np.ndarray:
    """Share of bootstrap resamples of the futures in which each design has the best mean
    (ties shared): how stable the ranking's winner is."""
    rng = np.random.default_rng(seed)
    n = len(values)
    index = rng.integers(0, n, size=(RESAMPLES, n))
    means = _oriented(values[index].mean(axis=1), higher_is_better)
    best = means == means.max(axis=1, keepdims=True)
    return (best / best.sum(axis=1, keepdims=True)).mean(axis=0)


@dataclass(frozen=True)
class Comparison:
    """The paired difference between the best design and another, in the measure's units,
    oriented so that a positive ``diff`` means the best design is better."""

    best: str
    other: str
    diff: float
    low: float
    high: float
    futures: int
    needed: int | None

    @property
    def hardly_differs(self) -> bool:
        """The futures needed to separate the designs are far beyond the futures run: the
        difference is negligible next to its variation between futures."""
        return self.needed is not None and self.needed > needed_cap(self.futures)

    @property
    def identical(self) -> bool:
        """The two designs gave the same result in every future."""
        return self.diff == 0 and self.low == 0 and self.high == 0

    @property
    def told_apart(self) -> bool:
        """The interval of the paired difference excludes zero."""
        return self.low > 0 or self.high < 0


def futures_needed(differences: np.ndarray) -> int | None:
    """An estimate of the futures a paired comparison needs to tell two designs apart
    (two-sided 5% level, 80% power): ((z_0.975 + z_0.8) * sd / |mean|)^2, from the paired
    differences per future; None when they do not differ on average, or when there are
    fewer than two futures to estimate the spread from."""
    d = np.asarray(differences, dtype=float)
    if d.size < 2:
        return None
    mean = float(d.mean())
    if mean == 0:
        return None
    z = stats.norm.ppf(1 - (1 - CONFIDENCE) / 2) + stats.norm.ppf(POWER)
    return max(2, math.ceil((z * float(d.std(ddof=1)) / abs(mean)) ** 2))


def needed_cap(futures: int) -> int:
    """Above this many futures needed, two designs are said to practically not differ:
    twenty times the futures run, and never more than ten thousand."""
    return min(NEEDED_FACTOR * max(futures, 1), MAX_NEEDED)


def compare(
    runs: pd.DataFrame, measure: str, best: str, other: str, higher_is_better: bool
) -> Comparison:
    """The paired difference best - other, oriented so that positive means ``best`` is better.

    ``runs`` holds one row per run with ``policy``, ``future`` (and ``replication``) and the
    measure's column. The mean and 95% interval are those of
    :func:`sim.analysis.statistics.paired_differences` (one difference per future,
    each side's replications in that future averaged first; BCa bootstrap), the very function behind the report's ``paired_differences.csv``; the
    futures needed come from the differences of the per-future means.
    """
    two = runs[runs["policy"].isin([best, other])]
    row = paired_differences(two, "policy", other, [measure]).iloc[0]
    sign = 1.0 if higher_is_better else -1.0
    mean, low, high = (sign * float(row[c]) for c in ("mean_difference", "low", "high"))
    if not higher_is_better:
        low, high = high, low
    wide = two.pivot_table(
        index="future", columns="policy", values=measure, aggfunc="mean"
    ).dropna()
    per_future = sign * (wide[best] - wide[other]).to_numpy(float) if len(wide) else np.zeros(0)
    return Comparison(best, other, mean, low, high, len(wide), futures_needed(per_future))


def failures(runs: pd.DataFrame, design: str, pps: bool = True) -> tuple[pd.DataFrame, np.ndarray]:
    """One design's runs and which of them failed: the partnership ended before the contract
    term (the end of the run), or, for a PPS comparison, the public exposure is in the
    design's worst 10% of runs."""
    mine = runs[(runs["policy"] == design) & (runs.get("status", "ok") == "ok")]
    ended = mine["dissolved"].astype(bool).to_numpy()
    return mine, (ended | exposure_tail(mine)) if pps else ended


def exposure_tail(runs: pd.DataFrame) -> np.ndarray:
    """Which runs have a public exposure among the highest tenth and higher than every run
    outside it.

    Runs tied with the tenth's boundary are left out: a tie means the tail is not worse than
    the rest there, so an exposure that is the same in most runs (all zero, say) marks no
    run at all instead of every run.
    """
    exposure = runs["public_exposure"].astype(float).to_numpy()
    if not len(exposure):
        return np.zeros(0, bool)
    ordered = np.sort(exposure)
    k = worst_count(len(exposure))
    boundary = ordered[-k]
    if k < len(ordered) and ordered[-k - 1] >= boundary:  # the boundary is tied with the rest
        return exposure > boundary
    return exposure >= boundary


@dataclass
class Breaking:
    """Where one design fails, as found by PRIM on the uncertainties."""

    design: str
    rate: float
    box: Any = None
    #: Every one of the design's partnerships ended before the contract term.
    all_ended: bool = False
    #: Where the public exposure is in the design's worst 10% (a PRIM box, or None).
    costly: Any = None


def what_breaks(
    runs: pd.DataFrame, design: str, uncertainties: list[str], pps: bool = True
) -> Breaking:
    """PRIM on the uncertainties for one design's failures (for a PPS comparison also on
    where the public exposure is in the design's worst 10%).

    The density a box must reach lies halfway between the design's failure rate and
    certainty, so that a box always says more than "it fails about as often everywhere".
    """
    from sim.analysis.exploration import prim_box

    mine, failed = failures(runs, design, pps)
    rate = float(failed.mean()) if len(failed) else 0.0
    ended = mine["dissolved"].astype(bool)
    found = Breaking(design, rate, all_ended=bool(len(ended)) and bool(ended.all()))
    if not uncertainties or not len(mine):
        return found
    x = mine[uncertainties].reset_index(drop=True)
    if 0 < rate < 1:
        box = prim_box(x, failed, threshold=rate + (1 - rate) / 2)
        found.box = box if box is not None and box.limits else None
    tail = exposure_tail(mine) if pps else np.zeros(len(mine), bool)
    if 0 < tail.mean() < 1:
        box = prim_box(x, tail, threshold=tail.mean() + (1 - tail.mean()) / 2)
        found.costly = box if box is not None and box.limits else None
    return found


@dataclass
class PolicySummary:
    """Everything the policy summary and the memo say, before it is written as HTML."""

    language: str
    designs: list[str]
    levers: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    per_future: dict[str, pd.DataFrame]
    comparisons: dict[str, list[Comparison]]
    breaking: list[Breaking]
    manifest: dict[str, Any]
    runs: pd.DataFrame
    uncertainties: dict[str, Any] = field(default_factory=dict)
    quick: bool = False
    #: Whether the policies are PPS contract designs (see :func:`is_pps`); otherwise the
    #: summary compares policies over futures, without contract-term and exposure words.
    pps: bool = True

    @property
    def futures(self) -> int:
        return len(next(iter(self.per_future.values())))

    @property
    def measures(self) -> tuple[Measure, ...]:
        """The outcomes the designs are judged on: the public exposure only for PPS designs."""
        return measures_for(self.pps)

    @property
    def text(self) -> dict[str, Any]:
        words = TEXT[self.language]
        return words if self.pps else {**words, **words["general"]}


def is_paired(manifest: dict[str, Any]) -> bool:
    """Whether a results folder's experiment names policies run on shared futures."""
    return bool(manifest.get("experiment", {}).get("policies"))


def is_pps(runs: pd.DataFrame, experiment: dict[str, Any]) -> bool:
    """Whether a paired experiment compares PPS contract designs: a policy sets the contract
    term, or a public partner's exposure varies between runs. Otherwise (say, alliance
    managers compared in an open-innovation network) there is no contract and no public
    exposure to speak of."""
    if any("contract_term" in (p.get("knobs") or {}) for p in experiment.get("policies", [])):
        return True
    exposure = (
        runs["public_exposure"].astype(float)
        if "public_exposure" in runs
        else pd.Series(dtype=float)
    )
    return bool(len(exposure)) and bool(exposure.nunique() > 1)


def summarise(
    runs: pd.DataFrame, manifest: dict[str, Any], language: str | None = None
) -> PolicySummary:
    """The policy summary of a paired experiment's runs."""
    with resamples_kept():  # the comparisons' intervals share their resamples
        return _summarise(runs, manifest, language)


def _summarise(
    runs: pd.DataFrame, manifest: dict[str, Any], language: str | None = None
) -> PolicySummary:
    experiment = manifest.get("experiment", {})
    language = language or experiment.get("language", "en")
    if language not in TEXT:
        language = "en"
    seed = int(manifest.get("root_seed") or 0) % 2**32
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    designs = list(dict.fromkeys(ok["policy"]))
    pps = is_pps(ok, experiment)
    measures = measures_for(pps)
    by_run = measure_columns(ok).assign(
        policy=ok["policy"].to_numpy(),
        future=ok["future"].to_numpy(),
        **({"replication": ok["replication"].to_numpy()} if "replication" in ok else {}),
    )
    tables, futures, comparisons = {}, {}, {}
    for m in measures:
        table = per_future(ok, m.key)
        futures[m.key] = table
        tables[m.key] = robustness(table, m.higher_is_better, seed)
        best = _best(tables[m.key], m.higher_is_better)
        comparisons[m.key] = [
            compare(by_run, m.key, best, other, m.higher_is_better)
            for other in table.columns
            if other != best
        ]
    uncertainties = {f["name"]: f for f in experiment.get("factors", [])}
    names = [u for u in uncertainties if u in ok]
    return PolicySummary(
        language=language,
        designs=designs,
        levers=_levers(experiment, designs),
        tables=tables,
        per_future=futures,
        comparisons=comparisons,
        breaking=[what_breaks(ok, d, names, pps) for d in designs],
        manifest=manifest,
        runs=ok,
        uncertainties=uncertainties,
        quick=str(experiment.get("name", "")).endswith("-quick"),
        pps=pps,
    )


def _best(table: pd.DataFrame, higher_is_better: bool) -> str:
    means = table["mean"] if higher_is_better else -table["mean"]
    return str(means.idxmax())


def _levers(experiment: dict[str, Any], designs: list[str]) -> pd.DataFrame:
    """The knobs each design sets, one column per design (fixed knobs of the experiment and
    unset levers shown as such)."""
    from sim.config.knobs import KNOBS

    policies = {p["name"]: p.get("knobs", {}) for p in experiment.get("policies", [])}
    knobs = list(dict.fromkeys(k for d in designs for k in policies.get(d, {})))
    fixed = {k: knob.default for k, knob in KNOBS.items()}
    for scenario in (experiment.get("resolved_scenarios") or {}).values():
        fixed.update(scenario.get("knobs") or {})
        break  # a paired experiment has one scenario
    fixed.update(experiment.get("knobs") or {})
    return pd.DataFrame(
        {
            d: pd.Series(
                [policies.get(d, {}).get(k, fixed.get(k)) for k in knobs], index=knobs, dtype=object
            )
            for d in designs
        },
        index=pd.Index(knobs, name="lever"),
        dtype=object,
    )


# --- words ---------------------------------------------------------------------------------


def _number(x: float, language: str, percent: bool = False) -> str:
    """A number as a reader writes it (Dutch uses a decimal comma)."""
    if percent:
        s = f"{100 * x:.0f}%"
    elif abs(x) >= 100:
        s = f"{x:,.0f}"
    elif abs(x) >= 10:
        s = f"{x:.1f}"
    else:
        s = f"{x:.2f}"
    if language == "nl":
        s = s.replace(",", "\u2009").replace(".", ",")
    return s


def _thousands(n: int, language: str) -> str:
    """A whole number with thousands separated as the reader writes them (1,070 / 1.070)."""
    return f"{n:,}".replace(",", "." if language == "nl" else ",")


def _fmt(summary: PolicySummary, measure: str, x: float) -> str:
    return _number(x, summary.language, percent=measure == "survival")


def _difference(summary: PolicySummary, measure: str, x: float) -> str:
    """A difference between designs: for a share, in percentage points (pp)."""
    if measure == "survival":
        return f"{100 * x:.0f} pp"
    return _fmt(summary, measure, x)


def level_words(summary: PolicySummary, lever: str, value: Any) -> str:
    """A lever's setting in the reader's words."""
    words = summary.text["levels"]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return words["unset"] if lever == "risk_allocation" else "—"
    if lever in ("contract_term", "agreement_length"):
        return words["months"].format(months=int(value), years=int(value) / 12)
    if lever in ("risk_allocation", "termination_compensation", "formalisation"):
        return _number(float(value), summary.language, percent=True)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return words.get(str(value), str(value))


def verdicts(summary: PolicySummary) -> dict[str, list[str]]:
    """Per measure: which design is best and how sure, then each paired comparison."""
    t = summary.text
    out: dict[str, list[str]] = {}
    for m in summary.measures:
        table = summary.tables[m.key]
        best = _best(table, m.higher_is_better)
        row = table.loc[best]
        label = f"{t[m.key]} ({t['higher_better' if m.higher_is_better else 'lower_better']})"
        tied = [str(d) for d in table.index if table.loc[d, "mean"] == row["mean"]]
        lines = (
            [
                t["tie"].format(
                    measure=label,
                    designs=t["and"].join(tied),
                    mean=_fmt(summary, m.key, row["mean"]),
                )
            ]
            if len(tied) > 1
            else [
                t["best"].format(
                    measure=label,
                    design=best,
                    mean=_fmt(summary, m.key, row["mean"]),
                    low=_fmt(summary, m.key, row["mean_low"]),
                    high=_fmt(summary, m.key, row["mean_high"]),
                    share=_number(row["best_share"], summary.language, percent=True),
                    resamples=_thousands(RESAMPLES, summary.language),
                )
            ]
        )
        for c in summary.comparisons[m.key]:
            f = {
                "best": c.best,
                "other": c.other,
                "futures": c.futures,
                "diff": _difference(summary, m.key, c.diff),
                "low": _difference(summary, m.key, c.low),
                "high": _difference(summary, m.key, c.high),
                "needed": _thousands(c.needed, summary.language) if c.needed else "?",
                "cap": _thousands(needed_cap(c.futures), summary.language),
            }
            key = (
                "one_future"
                if c.futures < 2
                else "same"
                if c.identical
                else "better"
                if c.told_apart
                else "hardly"
                if c.hardly_differs
                else "apart"
                if c.needed
                else "apart_even"
            )
            lines.append(t[key].format(**f))
        if m.key == "exposure":
            values = "; ".join(
                f"{d} {_fmt(summary, m.key, table.loc[d, 'worst_decile'])}" for d in table.index
            )
            lines.append(t["tail"].format(values=values))
        out[m.key] = lines
    return out


def box_words(summary: PolicySummary, box: Any) -> str:
    """A PRIM box in the reader's words, e.g. "turbulence is between 0.40 and 0.60", "shocks
    per year is above 1.5"; a side of a range that leaves out less than a tenth of the
    futures sampled is not a condition worth saying, and is left out."""
    t = summary.text
    parts = []
    for name, limit in box.limits.items():
        label = t["uncertainties"].get(name, name)
        if limit and isinstance(limit[0], str):
            parts.append(t["is"].format(name=label, levels=t["or"].join(limit)))
            continue
        cuts_low, cuts_high = _restricts(summary, name, limit)
        low, high = (_number(x, summary.language) for x in limit[:2])
        if cuts_low and cuts_high:
            parts.append(t["between"].format(name=label, low=low, high=high))
        elif cuts_low:
            parts.append(t["above"].format(name=label, low=low))
        elif cuts_high:
            parts.append(t["below"].format(name=label, high=high))
    return t["and"].join(parts)


#: A side of a PRIM box is a condition when it leaves out at least this share of the futures.
RESTRICTS = 0.1


def _restricts(summary: PolicySummary, name: str, limit: tuple[float, float]) -> tuple[bool, bool]:
    """Whether a box's lower and upper limits each leave out a real part (a tenth or more) of
    the futures actually sampled (not of the declared range, which the samples never reach
    exactly)."""
    if name not in summary.runs:
        return True, True
    values = (
        summary.runs.drop_duplicates("future")[name]
        if "future" in summary.runs
        else summary.runs[name]
    )
    values = pd.to_numeric(values, errors="coerce").dropna().to_numpy()
    if not len(values):
        return True, True
    return bool(np.mean(values < limit[0]) >= RESTRICTS), bool(
        np.mean(values > limit[1]) >= RESTRICTS
    )


def breaking_words(summary: PolicySummary) -> list[str]:
    """One sentence per design: where it fails, with PRIM's coverage and density."""
    t, lang = summary.text, summary.language
    lines = []
    for b in summary.breaking:
        rate = _number(b.rate, lang, percent=True)
        if b.rate == 0:
            lines.append(t["breaks_never"].format(design=b.design))
        elif b.all_ended:
            lines.append(t["breaks_always"].format(design=b.design))
        elif b.box is None or not box_words(summary, b.box):
            lines.append(t["breaks_none"].format(design=b.design, rate=rate))
        else:
            lines.append(
                t["breaks_box"].format(
                    design=b.design,
                    rate=rate,
                    box=box_words(summary, b.box),
                    coverage=_number(b.box.coverage, lang, percent=True),
                    density=_number(b.box.density, lang, percent=True),
                )
            )
        if b.costly is not None and box_words(summary, b.costly):
            lines.append(
                t["costly_box"].format(
                    design=b.design,
                    box=box_words(summary, b.costly),
                    coverage=_number(b.costly.coverage, lang, percent=True),
                    density=_number(b.costly.density, lang, percent=True),
                )
            )
    return lines


def warnings_for(summary: PolicySummary) -> list[str]:
    """The visible warnings: a quick run, or too few futures for a stable ranking."""
    if summary.quick:
        return [summary.text["quick_warning"].format(futures=summary.futures)]
    if summary.futures < FEW_FUTURES:
        return [summary.text["few_warning"].format(futures=summary.futures)]
    return []


# --- HTML ----------------------------------------------------------------------------------


def _e(x: Any) -> str:
    return html.escape(str(x))


def levers_html(summary: PolicySummary) -> str:
    t = summary.text
    head = "".join(f"<th>{_e(d)}</th>" for d in summary.designs)
    rows = "".join(
        f"<tr><th>{_e(t['levers'].get(k, k))}</th>"
        + "".join(
            f"<td>{_e(level_words(summary, k, summary.levers.loc[k, d]))}</td>"
            for d in summary.designs
        )
        + "</tr>"
        for k in summary.levers.index
    )
    return f'<table class="levers"><tr><th>{_e(t["lever"])}</th>{head}</tr>{rows}</table>'


def robustness_html(summary: PolicySummary) -> str:
    """The robustness table: per outcome and design, mean, worst 10% and maximum regret with
    their intervals, and how often the design is best."""
    t = summary.text
    head = "".join(
        f"<th>{_e(t[c])}</th>"
        for c in ("measure", "design", "mean", "worst_decile", "max_regret", "best_share")
    )
    rows = []
    for m in summary.measures:
        table = summary.tables[m.key]
        either_or = _either_or(summary.per_future[m.key])
        for i, (design, row) in enumerate(table.iterrows()):
            cells = "".join(
                "<td>—</td>"
                if either_or and c != "mean"
                else f"<td>{_fmt(summary, m.key, row[c])}<br><small>"
                f"{_fmt(summary, m.key, row[c + '_low'])} – {_fmt(summary, m.key, row[c + '_high'])}"
                f"</small></td>"
                for c in ("mean", "worst_decile", "max_regret")
            )
            first = (
                f'<th rowspan="{len(table)}">{_e(t[m.key])}<br><small>'
                f"{_e(t['higher_better' if m.higher_is_better else 'lower_better'])}</small></th>"
                if i == 0
                else ""
            )
            rows.append(
                f"<tr>{first}<td>{_e(design)}</td>{cells}"
                f"<td>{_number(row['best_share'], summary.language, percent=True)}</td></tr>"
            )
    note = (
        f"<p><small>{_e(t['either_or'])}</small></p>"
        if any(_either_or(summary.per_future[m.key]) for m in summary.measures)
        else ""
    )
    return f'<table class="robustness"><tr>{head}</tr>{"".join(rows)}</table>{note}'


def exposure_parts(summary: PolicySummary) -> pd.DataFrame:
    """The public exposure's parts per design (mean over futures): gaps made good, the public
    part of renegotiation costs, termination compensation paid, and their total."""
    runs = summary.runs
    columns = {k: c for k, c in EXPOSURE_PARTS.items() if c in runs}
    if not summary.pps or not columns:
        return pd.DataFrame()
    means = runs.groupby("policy")[[*columns.values(), "public_exposure"]].mean()
    means = means.rename(columns={c: k for k, c in columns.items()} | {"public_exposure": "total"})
    return means.T[[d for d in summary.designs if d in means.index]]


def exposure_parts_html(summary: PolicySummary) -> str:
    """The exposure's parts side by side per design, or nothing when there is no exposure."""
    table = exposure_parts(summary)
    if table.empty:
        return ""
    t = summary.text
    head = "".join(f"<th>{_e(d)}</th>" for d in table.columns)
    rows = "".join(
        f"<tr><th>{_e(t['part_' + part])}</th>"
        + "".join(f"<td>{_number(v, summary.language)}</td>" for v in table.loc[part])
        + "</tr>"
        for part in table.index
    )
    return (
        f"<h3>{_e(t['parts_title'])}</h3>"
        f'<table class="exposure-parts"><tr><th>{_e(t["part"])}</th>{head}</tr>{rows}</table>'
    )


def _either_or(table: pd.DataFrame) -> bool:
    """Whether every future's figure is 0 or 1 (one run per future of a yes/no outcome): its
    worst decile and regret then only say "in some futures it fails", so they are not shown."""
    values = table.to_numpy(dtype=float)
    return bool(np.isin(values, (0.0, 1.0)).all())


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def survival_figure(summary: PolicySummary) -> str:
    """Share of futures still running, year by year, per design (inline SVG); the axis runs
    from 0 to 100% so that small differences are not blown up."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = summary.text
    runs = summary.runs
    horizon = int(runs["duration"].max())
    years = np.arange(0, horizon // 12 + 1)
    fig, ax = plt.subplots(figsize=(4.2, 2.6))
    for design in summary.designs:
        mine = runs[runs["policy"] == design]
        ended = mine["dissolved"].astype(bool).to_numpy()
        months = mine["duration"].to_numpy()
        share = [float(np.mean(~ended | (months > 12 * y))) for y in years]
        ax.step(years, share, where="post", label=design)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(t["year"])
    ax.set_ylabel(t["still_running"])
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    return _svg(fig)


def exposure_figure(summary: PolicySummary) -> str:
    """The public exposure across futures per design, with the worst-decile mean marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = summary.text
    table = summary.per_future["exposure"].iloc[:, ::-1]  # the first design on top
    fig, ax = plt.subplots(figsize=(4.2, 2.6))
    ax.boxplot(
        [table[d].to_numpy() for d in table.columns],
        orientation="horizontal",
        whis=(5, 95),
        showfliers=False,
    )
    ax.set_yticks(
        range(1, len(table.columns) + 1), [str(d)[:28] for d in table.columns], fontsize=7
    )
    worst = summary.tables["exposure"]["worst_decile"]
    ax.scatter(
        [worst[d] for d in table.columns],
        range(1, len(table.columns) + 1),
        color="firebrick",
        zorder=3,
        s=18,
    )
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel(t["exposure_axis"])
    ax.grid(alpha=0.3)
    return _svg(fig)


def _ranges(summary: PolicySummary) -> str:
    lang = summary.language
    parts = []
    for name, f in summary.uncertainties.items():
        label = summary.text["uncertainties"].get(name, name)
        if f.get("low") is not None:
            parts.append(f"{label}: {_number(f['low'], lang)} – {_number(f['high'], lang)}")
        else:
            parts.append(f"{label}: {', '.join(str(v) for v in f.get('levels', []))}")
    return "; ".join(parts)


def assumptions(summary: PolicySummary) -> list[tuple[str, str]]:
    """Scenario, futures, term simulated, ranges, version and seed, from the manifest."""
    t, m = summary.text, summary.manifest
    experiment = m.get("experiment", {})
    horizon = int(summary.runs["duration"].max()) if len(summary.runs) else 0
    git = m.get("git") or {}
    package = (m.get("identity") or {}).get("package_version")
    version = ", ".join(
        x
        for x in (
            f"sim {package}" if package else "",
            f"git {str(git.get('commit', ''))[:10]}{' (+ ' + t['uncommitted'] + ')' if git.get('dirty') else ''}"
            if git.get("commit")
            else "",
            f"mesa {(m.get('packages') or {}).get('mesa')}"
            if (m.get("packages") or {}).get("mesa")
            else "",
        )
        if x
    )
    return [
        (t["scenario"], ", ".join(experiment.get("scenarios", []))),
        (
            t["futures"],
            t["futures_value"].format(
                futures=summary.futures,
                design=experiment.get("design", ""),
                replications=experiment.get("replications", 1),
            ),
        ),
        (t["horizon"], t["years"].format(years=horizon / 12)),
        (t["ranges"], _ranges(summary)),
        (t["version"], version or "—"),
        (t["seed"], str(m.get("root_seed", ""))),
    ]


#: Inline, so the warning stands out wherever the fragment is shown (report, dashboard, memo).
WARNING_STYLE = "border:2px solid #b00;background:#fee;padding:4px 8px;font-weight:bold"


def summary_parts(summary: PolicySummary, figures: bool = True) -> dict[str, str]:
    """The policy summary's parts as HTML fragments, in reading order: warnings, designs,
    results table, verdicts, what breaks each design, figures and the glossary."""
    t = summary.text

    def items(lines: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>"

    parts = {
        "warnings": "".join(
            f'<p class="warning" style="{WARNING_STYLE}">{_e(w)}</p>' for w in warnings_for(summary)
        ),
        "designs": f"<h2>{_e(t['designs'])}</h2>{levers_html(summary)}",
        "results": f"<h2>{_e(t['results'])}</h2>{robustness_html(summary)}{exposure_parts_html(summary)}",
        "verdicts": f"<h2>{_e(t['verdicts'])}</h2>"
        + "".join(items(lines) for lines in verdicts(summary).values()),
        "breaks": f"<h2>{_e(t['breaks'])}</h2>{items(breaking_words(summary))}",
        "figures": "",
        "glossary": f"<h2>{_e(t['glossary'])}</h2>"
        + items(
            [
                t[k]
                for k in (
                    "gloss_mean",
                    "gloss_worst",
                    "gloss_regret",
                    "gloss_interval",
                    "gloss_best",
                    "gloss_pp",
                    "gloss_ends",
                    *(["gloss_exposure"] if summary.pps else []),
                )
            ]
        ),
    }
    if figures:
        exposure = (
            f"<figure>{exposure_figure(summary)}<figcaption>{_e(t['figure_exposure'])}"
            "</figcaption></figure>"
            if summary.pps
            else ""
        )
        parts["figures"] = (
            '<div class="figures">'
            f"<figure>{survival_figure(summary)}<figcaption>{_e(t['figure_survival'])}"
            f"</figcaption></figure>{exposure}</div>"
        )
    return parts


def summary_html(summary: PolicySummary, figures: bool = True) -> str:
    """The policy summary as one HTML fragment (for the report and the dashboard)."""
    return "\n".join(summary_parts(summary, figures).values())


MEMO_CSS = """
body { font: 10pt/1.35 system-ui, sans-serif; margin: 1.5cm; color: #111; }
h1 { font-size: 15pt; margin: 0 0 .3em; } h2 { font-size: 11.5pt; margin: .9em 0 .3em; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; table-layout: fixed;
  overflow-wrap: break-word; hyphens: auto; }
th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; vertical-align: top; }
small { color: #555; } ul { margin: .2em 0; padding-left: 1.2em; }
.figures { display: flex; gap: 1em; } figure { margin: 0; flex: 1; }
figure svg { width: 100%; height: auto; max-height: 7cm; }
figcaption { font-size: 8pt; color: #444; }
@page { size: A4; margin: 1cm; }
@media print {
  body { margin: 0; font-size: 7.5pt; line-height: 1.25; }
  h1 { font-size: 12pt; } h2 { font-size: 9pt; margin: .5em 0 .2em; }
  table { font-size: 7pt; } th, td { padding: 1px 3px; } small { font-size: 6.5pt; }
  figure svg { max-height: 5.2cm; } figcaption { font-size: 6.5pt; }
  .page { page-break-after: always; } .page:last-child { page-break-after: auto; }
}
"""


def memo_html(summary: PolicySummary) -> str:
    """The printable memo: a self-contained HTML page (print styles, inline figures). The
    first printed page is the comparison (designs side by side, the table, the verdicts and
    two figures); the second holds what breaks each design, the assumptions, what the model
    leaves out and how to read the numbers."""
    t = summary.text
    experiment = summary.manifest.get("experiment", {})
    title = f"{t['title']}: {experiment.get('name', '')}"
    facts = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in assumptions(summary))
    parts = summary_parts(summary)
    today = dt.date.today().isoformat()
    return (
        f'<!DOCTYPE html>\n<html lang="{summary.language}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{MEMO_CSS}</style></head><body>"
        f'<section class="page"><h1>{_e(title)}</h1><p><small>{_e(today)}</small></p>'
        + "".join(parts[k] for k in ("warnings", "designs", "results", "verdicts", "figures"))
        + "</section>"
        f'<section class="page">{parts["breaks"]}<h2>{_e(t["assumptions"])}</h2><table>{facts}</table>'
        f"<h2>{_e(t['leaves_out'])}</h2><p>{_e(t['leaves_out_text'])}</p>{parts['glossary']}</section>"
        "</body></html>\n"
    )


def write_memo(folder: Path, language: str | None = None) -> Path:
    """Write ``memo.html`` (or ``memo_<language>.html``) into a paired experiment's results."""
    from sim.analysis.report import load_results

    runs, manifest, _, _ = load_results(Path(folder))
    summary = summarise(runs, manifest, language)
    path = Path(folder) / (f"memo_{language}.html" if language else "memo.html")
    path.write_text(memo_html(summary), encoding="utf-8")
    return path


def policy_opening(folder: Path, runs: pd.DataFrame, manifest: dict[str, Any]) -> str:
    """The policy summary that opens a paired experiment's report, in the experiment's
    language; also writes the printable ``memo.html`` next to it and links to it."""
    summary = summarise(runs, manifest)
    (Path(folder) / "memo.html").write_text(memo_html(summary), encoding="utf-8")
    memo = "Printbare memo" if summary.language == "nl" else "Printable memo"
    return (
        f'<section class="policy" lang="{summary.language}"><h2>{_e(summary.text["title"])}</h2>'
        f'<p><a href="memo.html">{memo} (memo.html)</a></p>{summary_html(summary)}</section>'
    )
