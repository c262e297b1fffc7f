"""The alliance itself: a new organisational reality built out of nothing.

It does not exist before the partners first agree. From then on it accumulates
relational capital (shared routines, identity, joint knowledge: Ring & Van de
Ven 1994; Kale, Singh & Perlmutter 2000) through cooperation, and loses it in
conflict and when partners leave. It also carries the current agreement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Monthly growth of relational capital at full cooperation, and its loss at full conflict.
CAPITAL_GROWTH = 0.04
CAPITAL_DECAY = 0.3
#: Share of relational capital lost when a partner leaves.
EXIT_DAMAGE = 0.3


def build_relational_capital(capital: float, cooperation: float, conflict_level: float) -> float:
    """Relational capital after a month: logistic growth from cooperation, decay from conflict."""
    grown = capital + CAPITAL_GROWTH * cooperation * (1.0 - capital)
    return min(max(grown - CAPITAL_DECAY * conflict_level * capital, 0.0), 1.0)


@dataclass
class Agreement:
    """What the partners last agreed: the joint agenda and the split of the value."""

    agenda: np.ndarray
    shares: np.ndarray
    month: int
    context_fit: float
    expected_value: float
    performance_risk: np.ndarray
    demand_risk: np.ndarray


@dataclass
class Alliance:
    """The collaboration as an entity: relational capital, agreement and its record."""

    relational_capital: float = 0.0
    formalisation: float = 0.0
    power_balance: float = 0.0
    agreement: Agreement | None = None
    deadlocks: int = 0
    renegotiations: int = 0
    renegotiation_called: bool = False
    next_negotiation: int = 1

    @property
    def formed(self) -> bool:
        """True once the partners have reached a first agreement."""
        return self.agreement is not None
