"""Every parameter of the model in one table: knobs users set and constants nobody needs to.

One registry serves the model constructor, scenario and experiment validation,
the command line (`describe`), the dashboard's sliders and the global sensitivity
analysis, so a parameter is declared once with its default, allowed range,
plausible range and source. A scenario file's ``[knobs]`` table overrides the
defaults here; keyword arguments to :class:`sim.AllianceModel` override the scenario.

Constants (group ``constant``) are settable like any knob, so that a sweep can
vary them over their plausible range; the dashboard does not show them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.config.validation import did_you_mean
from sim.config.vocabulary import INTERVENTIONS, MANAGER_MODES, PAYMENT_MECHANISMS


class KnobError(ValueError):
    """A knob's value is unknown or out of range; ``key`` names the knob."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


@dataclass(frozen=True)
class Knob:
    """One settable parameter.

    Attributes:
        name: keyword used in code, scenario ``[knobs]`` tables and experiment factors.
        default: value when neither scenario nor caller sets it.
        meaning: one line in plain words, shown by the CLI and the dashboard.
        group: ``manager``, ``context``, ``partners``, ``design``, ``mechanism``
            (the free parameters that calibration tunes) or ``constant`` (effect sizes and
            rates fixed from the literature or by judgement, varied only in sensitivity analysis).
        low, high: inclusive numeric range, for ``float`` and ``int`` knobs.
        choices: allowed values for ``str`` knobs.
        kind: ``float``, ``int``, ``str``, ``bool`` or ``"interventions"``.
        plausible: the range a defensible value lies in (numeric parameters); the
            sensitivity analysis samples it. Defaults to ``(low, high)``.
        source: where the default and its range come from.
    """

    name: str
    default: Any
    meaning: str
    group: str
    kind: Any = float
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    plausible: tuple[float, float] | None = None
    source: str = ""

    @property
    def plausible_range(self) -> tuple[float, float] | None:
        """The plausible range of a numeric parameter, ``None`` for choices."""
        if self.low is None:
            return None
        assert self.high is not None  # a knob with a lower bound has an upper one too
        return self.plausible if self.plausible is not None else (self.low, self.high)

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
            raise KnobError(
                self.name, f"knob {self.name!r}: expected {self.allowed}, got {value!r}"
            )
        if self.kind is str:
            if value not in (self.choices or ()):
                raise KnobError(
                    self.name, f"knob {self.name!r}: expected {self.allowed}, got {value!r}"
                )
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise KnobError(
                self.name, f"knob {self.name!r}: expected {self.allowed}, got {value!r}"
            )
        if self.kind is int and float(value) != int(value):
            raise KnobError(
                self.name, f"knob {self.name!r}: expected {self.allowed}, got {value!r}"
            )
        assert self.low is not None and self.high is not None  # numeric knobs have bounds
        if not math.isfinite(value) or not (self.low <= value <= self.high):
            raise KnobError(
                self.name, f"knob {self.name!r}: expected {self.allowed}, got {value!r}"
            )
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
        raise KnobError(name, f"knob {name!r}: expected a list of interventions, got {value!r}")
    for item in value:
        if item not in INTERVENTIONS:
            raise KnobError(
                name,
                f"knob {name!r}: unknown intervention {item!r}{did_you_mean(item, INTERVENTIONS)}; "
                f"allowed: {', '.join(INTERVENTIONS)}",
            )
    return tuple(i for i in INTERVENTIONS if i in value)


def _constant(
    name: str,
    default: float,
    plausible: tuple[float, float],
    meaning: str,
    source: str,
    low: float = 0.0,
    high: float | None = None,
    kind: Any = float,
) -> Knob:
    """A fixed parameter of a mechanism: settable for sensitivity analysis, hidden from the dashboard.

    Unless ``high`` is given, a constant whose plausible range lies within [0, 1] is a share or
    a rate and may not exceed 1; any other may go up to four times its plausible maximum.
    """
    if high is None:
        high = 1.0 if plausible[1] <= 1.0 else 4.0 * plausible[1]
    return Knob(
        name,
        default,
        meaning,
        "constant",
        kind=kind,
        low=low,
        high=high,
        plausible=plausible,
        source=source,
    )


_J = "judgement, see docs/ODD.md"  # a value chosen by the modellers, with its range stated

KNOBS: dict[str, Knob] = {
    k.name: k
    for k in (
        # --- the alliance manager -------------------------------------------------
        Knob(
            "manager",
            "none",
            "governance mode: no manager, a lead partner's manager, "
            "or an independent manager funded by all (Provan & Kenis)",
            "manager",
            kind=str,
            choices=MANAGER_MODES,
            source="Provan & Kenis (2008)",
        ),
        Knob(
            "manager_position",
            0.5,
            "0 = guards the home organisation's interest, "
            "1 = steward of the joint interest (a lead partner's manager only: an independent "
            "manager has no home)",
            "manager",
            low=0.0,
            high=1.0,
            source="Kaats & Van Wendel de Joode (2016)",
        ),
        Knob("manager_skill", 0.6, "how well interventions work", "manager", low=0.0, high=1.0),
        Knob(
            "manager_capacity",
            1.0,
            "intervention capacity per month (a full-time manager = 1)",
            "manager",
            low=0.0,
            high=3.0,
        ),
        Knob(
            "interventions",
            INTERVENTIONS,
            "the levers the manager may use",
            "manager",
            kind="interventions",
        ),
        Knob(
            "manager_strategy",
            "responsive",
            "responsive: pull the levers whose alarm rings, most "
            "urgent first; routine: use every lever each month while capacity lasts",
            "manager",
            kind=str,
            choices=("responsive", "routine"),
        ),
        # --- the context --------------------------------------------------------------
        Knob(
            "turbulence",
            0.3,
            "how fast the context drifts and how often shocks hit",
            "context",
            low=0.0,
            high=1.0,
        ),
        Knob("shock_rate", 1.0, "shocks per year at full turbulence", "context", low=0.0, high=6.0),
        Knob(
            "political_cycle",
            0.0,
            "how far an election moves public partners' goals (every 48 months)",
            "context",
            low=0.0,
            high=1.0,
        ),
        # --- the partners ---------------------------------------------------------
        Knob(
            "power_asymmetry",
            0.5,
            "how unequal the partners' power is",
            "partners",
            low=0.0,
            high=1.0,
        ),
        Knob(
            "goal_diversity",
            0.5,
            "how far apart the partners' goals are",
            "partners",
            low=0.0,
            high=1.0,
        ),
        Knob(
            "initial_trust",
            0.5,
            "trust between partners when they start",
            "partners",
            low=0.0,
            high=1.0,
        ),
        Knob(
            "n_partners",
            8,
            "number of partners, in scenarios that generate them",
            "partners",
            kind=int,
            low=2,
            high=200,
        ),
        Knob(
            "trait_variation",
            0.3,
            "how much partners differ in behaviour (exit threshold, "
            "trust rates, temptation, aspiration speed): each trait is drawn per partner within "
            "plus or minus this share of its mean",
            "partners",
            low=0.0,
            high=0.9,
            source="Fehr & Gaechter (2000): conditional cooperators differ widely",
        ),
        # --- the design of the collaboration -------------------------------------
        Knob(
            "formalisation",
            0.3,
            "contracts and monitoring: less opportunism, but slower and less innovative",
            "design",
            low=0.0,
            high=1.0,
        ),
        Knob(
            "agreement_length",
            24,
            "review period (not the contract term): months until the "
            "agreement's terms are reviewed and renegotiated",
            "design",
            kind=int,
            low=3,
            high=240,
        ),
        Knob(
            "contract_term",
            None,
            "contract term: months the contract runs; the run ends there "
            "with the contract completed (unset: as long as the horizon)",
            "design",
            kind=int,
            low=12,
            high=1200,
            source="DBFM contracts run 25-30 years (Koppenjan & Enserink 2009)",
        ),
        Knob(
            "risk_allocation",
            None,
            "share of performance risk carried by the private "
            "partners (unset: every partner carries risk in proportion to its share)",
            "design",
            low=0.0,
            high=1.0,
        ),
        Knob(
            "payment_mechanism",
            "shared",
            "who carries demand risk: shared by value shares, "
            "the public side (availability payment) or the private side (user fees)",
            "design",
            kind=str,
            choices=PAYMENT_MECHANISMS,
        ),
        Knob(
            "renegotiation_rule",
            "flexible",
            "flexible: partners may reopen the agreement "
            "when unhappy; hardship: only within six months of a shock; scheduled: only when it "
            "expires",
            "design",
            kind=str,
            choices=("flexible", "hardship", "scheduled"),
        ),
        Knob(
            "termination_compensation",
            0.0,
            "what leaving early costs: the share of the "
            "leaver's expected receipts until the review date that is paid as compensation",
            "design",
            low=0.0,
            high=1.0,
            source="Iossa & Martimort (2015); EPEC (2014) "
            "termination and force majeure provisions in PPPs",
        ),
        Knob(
            "termination_borne_by",
            "leaver",
            "who pays termination compensation: the partner "
            "who leaves (to those who stay), or the public partners (to a private partner who "
            "leaves; a public guarantee)",
            "design",
            kind=str,
            choices=("leaver", "public"),
        ),
        Knob(
            "horizon",
            120,
            "months simulated (the run is censored after that)",
            "design",
            kind=int,
            low=1,
            high=1200,
        ),
        # --- free parameters of the mechanisms (calibrated, see docs/ODD.md) -------
        Knob(
            "exit_threshold",
            2.5,
            "accumulated disappointment at which a partner leaves (mean over partners)",
            "mechanism",
            low=0.1,
            high=20.0,
            plausible=(1.5, 6.0),
            source="calibrated: 30-60% dissolve without a manager",
        ),
        Knob(
            "trust_build_rate",
            0.05,
            "how fast trust grows on good experiences (mean)",
            "mechanism",
            low=0.0,
            high=1.0,
            plausible=(0.02, 0.1),
            source="Slovic (1993); Lewicki & Bunker (1996)",
        ),
        Knob(
            "trust_break_rate",
            0.3,
            "how fast trust falls on bad experiences (mean)",
            "mechanism",
            low=0.0,
            high=1.0,
            plausible=(0.15, 0.45),
            source="Slovic (1993): losses of trust weigh several times gains",
        ),
        Knob(
            "coordination_cost",
            0.08,
            "coordination cost per partner per month, before conflict",
            "mechanism",
            low=0.0,
            high=2.0,
            plausible=(0.04, 0.12),
            source="calibrated; Gulati & Singh (1998) on coordination costs",
        ),
        Knob(
            "productivity",
            2.2,
            "value created per unit of balanced contribution",
            "mechanism",
            low=0.1,
            high=10.0,
            plausible=(1.8, 2.6),
            source="calibrated",
        ),
        # --- constants: commitment ------------------------------------------------------
        _constant(
            "contribution_cost",
            0.3,
            (0.2, 0.4),
            "cost to a partner of one unit of contribution, in value units",
            _J,
        ),
        _constant(
            "temptation",
            0.06,
            (0.03, 0.1),
            "pull toward free-riding, subtracted from intent (mean over partners)",
            "Fehr & Gaechter (2000)",
        ),
        _constant("satisfaction_pull", 0.3, (0.15, 0.45), "how much satisfaction moves intent", _J),
        _constant(
            "goal_fit_pull",
            0.3,
            (0.15, 0.45),
            "how much the agenda's fit with own goals moves intent",
            "Ansell & Gash (2008): shared understanding",
        ),
        _constant(
            "relational_pull",
            0.25,
            (0.1, 0.4),
            "how much relational capital moves intent",
            "Kale, Singh & Perlmutter (2000)",
        ),
        _constant(
            "contract_floor",
            0.8,
            (0.6, 0.95),
            "effort a full contract enforces, as a share of capacity",
            "Williamson (1985)",
        ),
        _constant(
            "crowding_out",
            0.6,
            (0.3, 0.9),
            "share of enforced cooperation that the others "
            "attribute to the contract rather than to goodwill (it builds no trust)",
            "Malhotra & Murnighan (2002)",
        ),
        _constant(
            "goal_fit_reference",
            0.7,
            (0.5, 0.85),
            "goal fit at which the agenda neither raises nor lowers a partner's intent",
            _J,
        ),
        _constant(
            "resentment",
            0.1,
            (0.05, 0.2),
            "intent a weaker partner withholds per unit of "
            "the dominant partner's lead in bargaining weight (times the number of partners)",
            "Ansell & Gash (2008): power imbalances breed distrust",
        ),
        # --- constants: trust -----------------------------------------------------------
        _constant(
            "observation_noise",
            0.15,
            (0.05, 0.3),
            "error with which partners see one another's cooperation (standard deviation)",
            _J,
        ),
        _constant(
            "visibility_gain",
            0.7,
            (0.4, 0.9),
            "share of observation error that trust building removes at full effectiveness",
            "Vangen & Huxham (2003)",
        ),
        _constant(
            "repair_boost",
            1.0,
            (0.5, 2.0),
            "extra trust a partner whose cooperation "
            "improves earns during trust building (multiplies the build rate)",
            "Lewicki & Bunker (1996) on trust repair",
        ),
        _constant(
            "deadlock_strain",
            0.03,
            (0.01, 0.06),
            "share of trust lost all round when a negotiation deadlocks",
            _J,
        ),
        _constant(
            "partisan_suspicion",
            0.03,
            (0.01, 0.06),
            "monthly erosion of the others' trust "
            "in the home organisation under a fully partisan manager",
            "Kaats & Van Wendel de Joode (2016)",
        ),
        _constant(
            "dominance_distrust",
            0.02,
            (0.005, 0.04),
            "monthly erosion of the others' trust "
            "in a partner per unit of its excess bargaining weight",
            "Ansell & Gash (2008); Huxham & Vangen (2005)",
        ),
        # --- constants: assessment and exit ------------------------------------------------
        _constant(
            "aspiration_rate",
            0.1,
            (0.05, 0.2),
            "monthly adaptation of aspiration to payoff (mean over partners)",
            "Cyert & March (1963)",
        ),
        _constant(
            "satisfaction_scale",
            0.25,
            (0.15, 0.4),
            "payoff deviation, as a share of the "
            "outside option, that moves satisfaction from 0.5 to 0.73",
            _J,
        ),
        _constant(
            "disappointment_memory",
            0.9,
            (0.8, 0.95),
            "monthly memory of disappointment (0.9: a shortfall fades over about ten months)",
            _J,
            high=0.99,
        ),
        _constant(
            "call_threshold",
            0.5,
            (0.3, 0.7),
            "share of its exit threshold at which a partner calls for renegotiation",
            "Hirschman (1970): voice before exit",
        ),
        _constant(
            "call_cooldown",
            6,
            (3, 12),
            "months a partner or the manager must wait "
            "before reopening an agreement (times 1 + 2 x formalisation)",
            _J,
            kind=int,
            high=48,
        ),
        _constant(
            "quorum", 0.5, (0.34, 0.67), "share of the founding partners that must remain", _J
        ),
        _constant(
            "founding_attempts",
            2,
            (1, 4),
            "failed founding negotiations after which the partners give up",
            _J,
            low=1,
            high=24,
            kind=int,
        ),
        _constant(
            "lock_in",
            1.0,
            (0.5, 2.0),
            "how much termination compensation owed raises a "
            "partner's exit threshold (per unit of compensation over its outside option)",
            "Williamson (1985): specific investment as a hostage",
        ),
        # --- constants: value --------------------------------------------------------------
        _constant(
            "complementarity",
            0.5,
            (0.3, 0.8),
            "CES exponent across resource kinds (below 1: kinds complement one another)",
            "Lavie (2006)",
            low=0.05,
            high=1.0,
        ),
        _constant(
            "diversity_gain",
            0.8,
            (0.4, 1.2),
            "extra potential value per unit of mean "
            "goal distance: different perspectives find more (the upside of diversity)",
            "Hong & Page (2004); Page (2007)",
        ),
        _constant(
            "fit_bandwidth",
            0.2,
            (0.12, 0.3),
            "mean gap between agenda and context at which context fit falls to exp(-1/2)",
            _J,
            low=0.01,
        ),
        _constant(
            "relational_gain",
            0.5,
            (0.25, 0.75),
            "value bonus of full relational capital",
            "Dyer & Singh (1998)",
        ),
        _constant(
            "innovation_loss",
            0.25,
            (0.1, 0.4),
            "share of value lost to rigidity under full formalisation (the fence and the sheep)",
            "Kaats & Van Wendel de Joode (2016)",
        ),
        _constant(
            "conflict_weight",
            3.0,
            (1.5, 6.0),
            "how much conflict (goal distance x distrust) multiplies coordination cost",
            "Huxham & Vangen (2005)",
        ),
        _constant(
            "monitoring_cost",
            0.04,
            (0.02, 0.08),
            "monthly cost per partner of full formal control",
            "Williamson (1985)",
        ),
        _constant(
            "demand_sensitivity",
            0.6,
            (0.3, 1.0),
            "how strongly demand for what the alliance delivers follows the market",
            _J,
        ),
        _constant(
            "demand_uncertainty",
            0.2,
            (0.1, 0.3),
            "standard deviation of the lasting error "
            "of demand forecasts (on the market index scale): realised demand for what the "
            "alliance delivers differs from what every partner expected",
            "Flyvbjerg, Skamris Holm & Buhl (2006): traffic forecasts off by 20-30%",
        ),
        _constant(
            "mission_weight",
            0.3,
            (0.15, 0.5),
            "what an agenda that serves a partner's own "
            "goals is worth to it, per unit of goal fit and as a share of its part of the "
            "value (public value, mission, learning: not transferable)",
            "Bryson, Crosby & Stone (2006); Ansell & Gash (2008)",
        ),
        _constant(
            "renegotiation_cost",
            0.3,
            (0.1, 0.6),
            "share of a month's value a renegotiation costs (transaction cost)",
            "Guasch (2004) on PPP renegotiation",
        ),
        _constant(
            "hub_efficiency",
            0.2,
            (0.1, 0.4),
            "share of the coordination cost and of the "
            "consensus rounds of many partners a fully accepted independent manager saves "
            "by brokering (hub instead of all pairs)",
            "Provan & Kenis (2008): NAO for many participants",
        ),
        # --- constants: relational capital ---------------------------------------------------
        _constant(
            "capital_growth",
            0.04,
            (0.02, 0.06),
            "monthly growth of relational capital at full cooperation",
            "Kale, Singh & Perlmutter (2000)",
        ),
        _constant(
            "capital_decay",
            0.3,
            (0.15, 0.5),
            "monthly loss of relational capital at full conflict",
            _J,
        ),
        _constant(
            "exit_damage",
            0.3,
            (0.15, 0.5),
            "share of relational capital lost when a partner leaves",
            _J,
        ),
        # --- constants: negotiation ------------------------------------------------------------
        _constant(
            "misfit_scale",
            0.25,
            (0.15, 0.4),
            "salience-weighted squared distance at which "
            "an agenda serves a partner's goals not at all",
            _J,
            low=0.01,
        ),
        _constant(
            "context_weight",
            0.3,
            (0.15, 0.5),
            "how much a new agenda follows where the "
            "partners believe joint value lies, rather than their ideals",
            _J,
        ),
        _constant(
            "settle_chance",
            0.8,
            (0.6, 0.9),
            "chance that two partners with room for a "
            "deal settle it in a month; consensus among n partners takes log2(n) such steps",
            "Olson (1965); Provan & Kenis (2008)",
            low=0.01,
        ),
        _constant(
            "steering",
            1.0,
            (0.5, 2.0),
            "how much a steering core (concentrated bargaining weight) raises the chance to settle",
            "Provan & Kenis (2008): lead organisation",
        ),
        _constant(
            "expectation_noise",
            0.15,
            (0.05, 0.3),
            "error in each partner's estimate of the "
            "value a deal will create (standard deviation, relative)",
            _J,
        ),
        _constant(
            "deadlock_retry",
            3,
            (2, 6),
            "months before a deadlocked negotiation is tried again",
            _J,
            low=1,
            high=24,
            kind=int,
        ),
        _constant(
            "mediated_retry",
            1,
            (1, 2),
            "months before a mediated deadlock is tried again",
            "Moore (2014), The mediation process",
            low=1,
            high=24,
            kind=int,
        ),
        _constant(
            "mediation_settle",
            0.5,
            (0.3, 0.8),
            "share of the remaining chance of failure "
            "to settle that a fully effective mediator removes",
            "Moore (2014)",
        ),
        # --- constants: perception --------------------------------------------------------------
        _constant(
            "perception_noise",
            0.15,
            (0.05, 0.3),
            "error of a partner's monthly reading of "
            "where joint value lies (standard deviation per issue)",
            "Kaats & Van Wendel de Joode (2016): every map is out of date",
        ),
        _constant(
            "perception_rate",
            0.2,
            (0.1, 0.4),
            "monthly weight of a new reading in a partner's belief (0.2: about five months' delay)",
            _J,
            low=0.01,
        ),
        _constant(
            "scan_precision",
            0.8,
            (0.5, 0.95),
            "share of perception error and delay a fully effective scan removes",
            "Daft & Weick (1984) on environmental scanning",
        ),
        # --- constants: the manager ------------------------------------------------------------
        _constant(
            "manager_fee",
            0.12,
            (0.06, 0.25),
            "monthly cost of the manager per unit of "
            "capacity, paid out of the alliance's value in every mode",
            _J,
        ),
        _constant(
            "partisan_pull",
            1.0,
            (0.5, 1.5),
            "how much a fully partisan manager with full "
            "mandate multiplies the home's bargaining weight",
            _J,
        ),
        _constant(
            "unbacked_capacity",
            0.5,
            (0.3, 0.7),
            "share of its capacity a manager can use "
            "without any backing (the rest grows with its mandate)",
            _J,
        ),
        _constant(
            "partisan_distrust",
            0.6,
            (0.3, 0.9),
            "share of the legitimacy a fully partisan manager forfeits with the other partners",
            "Kaats & Van Wendel de Joode (2016)",
        ),
        _constant(
            "native_penalty",
            0.6,
            (0.3, 0.9),
            "how much a manager who fully goes native lowers the home's backing",
            "Kaats & Van Wendel de Joode (2016)",
        ),
        _constant("mandate_rate", 0.1, (0.05, 0.2), "monthly adjustment of the home's backing", _J),
        _constant(
            "legitimacy_rate",
            0.02,
            (0.01, 0.05),
            "monthly adjustment of the partners' "
            "acceptance of the manager toward the fairness they perceive",
            "Human & Provan (2000) on network legitimacy",
        ),
        _constant(
            "independent_legitimacy",
            0.2,
            (0.1, 0.4),
            "acceptance an independent manager starts with (it has to earn the rest)",
            "Provan & Kenis (2008)",
        ),
        _constant(
            "alignment_rate",
            0.05,
            (0.02, 0.1),
            "share of the distance to the agenda joint sense-making closes in a month",
            "Weick (1995)",
        ),
        _constant(
            "balancing_rate",
            0.2,
            (0.1, 0.3),
            "how far a balancing effort moves bargaining weights toward equality",
            "Ansell & Gash (2008)",
        ),
        _constant(
            "balancing_backlash",
            0.1,
            (0.05, 0.2),
            "share of the manager's legitimacy a "
            "fully effective balancing effort costs when one partner holds all the weight "
            "(the strong resist)",
            "Huxham & Vangen (2005)",
        ),
        _constant(
            "balance_decay",
            0.03,
            (0.01, 0.06),
            "monthly share of the balance won that "
            "fades as the old power structure reasserts itself",
            _J,
        ),
        _constant(
            "formalising_rate",
            0.1,
            (0.05, 0.2),
            "how far a formalising effort moves formalisation toward full",
            _J,
        ),
        _constant("cost_scan_adapt", 0.2, (0.1, 0.4), "capacity one scan costs", _J, high=3.0),
        _constant("cost_mediate", 0.4, (0.2, 0.6), "capacity one mediation costs", _J, high=3.0),
        _constant(
            "cost_build_trust",
            0.3,
            (0.15, 0.5),
            "capacity one month of trust building costs",
            _J,
            high=3.0,
        ),
        _constant(
            "cost_align_ambition",
            0.3,
            (0.15, 0.5),
            "capacity one sense-making session costs",
            _J,
            high=3.0,
        ),
        _constant(
            "cost_balance_power",
            0.2,
            (0.1, 0.4),
            "capacity one balancing effort costs",
            _J,
            high=3.0,
        ),
        _constant(
            "cost_formalise", 0.2, (0.1, 0.4), "capacity one formalising effort costs", _J, high=3.0
        ),
        # --- constants: when a responsive manager acts ------------------------------------------
        _constant(
            "drift_alert",
            0.8,
            (0.6, 0.9),
            "context fit of the agenda, as the manager "
            "perceives it, below which it scans and proposes to adapt",
            _J,
        ),
        _constant(
            "trust_alarm", 0.6, (0.45, 0.75), "mean trust below which the manager builds trust", _J
        ),
        _constant(
            "conflict_alarm",
            0.04,
            (0.02, 0.08),
            "conflict above which the manager aligns ambitions",
            _J,
        ),
        _constant(
            "dominance_alarm",
            1.5,
            (1.2, 2.0),
            "largest bargaining weight times the number "
            "of partners above which the manager balances power",
            _J,
            low=1.0,
            high=10.0,
        ),
        _constant(
            "shock_news",
            3,
            (1, 6),
            "months after a shock during which the manager counts it as news (and scans)",
            _J,
            kind=int,
            high=24,
        ),
        _constant(
            "opportunism_alarm",
            0.15,
            (0.08, 0.25),
            "shortfall below the contracted effort above which the manager formalises",
            _J,
        ),
        # --- constants: the context ------------------------------------------------------------
        _constant(
            "asymmetry_spread",
            1.5,
            (1.0, 2.0),
            "how far power_asymmetry spreads total "
            "power: at full asymmetry the strongest partner holds up to exp(2 x this) times the "
            "weakest's",
            _J,
            high=4.0,
        ),
        _constant(
            "context_reversion",
            0.02,
            (0.01, 0.05),
            "monthly pull of the context back toward its long-run position",
            _J,
        ),
        _constant(
            "context_drift",
            0.04,
            (0.02, 0.06),
            "monthly drift of the context at full turbulence (standard deviation)",
            _J,
        ),
        _constant(
            "context_shock",
            0.25,
            (0.15, 0.35),
            "jump a shock gives the context per issue (standard deviation)",
            _J,
        ),
        _constant(
            "salience_reversion",
            0.05,
            (0.02, 0.1),
            "monthly pull of the salience of power bases back to its long-run level",
            _J,
        ),
        _constant(
            "market_reversion",
            0.05,
            (0.02, 0.1),
            "monthly pull of the market index back to normal",
            _J,
        ),
        _constant(
            "salience_drift",
            0.15,
            (0.08, 0.25),
            "monthly noise of the log-salience of power bases at full turbulence",
            _J,
        ),
        _constant(
            "salience_shock",
            1.0,
            (0.5, 1.5),
            "rise in the log-salience of the power base a shock favours",
            "Kaats & Van Wendel de Joode (2016)",
        ),
        _constant(
            "market_drift",
            0.08,
            (0.04, 0.12),
            "monthly noise of the market index at full turbulence",
            _J,
        ),
        _constant(
            "election_interval",
            48,
            (36, 60),
            "months between elections when a political cycle is on",
            "Dutch provincial and municipal terms of four years",
            kind=int,
            low=1,
            high=240,
        ),
        _constant(
            "election_shift",
            0.3,
            (0.15, 0.45),
            "how far an election moves a public "
            "partner's ideal (standard deviation at full political cycle)",
            _J,
        ),
        _constant(
            "hardship_window",
            6,
            (3, 12),
            "months after a shock in which a hardship clause lets partners reopen the agreement",
            "EPEC (2014)",
            kind=int,
            high=48,
        ),
        # --- the noise floor of sensitivity analysis -----------------------------------------------
        _constant(
            "dummy",
            0.5,
            (0.0, 1.0),
            "does nothing: a factor whose sensitivity index "
            "measures the noise floor of a sensitivity analysis",
            "Saltelli et al. (2008)",
        ),
    )
}

#: Names of the fixed constants (effect sizes and rates), in table order.
CONSTANTS: tuple[str, ...] = tuple(k.name for k in KNOBS.values() if k.group == "constant")


def resolve_knobs(*layers: dict[str, Any]) -> dict[str, Any]:
    """Merge knob layers (later wins) over the defaults, validating every value.

    Raises:
        ValueError: for an unknown knob (with a suggestion) or a value out of range.
    """
    values = {name: knob.default for name, knob in KNOBS.items()}
    for layer in layers:
        for name, value in layer.items():
            if name not in KNOBS:
                raise KnobError(
                    name,
                    f"unknown knob {name!r}{did_you_mean(name, KNOBS)}; known knobs: "
                    f"{', '.join(k for k in KNOBS if k not in CONSTANTS)} (and {len(CONSTANTS)} "
                    f"constants: run_experiment.py describe NAME --constants)",
                )
            values[name] = KNOBS[name].coerce(value)
    return values
