"""The alliance manager's levers: what each costs, when it is used, and what it does.

Each intervention costs capacity (a full-time manager has 1 unit a month) and
works in proportion to an effectiveness in [0, 1] that combines the manager's
skill, mandate and, for the relational levers, legitimacy with the partners.
The effects are small pure functions; :class:`sim.model.agents.AllianceManager`
decides when to apply them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Capacity each lever costs per use (a month of a full-time manager = 1).
CAPACITY_COST: dict[str, float] = {
    "scan_adapt": 0.2,
    "mediate": 0.4,
    "build_trust": 0.3,
    "align_ambition": 0.3,
    "balance_power": 0.2,
    "formalise": 0.2,
}

#: Levers whose effect depends on the partners accepting the manager as an honest broker.
RELATIONAL = frozenset({"mediate", "build_trust", "align_ambition"})

TRUST_REPAIR = 0.08
RELATIONAL_INVESTMENT = 0.01
ALIGNMENT_RATE = 0.05
BALANCING_RATE = 0.2
FORMALISING_RATE = 0.1
#: Weight partners give the current context when they set an agenda, unaided and at most.
CONTEXT_WEIGHT = 0.3
SCANNED_CONTEXT_WEIGHT = 0.8


def build_trust(trust: np.ndarray, effectiveness: float) -> np.ndarray:
    """Relational investment: every trust relation moves part of the way to full trust."""
    return trust + TRUST_REPAIR * effectiveness * (1.0 - trust)


def alignment_share(effectiveness: float) -> float:
    """How far joint sense-making moves partners' ideal points toward the shared agenda
    (applied by :meth:`sim.model.partners.Partners.move_ideals_toward`)."""
    return ALIGNMENT_RATE * effectiveness


def balance_power(balance: float, effectiveness: float) -> float:
    """Give weak partners voice: raise how far bargaining weights move toward equality."""
    return balance + BALANCING_RATE * effectiveness * (1.0 - balance)


def formalise(formalisation: float, effectiveness: float) -> float:
    """Contracts and monitoring: a ratchet toward full formalisation."""
    return formalisation + FORMALISING_RATE * effectiveness * (1.0 - formalisation)


def context_weight(scanned: bool, effectiveness: float) -> float:
    """How much a new agenda follows the current context rather than the partners' ideals."""
    if not scanned:
        return CONTEXT_WEIGHT
    return CONTEXT_WEIGHT + (SCANNED_CONTEXT_WEIGHT - CONTEXT_WEIGHT) * effectiveness


@dataclass(frozen=True)
class Observation:
    """What the manager sees at the end of a month, enough to decide which lever to pull."""

    negotiation_due: bool
    context_drifted: bool
    mean_trust: float
    trust_fell: bool
    conflict: float
    dominance: float
    opportunism: float
    formalisation: float


#: When a responsive manager pulls each lever.
TRIGGERS = {
    "scan_adapt": lambda o: o.context_drifted,
    "mediate": lambda o: o.negotiation_due,
    "build_trust": lambda o: o.mean_trust < 0.6 or o.trust_fell,
    "align_ambition": lambda o: o.conflict > 0.04,
    "balance_power": lambda o: o.dominance > 1.5,
    "formalise": lambda o: o.opportunism > 0.15 and o.formalisation < 0.9,
}
