"""What a run reports: one registry entry per outcome, with its meaning and how it is measured.

The runner writes these columns, the report and the dashboard read names and
meanings from here, so an outcome is declared once. Each entry measures a
finished (or paused) model; the model calls them all in
:meth:`sim.model.model.AllianceModel.outcomes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.vocabulary import INTERVENTIONS, SECTORS
from sim.model.figures import Figure

#: Why a run ended, in the order a reader meets them.
END_CAUSES: tuple[str, ...] = ("censored", "never_formed", "below_quorum", "essential_left")


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative amounts (0 = equal split, toward 1 = one takes all).

    Negative amounts (a partner that lost money) count as zero received.
    """
    x = np.sort(np.maximum(np.asarray(values, dtype=float), 0.0))
    n = x.size
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2.0 * (ranks * x).sum()) / (n * total) - (n + 1.0) / n)


@dataclass(frozen=True)
class Outcome:
    """One measure of a run.

    Attributes:
        name: column name in runs.parquet.
        meaning: one line in plain words, for reports and the dashboard.
        measure: computes the value from a model (duck-typed: any object with the model's state).
        kind: ``float``, ``int``, ``bool`` or ``str``.
        headline: shown in the report's summary tables.
    """

    name: str
    meaning: str
    measure: Callable[[Any], Any]
    kind: type = float
    headline: bool = False


def _per_month(m: Any, key: str) -> float:
    """The mean of a month's ``key`` over the months with an agreement (0 when there were none)."""
    figures = m.figures
    return float(figures[Figure[f"sum_{key}"]]) / max(float(figures[Figure.months_formed]), 1.0)


def _others(m: Any) -> np.ndarray:
    """Partners other than the home organisation, those still in if any are."""
    others = m.partners.members  # a new array
    others[m.home] = False
    if not others.any():
        others = np.ones(len(others), dtype=bool)
        others[m.home] = False
    return others


def _mean_trust_in_home(m: Any) -> float:
    """The other partners' mean trust in the home organisation (a sum over a count: what
    ``mean`` computes, without its overhead)."""
    trust = m.partners.trust[_others(m), m.home]
    return float(trust.sum() / trust.size)


def _share(m: Any, mask: np.ndarray) -> float:
    """Share of the value received that went to the partners in ``mask``, in [0, 1].

    As in :func:`gini`, a partner that lost money on balance counts as receiving nothing (its
    loss shows in ``min_partner_gain``): dividing by a net total that losses bring near zero
    would give shares such as 8.0 and -7.0 that mean nothing. The shares of disjoint groups
    covering every partner sum to 1 (0 when nobody gained).
    """
    gained = np.maximum(m.partners.cum_received, 0.0)
    total = gained.sum()
    return float(gained[mask].sum() / total) if total > 0 else 0.0


def _sector_share(sector: str) -> Outcome:
    return Outcome(
        f"share_{sector}",
        f"share of the value received by {sector} partners",
        lambda m: _share(m, np.array(m.partners.sectors) == sector),
    )


def _capacity(lever: str) -> Outcome:
    return Outcome(
        f"capacity_{lever}",
        f"manager capacity spent on {lever} over the run",
        lambda m: float(m.manager.capacity_used[lever]) if m.manager else 0.0,
    )


OUTCOMES: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome(
            "duration",
            "months the alliance lasted (the horizon if it was still going: right-censored)",
            lambda m: int(m.duration),
            int,
            headline=True,
        ),
        Outcome(
            "dissolved",
            "the alliance ended before the horizon (including never formed)",
            lambda m: bool(m.dissolved),
            bool,
            headline=True,
        ),
        Outcome(
            "formed",
            "the partners reached a first agreement",
            lambda m: m.alliance.formed,
            bool,
            headline=True,
        ),
        Outcome(
            "end_cause", "why the run ended: " + ", ".join(END_CAUSES), lambda m: m.end_cause, str
        ),
        Outcome(
            "founding_months",
            "months until the first agreement (the run's length if none)",
            lambda m: int(m.formed_month if m.formed_month is not None else m.duration),
            int,
        ),
        Outcome(
            "total_value",
            "value created over the run, net of coordination and manager costs",
            lambda m: float(m.total_value),
            headline=True,
        ),
        Outcome(
            "potential_value",
            "mean monthly value the contributions could create with a "
            "perfect agenda and no history (the upside of diversity)",
            lambda m: _per_month(m, "potential"),
        ),
        Outcome(
            "context_fit",
            "mean monthly fit of the agreed agenda with where value really lay",
            lambda m: _per_month(m, "context_fit"),
        ),
        Outcome(
            "mission_value",
            "mean monthly value partners got in kind from an agenda that serves their own goals",
            lambda m: _per_month(m, "mission"),
        ),
        Outcome(
            "gini",
            "inequality of what partners received (0 = equal)",
            lambda m: gini(m.partners.cum_received),
            headline=True,
        ),
        Outcome(
            "min_partner_gain",
            "the worst-off partner's gain over its outside option",
            lambda m: float(np.min(m.partners.cum_payoff - m.partners.cum_outside)),
            headline=True,
        ),
        Outcome("exits", "partners that left", lambda m: int(m.exits), int),
        Outcome(
            "deadlocks",
            "negotiations that ended without agreement",
            lambda m: int(m.alliance.deadlocks),
            int,
        ),
        Outcome(
            "deadlock_months",
            "months spent waiting to retry after a deadlock",
            lambda m: int(m.figures[Figure.deadlock_months]),
            int,
        ),
        Outcome(
            "stalls",
            "deadlocks although a deal every partner accepted existed (consensus not reached)",
            lambda m: int(m.alliance.stalls),
            int,
        ),
        Outcome(
            "renegotiations",
            "agreements reached after the first",
            lambda m: int(m.alliance.renegotiations),
            int,
        ),
        Outcome("shocks", "shocks that hit the context", lambda m: int(m.environment.shocks), int),
        Outcome("partners", "partners at the start", lambda m: len(m.partners), int),
        Outcome(
            "mean_trust",
            "mean trust between remaining partners at the end",
            lambda m: m.mean_trust,
            headline=True,
        ),
        Outcome(
            "relational_capital",
            "relational capital at the end",
            lambda m: float(m.alliance.relational_capital),
        ),
        Outcome(
            "formalisation_final",
            "formalisation at the end",
            lambda m: float(m.alliance.formalisation),
        ),
        Outcome(
            "opportunism",
            "mean monthly shortfall of contributions below the contracted effort",
            lambda m: _per_month(m, "opportunism"),
        ),
        Outcome(
            "coordination",
            "mean monthly coordination cost (the friction of working together)",
            lambda m: _per_month(m, "coordination"),
        ),
        Outcome(
            "termination_paid",
            "termination compensation paid over the run",
            lambda m: float(m.termination_paid.sum()),
        ),
        Outcome(
            "public_termination_paid",
            "termination compensation paid by public partners",
            lambda m: float(m.termination_paid[m._public].sum()),
        ),
        Outcome(
            "public_gap_paid",
            "what public partners paid to make good the shortfalls of "
            "value they carry under the risk allocation and payment mechanism (net of windfalls "
            "they kept; excluding renegotiation costs)",
            lambda m: float(m.public_costs["gap"]),
        ),
        Outcome(
            "public_renegotiation_cost",
            "the public partners' part of the value lost to reopening the agreement",
            lambda m: float(m.public_costs["renegotiation"]),
        ),
        Outcome(
            "public_exposure",
            "the public partners' fiscal exposure: gaps they made good, their "
            "part of renegotiation costs and the termination compensation they paid",
            lambda m: float(
                m.public_costs["gap"]
                + m.public_costs["renegotiation"]
                + m.termination_paid[m._public].sum()
            ),
            headline=True,
        ),
        Outcome(
            "home_share",
            "share of the value received by the home organisation",
            lambda m: _share(m, np.arange(len(m.partners)) == m.home),
        ),
        Outcome(
            "trust_in_home",
            "the other partners' mean trust in the home organisation",
            _mean_trust_in_home,
        ),
        Outcome(
            "mandate",
            "the manager's backing at the end (0 without a manager)",
            lambda m: float(m.manager.mandate) if m.manager else 0.0,
        ),
        Outcome(
            "legitimacy",
            "the partners' acceptance of the manager at the end (0 without one)",
            lambda m: float(m.manager.legitimacy) if m.manager else 0.0,
        ),
        *(_sector_share(s) for s in SECTORS),
        *(_capacity(lever) for lever in INTERVENTIONS),
    )
}
