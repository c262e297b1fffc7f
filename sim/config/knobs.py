"""The model's knobs: every parameter a user may set, with its default, range and meaning.

One registry serves the model constructor, scenario and experiment validation,
the command line (`describe`) and the dashboard's sliders, so a knob is declared
once. A scenario file's ``[knobs]`` table overrides the defaults here; keyword
arguments to :class:`sim.AllianceModel` override the scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.config.validation import did_you_mean
from sim.config.vocabulary import INTERVENTIONS, MANAGER_MODES, PAYMENT_MECHANISMS


@dataclass(frozen=True)
class Knob:
    """One settable parameter.

    Attributes:
        name: keyword used in code, scenario ``[knobs]`` tables and experiment factors.
        default: value when neither scenario nor caller sets it.
        meaning: one line in plain words, shown by the CLI and the dashboard.
        group: ``manager``, ``context``, ``partners``, ``design`` or ``mechanism``
            (the free parameters that calibration tunes).
        low, high: inclusive numeric range, for ``float`` and ``int`` knobs.
        choices: allowed values for ``str`` knobs.
        kind: ``float``, ``int``, ``str``, ``bool`` or ``"interventions"``.
    """

    name: str
    default: Any
    meaning: str
    group: str
    kind: Any = float
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None

    @property
    def allowed(self) -> str:
        """The allowed values in words, for error messages and listings."""
        if self.kind == "interventions":
            return "a list drawn from " + ", ".join(INTERVENTIONS) + ' (or "all" / "none")'
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is bool:
            return "true or false"
        unset = " or unset" if self.default is None else ""
        return f"{self.kind.__name__} in [{self.low:g}, {self.high:g}]{unset}"

    def coerce(self, value: Any) -> Any:
        """Return ``value`` in this knob's canonical type, or raise ValueError naming the knob."""
        if value is None and self.default is None:
            return None
        if self.kind == "interventions":
            return parse_interventions(value, self.name)
        if self.kind is bool:
            if isinstance(value, bool | int) and value in (0, 1):
                return bool(value)
            raise ValueError(f"knob {self.name!r}: expected {self.allowed}, got {value!r}")
        if self.kind is str:
            if value not in (self.choices or ()):
                raise ValueError(f"knob {self.name!r}: expected {self.allowed}, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"knob {self.name!r}: expected {self.allowed}, got {value!r}")
        if self.kind is int and float(value) != int(value):
            raise ValueError(f"knob {self.name!r}: expected {self.allowed}, got {value!r}")
        if not math.isfinite(value) or not (self.low <= value <= self.high):
            raise ValueError(f"knob {self.name!r}: expected {self.allowed}, got {value!r}")
        return self.kind(value)


def parse_interventions(value: Any, name: str = "interventions") -> tuple[str, ...]:
    """Turn ``"all"``, ``"none"``, ``"mediate+build_trust"`` or a list into a canonical tuple."""
    if isinstance(value, str):
        if value == "all":
            return INTERVENTIONS
        if value in ("none", ""):
            return ()
        value = [v.strip() for v in value.replace(",", "+").split("+")]
    if not isinstance(value, list | tuple):
        raise ValueError(f"knob {name!r}: expected a list of interventions, got {value!r}")
    for item in value:
        if item not in INTERVENTIONS:
            raise ValueError(
                f"knob {name!r}: unknown intervention {item!r}{did_you_mean(item, INTERVENTIONS)}; "
                f"allowed: {', '.join(INTERVENTIONS)}"
            )
    return tuple(i for i in INTERVENTIONS if i in value)


KNOBS: dict[str, Knob] = {
    k.name: k
    for k in (
        # --- the alliance manager -------------------------------------------------
        Knob("manager", "none", "governance mode: no manager, a lead partner's manager, "
             "or an independent manager funded by all (Provan & Kenis)", "manager",
             kind=str, choices=MANAGER_MODES),
        Knob("manager_position", 0.5, "0 = guards the home organisation's interest, "
             "1 = steward of the joint interest", "manager", low=0.0, high=1.0),
        Knob("manager_skill", 0.6, "how well interventions work", "manager", low=0.0, high=1.0),
        Knob("manager_capacity", 1.0, "intervention capacity per month (a full-time manager = 1)",
             "manager", low=0.0, high=3.0),
        Knob("interventions", INTERVENTIONS, "the levers the manager may use", "manager",
             kind="interventions"),
        Knob("manager_strategy", "responsive", "responsive: intervene when a trigger fires; "
             "routine: use every lever each month while capacity lasts", "manager",
             kind=str, choices=("responsive", "routine")),
        # --- the context --------------------------------------------------------------
        Knob("turbulence", 0.3, "how fast the context drifts and how often shocks hit",
             "context", low=0.0, high=1.0),
        Knob("shock_rate", 1.0, "shocks per year at full turbulence", "context",
             low=0.0, high=6.0),
        Knob("political_cycle", 0.0, "how far an election moves public partners' goals "
             "(every 48 months)", "context", low=0.0, high=1.0),
        # --- the partners ---------------------------------------------------------
        Knob("power_asymmetry", 0.5, "how unequal the partners' power is", "partners",
             low=0.0, high=1.0),
        Knob("goal_diversity", 0.5, "how far apart the partners' goals are", "partners",
             low=0.0, high=1.0),
        Knob("initial_trust", 0.5, "trust between partners when they start", "partners",
             low=0.0, high=1.0),
        Knob("n_partners", 8, "number of partners, in scenarios that generate them", "partners",
             kind=int, low=2, high=200),
        # --- the design of the collaboration -------------------------------------
        Knob("formalisation", 0.3, "contracts and monitoring: less opportunism, "
             "but slower and less innovative", "design", low=0.0, high=1.0),
        Knob("agreement_length", 24, "months until the agreement is renegotiated",
             "design", kind=int, low=3, high=240),
        Knob("risk_allocation", None, "share of performance risk carried by the private "
             "partners (unset: every partner carries risk in proportion to its share)", "design",
             low=0.0, high=1.0),
        Knob("payment_mechanism", "shared", "who carries demand risk: shared by value shares, "
             "the public side (availability payment) or the private side (user fees)", "design",
             kind=str, choices=PAYMENT_MECHANISMS),
        Knob("renegotiation_rule", "flexible", "flexible: partners may reopen the agreement "
             "when unhappy; hardship: only within six months of a shock; scheduled: only when it "
             "expires", "design", kind=str, choices=("flexible", "hardship", "scheduled")),
        Knob("horizon", 120, "months simulated (the run is censored after that)", "design",
             kind=int, low=1, high=1200),
        # --- free parameters of the mechanisms (calibrated, see docs/ODD.md) -------
        Knob("exit_threshold", 3.0, "accumulated disappointment at which a partner leaves",
             "mechanism", low=0.1, high=20.0),
        Knob("trust_build_rate", 0.05, "how fast trust grows on good experiences",
             "mechanism", low=0.0, high=1.0),
        Knob("trust_break_rate", 0.3, "how fast trust falls on bad experiences",
             "mechanism", low=0.0, high=1.0),
        Knob("coordination_cost", 0.08, "coordination cost per partner per month, "
             "before conflict", "mechanism", low=0.0, high=2.0),
        Knob("productivity", 2.2, "value created per unit of balanced contribution",
             "mechanism", low=0.1, high=10.0),
    )
}


def resolve_knobs(*layers: dict[str, Any]) -> dict[str, Any]:
    """Merge knob layers (later wins) over the defaults, validating every value.

    Raises:
        ValueError: for an unknown knob (with a suggestion) or a value out of range.
    """
    values = {name: knob.default for name, knob in KNOBS.items()}
    for layer in layers:
        for name, value in layer.items():
            if name not in KNOBS:
                raise ValueError(
                    f"unknown knob {name!r}{did_you_mean(name, KNOBS)}; "
                    f"known knobs: {', '.join(KNOBS)}"
                )
            values[name] = KNOBS[name].coerce(value)
    return values
