"""The alliance manager's levers: one registry entry each, with its cost, trigger and effect.

Every intervention changes behaviour, never an outcome: scanning sharpens the
manager's picture of the context and lets it propose an update (which the
partners adopt only in a negotiation, under the same reopening rules as theirs);
mediation finds integrative deals and helps a negotiation settle; building trust
makes cooperation visible and lets improving partners earn trust back; aligning
ambitions moves goals closer (and so loses some of the variety that creates
value); balancing power gives weak partners voice (and takes the steering core's
decisiveness); formalising curbs free-riding (and makes the alliance rigid).
Each works in proportion to an effectiveness in [0, 1] (skill, mandate and, for
relational levers, legitimacy) and costs capacity (``cost_<name>`` in the
parameter table). Adding a lever means one entry here, its alarm in :func:`urgencies`
(and :data:`ALARMS` if it has a parameter of its own), and its two text entries in the
dashboard's language files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from sim.config.vocabulary import INTERVENTIONS
from sim.model.bargaining import strongest_lead
from sim.model.compiled import compiled


@dataclass(slots=True)
class Observation:
    """What the manager sees at the end of a month, enough to decide which lever to pull.

    The manager does not see the true context: ``agenda_fit_seen`` is the fit of the
    agenda to where *it believes* value lies.
    """

    negotiation_due: bool
    deadlocked: bool
    shock_seen: bool
    agenda_fit_seen: float
    mean_trust: float
    trust_fell: bool
    conflict: float
    dominance: float
    opportunism: float


class Workplace(Protocol):
    """What a lever may touch: the alliance, the partners, the manager and the reopening rules."""

    alliance: Any
    partners: Any
    manager: Any
    params: Mapping[str, Any]

    @property
    def month(self) -> int: ...

    def request_renegotiation(self, by: str) -> bool: ...

    @property
    def weights(self) -> np.ndarray: ...


def _scan_adapt(place: Workplace, effect: float) -> None:
    manager, alliance = place.manager, place.alliance
    manager.scan(effect)
    if alliance.agreement is not None and manager.agenda_fit_seen() < place.params["drift_alert"]:
        alliance.proposal = manager.belief.copy()
        place.request_renegotiation("manager")
    elif alliance.agreement is None:
        alliance.proposal = manager.belief.copy()


def _mediate(place: Workplace, effect: float) -> None:
    """Prepare the next negotiation; a deadlock under mediation is taken up again sooner."""
    a = place.alliance
    a.mediation = max(a.mediation, effect)
    if a.in_deadlock:
        a.next_negotiation = min(a.next_negotiation, place.month + place.params["mediated_retry"])


def _build_trust(place: Workplace, effect: float) -> None:
    place.alliance.visibility = max(place.alliance.visibility, effect)


def _align_ambition(place: Workplace, effect: float) -> None:
    agreement = place.alliance.agreement
    if agreement is not None:
        place.partners.move_ideals_toward(agreement.agenda, place.params["alignment_rate"] * effect)


def _balance_power(place: Workplace, effect: float) -> None:
    """Weak partners get voice; the strong resist: the manager loses standing with them, the
    more so the more the strongest partner stands to lose."""
    a, params = place.alliance, place.params
    a.power_balance += params["balancing_rate"] * effect * (1.0 - a.power_balance)
    lead = strongest_lead(place.weights, place.partners.n_active)
    place.manager.legitimacy *= 1.0 - params["balancing_backlash"] * effect * lead


def _formalise(place: Workplace, effect: float) -> None:
    a = place.alliance
    a.formalisation += place.params["formalising_rate"] * effect * (1.0 - a.formalisation)


@dataclass(frozen=True)
class Intervention:
    """One lever of the alliance manager.

    Attributes:
        name: the lever's name in knobs, outcomes and texts.
        relational: its effect depends on the partners accepting the manager (legitimacy).
        apply: its effect on the workplace, given the effectiveness in [0, 1].

    How pressing a lever is, is its entry in :func:`urgencies` (all levers' alarms are
    weighed in one compiled call each month).
    """

    name: str
    relational: bool
    apply: Callable[[Workplace, float], None]
    #: The parameter holding its cost (``cost_<name>``).
    cost_key: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost_key", f"cost_{self.name}")

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # A lever pickles as its name (its effect is the registry's function).
        return _lever, (self.name,)

    def urgency(self, seen: Observation, params: Mapping[str, Any]) -> float:
        """How pressing the lever is, given what the manager sees and the parameters: 0 when
        its alarm is silent, else how far the signal passes the alarm (relative). A responsive
        manager pulls the most urgent levers first while capacity lasts."""
        pressing = urgencies(
            seen.negotiation_due,
            seen.deadlocked,
            seen.shock_seen,
            seen.agenda_fit_seen,
            seen.mean_trust,
            seen.trust_fell,
            seen.conflict,
            seen.dominance,
            seen.opportunism,
            alarms_of(params),
        )
        return float(pressing[INTERVENTIONS.index(self.name)])

    def triggered(self, seen: Observation, params: Mapping[str, Any]) -> bool:
        """Whether the lever's alarm rings."""
        return self.urgency(seen, params) > 0.0

    def cost(self, params: Mapping[str, Any]) -> float:
        """Capacity one use costs (a month of a full-time manager = 1)."""
        return params[self.cost_key]


@compiled
def _excess(value: float, alarm: float) -> float:
    """How far ``value`` exceeds ``alarm``, relative to it (0 when it does not)."""
    gap, scale = value - alarm, abs(alarm)
    return (0.0 if 0.0 > gap else gap) / (1e-9 if 1e-9 > scale else scale)


@compiled
def _shortfall(value: float, alarm: float) -> float:
    """How far ``value`` falls short of ``alarm``, relative to it (0 when it does not)."""
    gap, scale = alarm - value, abs(alarm)
    return (0.0 if 0.0 > gap else gap) / (1e-9 if 1e-9 > scale else scale)


#: The alarm of each lever, in the order of the registry (names as in the parameter table).
ALARMS: tuple[str, ...] = (
    "drift_alert",
    "trust_alarm",
    "conflict_alarm",
    "dominance_alarm",
    "opportunism_alarm",
)


@compiled
def urgencies(
    negotiation_due: bool,
    deadlocked: bool,
    shock_seen: bool,
    agenda_fit_seen: float,
    mean_trust: float,
    trust_fell: bool,
    conflict: float,
    dominance: float,
    opportunism: float,
    alarms: np.ndarray,
) -> np.ndarray:
    """How pressing each lever is, in the order of :data:`LEVERS`, given what the manager sees
    (the fields of an :class:`Observation`) and the ``alarms`` (values in the order of
    :data:`ALARMS`): 0 when its alarm is silent, else how far the signal passes the alarm.

    One function for all levers, so that the manager's month weighs them in one compiled call.
    """
    drift_alert, trust_alarm, conflict_alarm, dominance_alarm, opportunism_alarm = (
        alarms[0],
        alarms[1],
        alarms[2],
        alarms[3],
        alarms[4],
    )
    return np.array(
        [
            max(_shortfall(agenda_fit_seen, drift_alert), 0.25 if shock_seen else 0.0),
            1.0 if deadlocked else (0.1 if negotiation_due else 0.0),
            max(_shortfall(mean_trust, trust_alarm), 0.1 if trust_fell else 0.0),
            _excess(conflict, conflict_alarm),
            _excess(dominance, dominance_alarm),
            # No ceiling is needed: as formalisation rises, the contract floor it enforces
            # leaves too little shortfall below the contracted effort to ring this alarm.
            _excess(opportunism, opportunism_alarm),
        ]
    )


def alarms_of(params: Mapping[str, Any]) -> np.ndarray:
    """The levers' alarms under ``params``, as :func:`urgencies` reads them."""
    return np.array([float(params[name]) for name in ALARMS])


LEVERS: dict[str, Intervention] = {
    lever.name: lever
    for lever in (
        Intervention("scan_adapt", False, _scan_adapt),
        Intervention("mediate", True, _mediate),
        Intervention("build_trust", True, _build_trust),
        Intervention("align_ambition", True, _align_ambition),
        Intervention("balance_power", False, _balance_power),
        Intervention("formalise", False, _formalise),
    )
}

assert tuple(LEVERS) == INTERVENTIONS, "the registry and the vocabulary must list the same levers"


def _lever(name: str) -> Intervention:
    return LEVERS[name]


def capacity_costs(params: Mapping[str, Any]) -> dict[str, float]:
    """What each lever costs under ``params``, for the dashboard and the play mode."""
    return {name: lever.cost(params) for name, lever in LEVERS.items()}
