"""The alliance itself: a new organisational reality built out of nothing.

It does not exist before the partners first agree. From then on it accumulates
relational capital (shared routines, identity, joint knowledge: Ring & Van de
Ven 1994; Kale, Singh & Perlmutter 2000) through cooperation, and loses it in
conflict and when partners leave. It also carries the current agreement and
the manager's pending work for the next negotiation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from sim.model.compiled import compiled


@compiled
def build_relational_capital(
    capital: float, cooperation: float, conflict_level: float, growth: float, decay: float
) -> float:
    """Relational capital after a month: logistic growth from cooperation, decay from conflict."""
    grown = capital + growth * cooperation * (1.0 - capital)
    return min(max(grown - decay * conflict_level * capital, 0.0), 1.0)


@dataclass(frozen=True)
class Agreement:
    """What the partners last agreed: the joint agenda and the split of the value (fixed once
    agreed: a partner's exit gives a new agreement, :meth:`without`)."""

    agenda: np.ndarray
    shares: np.ndarray
    #: The contributions the deal was built on: what each partner was expected to put in.
    effort: np.ndarray
    month: int
    expected_value: float
    performance_risk: np.ndarray
    demand_risk: np.ndarray
    #: The per-partner terms as one array, a row each (see :data:`TERMS`), which the
    #: compiled month takes whole.
    terms: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        terms = [self.shares, self.effort, self.performance_risk, self.demand_risk]
        object.__setattr__(self, "terms", np.array(terms, dtype=float))

    def without(self, leaver: int) -> Agreement:
        """The deal as it stands after ``leaver`` left: its share of the value and of each risk
        goes to those who stay, in proportion to what they had (until it is renegotiated)."""

        def rescaled(weights: np.ndarray) -> np.ndarray:
            kept = weights.copy()
            kept[leaver] = 0.0
            total = kept.sum()
            return kept / total if total > 0 else kept

        effort = self.effort.copy()
        effort[leaver] = 0.0
        return replace(
            self,
            shares=rescaled(self.shares),
            effort=effort,
            performance_risk=rescaled(self.performance_risk),
            demand_risk=rescaled(self.demand_risk),
        )


#: The rows of :attr:`Agreement.terms`.
TERMS: tuple[str, ...] = ("shares", "effort", "performance_risk", "demand_risk")
SHARES, EFFORT, PERFORMANCE_RISK, DEMAND_RISK = range(len(TERMS))


@dataclass
class Alliance:
    """The collaboration as an entity: relational capital, agreement, record and pending work.

    ``mediation`` and ``proposal`` are what the manager has prepared for the next
    negotiation (a mediator's effectiveness; a scanned map of where value lies);
    ``visibility`` is this month's trust-building effort. Each is used once.
    """

    relational_capital: float = 0.0
    formalisation: float = 0.0
    power_balance: float = 0.0
    agreement: Agreement | None = None
    deadlocks: int = 0
    #: Deadlocks in which a deal every partner accepts existed but consensus was not reached.
    stalls: int = 0
    renegotiations: int = 0
    renegotiation_called: bool = False
    #: The last negotiation ended in deadlock and the partners wait to try again.
    in_deadlock: bool = False
    next_negotiation: int = 1
    mediation: float = 0.0
    proposal: np.ndarray | None = None
    visibility: float = 0.0

    @property
    def formed(self) -> bool:
        """True once the partners have reached a first agreement."""
        return self.agreement is not None
