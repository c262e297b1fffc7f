"""The alliance model: partners, a manager and a moving context, one month per step.

Each month follows Ring & Van de Ven's (1994) cycle of cooperative
inter-organisational relationships:

1. the environment moves (drift and shocks; elections in a political cycle), and
   everyone takes a noisy, late reading of it;
2. negotiation, when an agreement is due or someone called for it;
3. commitment: each partner decides what to contribute;
4. execution: value is created and shared;
5. assessment: satisfaction, aspiration, trust from what was seen, relational
   capital; exits;
6. the alliance manager observes and intervenes.

The step only wires together the small functions in the mechanism modules; every
number it uses comes from the run's :class:`~sim.config.configuration.Configuration`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim.config.configuration import Configuration, configure
from sim.config.knobs import KNOBS
from sim.config.scenario import Scenario
from sim.model.agents import AllianceManager, Organisation
from sim.model.alliance import Agreement, Alliance
from sim.model.assessment import (
    exit_thresholds,
    leavers,
)
from sim.model.bargaining import (
    effective_power,
)
from sim.model.environment import Environment
from sim.model.figures import Figure, new_figures
from sim.model.month import month_stages, negotiation, rules_of
from sim.model.outcomes import OUTCOMES
from sim.model.partners import Partners
from sim.model.perception import update_beliefs
from sim.model.risk import (
    demand_risk_weights,
    performance_risk_weights,
)
from sim.model.trust import (
    mean_trust,
)


@dataclass(frozen=True)
class Streams:
    """Independent random streams, all spawned from the model's ``rng``, one per source of chance.

    Keeping the sources apart gives common random numbers: two runs with the same seed that
    differ only in, say, the manager see the same context, the same partners with the same
    traits and the same observation errors, so a paired comparison measures the manager and
    not a reshuffled future (Law 2015, variance reduction).
    """

    context: np.random.Generator
    partners: np.random.Generator
    perception: np.random.Generator
    manager: np.random.Generator
    negotiation: np.random.Generator
    observation: np.random.Generator

    @classmethod
    def spawn(cls, rng: np.random.Generator) -> Streams:
        return cls(*rng.spawn(6))


class NormalDraws:
    """Standard-normal numbers of one shape from one stream, drawn up to a year of months at a
    time: the same numbers in the same order as one draw each time (numpy fills an array in
    order), for a fraction of the calls. Everything that draws this shape from the stream must
    draw through this object, or the order would change.

    A block holds at most :attr:`MOST` numbers (at least one draw), so that a run that ends
    early wastes little: for a hundred partners, a month's observation is ten thousand draws
    and is drawn on its own."""

    __slots__ = ("_stream", "_block", "_next")

    #: The most numbers drawn in one block.
    MOST = 4096

    def __init__(self, stream: np.random.Generator, shape: tuple[int, ...], months: int = 12):
        self._stream = stream
        self._block = np.empty((max(1, min(months, self.MOST // max(math.prod(shape), 1))), *shape))
        self._next = len(self._block)  # drawn when first asked for

    def draw(self) -> np.ndarray:
        """The next draw (a view into the block: use it before the next call)."""
        if self._next == len(self._block):
            self._block = self._stream.standard_normal(self._block.shape)
            self._next = 0
        draws = self._block[self._next]
        self._next += 1
        return draws


class AllianceModel(mesa.Model):
    """A multi-party alliance with an optional alliance manager, in a shifting context.

    Args:
        scenario: a validated :class:`Configuration`, or a scenario name from
            ``scenarios/``, a path to a scenario file or a loaded scenario (resolved
            with ``knobs`` through :func:`sim.config.configuration.configure`).
        rng: seed for the model's only source of randomness (``numpy.random.Generator``);
            the same seed gives the same run bit for bit.
        collect: keep per-month series in ``datacollector`` (switch off for fast sweeps).
        **knobs: flat overrides of the scenario's knobs and constants; see :meth:`knobs`.

    Raises:
        ConfigError: (a ValueError) for an unknown knob, a value out of its range, or an
            invalid scenario; it names the file and the key.

    Note:
        Mesa 3.5 reserves ``Model.scenario`` for its own experimental Scenario object;
        the configuration of this model is ``self.config``.
    """

    #: Set by ``mesa.Model.__init__``; declared here because Mesa ships no type information.
    running: bool

    #: A month without an election or a negotiation runs all its stages in one compiled call
    #: (see :meth:`step`); False runs every month stage by stage, as a month with an election,
    #: a negotiation or an exit is run. Both tell the same story to the last bit
    #: (tests/test_model.py); the switch exists for that check.
    quiet_months_in_one_call: bool = True

    def __init__(
        self,
        scenario: str | Path | Scenario | Configuration = "pps_infrastructure",
        rng: int | None = None,
        collect: bool = True,
        **knobs: Any,
    ) -> None:
        super().__init__(rng=rng)
        self.config: Configuration = configure(scenario, **knobs)
        # A plain dict copy: read every month, so the fastest mapping (the configuration stays
        # read-only). The parameters are fixed for the run: the compiled month reads its own
        # copy of them (``_rules``), so changing ``params`` after construction is not supported.
        self.params = p = self.config.params.copy()
        # A contract term shorter than the horizon ends the run there: the contract is completed.
        self.horizon: int = min(p["horizon"], p["contract_term"] or p["horizon"])
        setting = self.config.scenario
        self.streams = Streams.spawn(self.rng)

        specs = setting.partner_specs(p["n_partners"], self.streams.partners)
        n = len(specs)
        self.environment = Environment(setting.context, setting.power_salience, p)
        #: How far demand for what the alliance delivers falls short of (or beats) every
        #: forecast, for the whole run: the partners never see it in advance (optimism bias in
        #: demand forecasts; Flyvbjerg, Skamris Holm & Buhl 2006).
        self.demand_error = float(self.streams.context.normal(0.0, p["demand_uncertainty"]))
        self.partners = Partners.from_specs(
            specs,
            p,
            self._first_reading(n, self.streams.perception),
            self.streams.partners,
            listed=not setting.generated,
        )
        self.organisations = [Organisation(self, i) for i in range(n)]
        self.quorum = max(2, int(np.ceil(p["quorum"] * n)))
        self.alliance = Alliance(formalisation=p["formalisation"])
        self.home = self._home_index()
        self._private = np.array([s == "private" for s in self.partners.sectors])
        self._public = np.array([s == "public" for s in self.partners.sectors])
        self.manager: AllianceManager | None = None
        if p["manager"] != "none":
            self.manager = AllianceManager(
                self,
                p["manager"],
                self.home,
                p["manager_position"],
                p["manager_skill"],
                p["manager_capacity"],
                p["interventions"],
                p["manager_strategy"],
                self._first_reading(1, self.streams.manager)[0],
            )

        #: The alliance's running figures, kept by the compiled month (see :class:`~sim.model.figures.Figure`).
        self.figures = new_figures()
        self.exits = 0
        self.dissolved = False
        self.end_cause = "censored"
        self.formed_month: int | None = None
        self.duration = 0
        self.termination_paid = np.zeros(n)
        self.events: list[tuple[int, str, dict[str, Any]]] = []
        self._last_shock = -(10**6)
        self._deadlocked = False
        self._renegotiated = False
        self.partners.weight = 1.0 / n  # bargaining weights before the first reading
        self._previous_trust = self.mean_trust
        self._lowest_threshold = float(self.partners.exit_threshold.min())
        # What stays fixed for as long as an agreement stands is worked out once: the public
        # side's part of each risk under it.
        self._public_risk: tuple[Agreement | None, float, float] = (None, 0.0, 0.0)
        self._rules = rules_of(p)
        #: Stand-ins passed to the compiled month before the first agreement (it ignores them).
        self._no_agreement = Agreement(
            self.environment.context.copy(),
            np.zeros(n),
            np.zeros(n),
            0,
            0.0,
            np.zeros(n),
            np.zeros(n),
        )
        self._no_draws = np.zeros((n, n))
        # The month's draws (see _chance) and what its stages fill in place.
        k = self.environment.n_issues
        self._perception_normals = NormalDraws(self.streams.perception, self.partners.beliefs.shape)
        self._observation_normals = NormalDraws(self.streams.observation, (n, n))
        #: The manager's readings of the context: its monthly one and its scans.
        self.manager_normals = NormalDraws(self.streams.manager, (k,))
        self._shock_kind: str | None = None
        self._perception_draws = np.zeros(self.partners.beliefs.shape)
        self._manager_draws, self._no_belief = np.zeros(k), np.zeros(k)
        self._no_levers = np.zeros(0, dtype=np.int64)
        self._salience = self.environment.power_salience.copy()
        self.partners.outside_option = self.partners.outside_options(self.environment.market)
        self._worst = 0.0
        #: How many levers the manager's month chose (the first of its ``lever_order``).
        self._n_levers = 0
        self.datacollector = self._make_collector() if collect else None
        if self.datacollector is not None:
            self.datacollector.collect(self)

    # --- public interface ---------------------------------------------------------------

    @staticmethod
    def knobs() -> list[dict[str, Any]]:
        """Every knob and constant with its default, ranges, meaning and source."""
        return [
            {
                "name": k.name,
                "default": k.default,
                "allowed": k.allowed,
                "group": k.group,
                "meaning": k.meaning,
                "low": k.low,
                "high": k.high,
                "choices": k.choices,
                "plausible": k.plausible_range,
                "source": k.source,
            }
            for k in KNOBS.values()
        ]

    @property
    def effective_power(self) -> np.ndarray:
        """Each partner's share of power now, its power bases weighted by the context."""
        p = self.partners
        return effective_power(p.power, self.environment.power_salience, p.active)

    @property
    def mean_trust(self) -> float:
        """Average trust of the partners in one another (partners that left excluded)."""
        p = self.partners
        return mean_trust(p.trust, p.active, p.n_active)

    @property
    def month(self) -> int:
        """Months simulated so far (one step is one month: Mesa's count of steps, a plain
        number, where its clock ``time`` is a signal that is slower to read)."""
        return self.steps

    @property
    def value(self) -> float:
        """Value the alliance created in the last month (net of its costs)."""
        return float(self.figures[Figure.value])

    @property
    def total_value(self) -> float:
        """Value created over the run so far."""
        return float(self.figures[Figure.total_value])

    @property
    def potential(self) -> float:
        """What the partners' pooled resources could create (last month of an agreement)."""
        return float(self.figures[Figure.potential])

    @property
    def coordination(self) -> float:
        """What working together cost (last month of an agreement)."""
        return float(self.figures[Figure.coordination])

    @property
    def context_fit(self) -> float:
        """How well the agenda fitted where value lay (last month of an agreement; 1 before)."""
        return float(self.figures[Figure.context_fit])

    @property
    def conflict(self) -> float:
        """Goal distance times distrust among the partners (last month of an agreement)."""
        return float(self.figures[Figure.conflict])

    @property
    def public_costs(self) -> dict[str, float]:
        """What the public partners paid for the gaps they carry (an accounting, see risk.py)."""
        f = self.figures
        return {
            "gap": float(f[Figure.public_gap]),
            "renegotiation": float(f[Figure.public_renegotiation]),
        }

    @property
    def totals(self) -> dict[str, float]:
        """Sums over the months with an agreement (``months_formed`` of them) behind the run's
        averages, and the months spent in deadlock."""
        f = self.figures
        return {
            "potential": float(f[Figure.sum_potential]),
            "coordination": float(f[Figure.sum_coordination]),
            "opportunism": float(f[Figure.sum_opportunism]),
            "mission": float(f[Figure.sum_mission]),
            "months_formed": float(f[Figure.months_formed]),
            "context_fit": float(f[Figure.sum_context_fit]),
            "deadlock_months": float(f[Figure.deadlock_months]),
        }

    def step(self) -> None:
        """Advance the alliance by one month.

        A quiet month (no election, no negotiation due) is one compiled call from the
        context's move to the manager's choice of levers; an election or a negotiation is
        handled between the partners' reading and the month's work, an exit or a call for
        renegotiation between the work and the manager (see :meth:`_stages`).
        """
        if not self.running:
            return
        month, a, params = self.month, self.alliance, self.params
        self._chance(month)
        election = params["political_cycle"] > 0 and month % params["election_interval"] == 0
        read_first = (
            election
            or a.renegotiation_called
            or month >= a.next_negotiation
            or not self.quiet_months_in_one_call
        )
        if read_first:  # the context moves and is read before the election or the negotiation
            self._stages(month, read=True, live=False, manage=False)
            if election:
                self._election()
            if a.renegotiation_called or month >= a.next_negotiation:
                self._negotiate(month, self.partners.outside_option)
        managed = self._stages(
            month,
            read=not read_first,
            live=True,
            manage=self.manager is not None and self.quiet_months_in_one_call,
        )
        if not managed:
            self._judge(month, self.partners.outside_option, self._worst)
        self.duration = month
        if self.running and self.manager is not None and not managed:
            self._stages(month, read=False, live=False, manage=True)
        if self.running and self.manager is not None:
            self._deadlocked = False
            if self._n_levers:
                self.manager.pull(self.manager.lever_order[: self._n_levers])
        if self.running and month >= self.horizon:
            self.running = False
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def run(self) -> dict[str, Any]:
        """Run to dissolution or the horizon and return :meth:`outcomes`."""
        while self.running:
            self.step()
        return self.outcomes()

    def outcomes(self) -> dict[str, Any]:
        """A flat summary of the run, one entry per outcome of :data:`sim.model.outcomes.OUTCOMES`."""
        return {outcome.name: outcome.measure(self) for outcome in OUTCOMES.values()}

    def request_renegotiation(self, by: str) -> bool:
        """Reopen the agreement now if the rules allow it; the same rules bind partners and manager.

        The agreement must exist, not be reopened already, be older than the cooldown
        (longer under formal contracts), and the renegotiation rule must allow it.
        """
        a = self.alliance
        if not a.formed or a.renegotiation_called:
            return False
        assert a.agreement is not None  # formed
        cooldown = self.params["call_cooldown"] * (1.0 + 2.0 * a.formalisation)
        if self.month - a.agreement.month < cooldown or not self._may_reopen(self.month):
            return False
        a.renegotiation_called = True
        self.log("call", by=by)
        return True

    @property
    def weights(self) -> np.ndarray:
        """This month's bargaining weights (effective power, balanced and tilted): a copy, since
        the month updates its own in place."""
        return self.partners.weight.copy()

    def log(self, what: str, **details: Any) -> None:
        """Record an event of this month (agreements, deadlocks, calls, interventions, exits)."""
        self.events.append((self.month, what, details))

    # --- the monthly cycle ------------------------------------------------------------

    def _first_reading(self, n: int, stream: np.random.Generator) -> np.ndarray:
        """Beliefs about where value lies at the start: one noisy reading each."""
        context = self.environment.context
        draws = stream.standard_normal((n, context.size))
        return update_beliefs(
            np.repeat(context[None], n, axis=0),
            context,
            self.params["perception_noise"],
            1.0,
            draws,
        )

    def _chance(self, month: int) -> None:
        """The month's draws for the stages to come, each from its own stream: the context's
        move and its shock (logged now, the first event of the month), the partners' and the
        manager's readings. (The observation of contributions is drawn when the work is.)"""
        self._shock_kind = self.environment.draw(self.streams.context)
        if self._shock_kind is not None:
            self._last_shock = month
            self.log("shock", kind=self._shock_kind)
        self._perception_draws = self._perception_normals.draw()
        if self.manager is not None:
            self._manager_draws = self.manager_normals.draw()

    def _stages(self, month: int, read: bool, live: bool, manage: bool) -> bool:
        """Run the month's stages asked for in one compiled call
        (:func:`sim.model.month.month_stages`): ``read`` (the context moves, the partners
        read it), ``live`` (commitment, execution, assessment) and ``manage`` (the manager's
        month up to its choice of levers), the last only when the partners' verdict on the
        work of this call is quiet and the alliance was not given up. Returns whether the
        manager's month was run."""
        p, a, params, environment, manager = (
            self.partners,
            self.alliance,
            self.params,
            self.environment,
            self.manager,
        )
        agreement = a.agreement
        formed = agreement is not None
        if agreement is None:
            agreement = self._no_agreement
        public_performance, public_demand = self._public_risk_shares(agreement)
        home, partisanship, pull = -1, 0.0, 0.0  # a partisan manager's home, its pull
        manage = (
            manage
            and manager is not None
            and not (live and not formed and a.deadlocks >= params["founding_attempts"])
        )
        if manager is not None and manager.home is not None and manager.partisanship > 0:
            home, partisanship, pull = manager.home, manager.partisanship, manager.home_pull
        (
            a.power_balance,
            relational_capital,
            self._worst,
            managed,
            mandate,
            legitimacy,
            capacity_left,
            trust_now,
            self._n_levers,
        ) = month_stages(
            self._rules,
            read,
            live,
            manage,
            environment.table,
            environment.n_issues,
            environment.log_salience_home,
            self._perception_draws,
            self._salience,
            a.power_balance,
            params["balance_decay"],
            p.issues,
            p.bases,
            p.relations,
            p.ledger,
            p.profile,
            p.n_active,
            formed,
            self.demand_error,
            self._observation_normals.draw() if live and formed else self._no_draws,
            agreement.agenda,
            agreement.terms,
            agreement.expected_value,
            public_performance,
            public_demand,
            self._renegotiated,
            a.relational_capital,
            a.formalisation,
            a.visibility,
            self._brokerage(),
            manager.fee if manager is not None else 0.0,
            home,
            partisanship,
            pull,
            a.in_deadlock,
            self.figures,
            params["call_threshold"] * self._lowest_threshold,
            manager.belief if manager is not None else self._no_belief,
            self._manager_draws,
            self._previous_trust,
            a.renegotiation_called or month + 1 >= a.next_negotiation,
            self._deadlocked,
            month - self._last_shock <= params["shock_news"],
            -1 if manager is None or manager.home is None else manager.home,
            manager.position if manager is not None else 1.0,
            manager.capacity if manager is not None else 0.0,
            manager.mandate if manager is not None else 1.0,
            manager.legitimacy if manager is not None else 0.0,
            manager.lever_codes if manager is not None else self._no_levers,
            manager is not None and manager.strategy == "routine",
            manager.lever_order if manager is not None else self._no_levers,
        )
        if read:
            environment.moved_to(None, self._shock_kind, self._salience)
        if live:
            a.relational_capital = relational_capital
            a.visibility = 0.0
            if formed:
                self._renegotiated = False
        if managed:
            assert manager is not None  # only a manager manages
            manager.mandate, manager.legitimacy = mandate, legitimacy
            manager.capacity_left, self._previous_trust = capacity_left, trust_now
        return managed

    def _negotiate(self, month: int, outside: np.ndarray) -> None:
        """Settle a joint agenda and a split of the value, or deadlock (one compiled round,
        :func:`sim.model.month.negotiation`; the records are kept here)."""
        p, a, params = self.partners, self.alliance, self.params
        weights = p.weight
        joint_map = weights @ p.beliefs
        if a.proposal is not None and self.manager is not None:
            adopted = self.manager.legitimacy
            joint_map = (1.0 - adopted) * joint_map + adopted * a.proposal
        chance = self.streams.negotiation
        # Every negotiation draws the same numbers, used or not, so that runs stay paired.
        lucky, settling, estimates = (
            chance.random(),
            chance.random(),
            chance.standard_normal(len(p)),
        )
        agenda, p.intent, contribution, expected, shares, room, settled, integrative = negotiation(
            self._rules,
            p.ideals,
            p.salience,
            weights,
            joint_map,
            lucky,
            settling,
            estimates,
            a.mediation,
            outside,
            self.environment.market,
            p.trust,
            p.active,
            p.n_active,
            p.satisfaction,
            p.temptation,
            p.capacity,
            p.resource_profile,
            p.goal_distance,
            a.relational_capital,
            a.formalisation,
            self._brokerage(),
            self.manager.fee if self.manager is not None else 0.0,
        )
        if not settled:
            a.deadlocks += 1
            a.stalls += room
            self._deadlocked = True
            a.in_deadlock = True
            retry = params["mediated_retry"] if a.mediation > 0 else params["deadlock_retry"]
            a.next_negotiation = month + retry
            p.trust = p.trust * (1.0 - params["deadlock_strain"])
            self.log("deadlock", room=room)
        else:
            performance = performance_risk_weights(shares, self._private, params["risk_allocation"])
            demand = demand_risk_weights(
                shares, self._private, self._public, params["payment_mechanism"], performance
            )
            renegotiating = a.formed
            a.in_deadlock = False
            a.agreement = Agreement(
                agenda, shares, contribution, month, expected, performance, demand
            )
            a.next_negotiation = month + params["agreement_length"]
            if renegotiating:
                a.renegotiations += 1
                self._renegotiated = True
            else:
                self.formed_month = month
            self.log("renegotiation" if renegotiating else "agreement", mediated=integrative)
        a.renegotiation_called = False
        a.mediation = 0.0
        a.proposal = None

    def _public_risk_shares(self, agreement: Agreement) -> tuple[float, float]:
        """The public partners' part of the performance and of the demand gap under ``agreement``."""
        if self._public_risk[0] is not agreement:
            self._public_risk = (
                agreement,
                float(agreement.performance_risk[self._public].sum()),
                float(agreement.demand_risk[self._public].sum()),
            )
        return self._public_risk[1], self._public_risk[2]

    def _brokerage(self) -> float:
        """Share of the cost of many partners an independent manager saves as the network's hub
        (Provan & Kenis' network administrative organisation): half by being there, half as
        the partners come to accept it."""
        if self.manager is None or self.manager.home is not None:
            return 0.0
        return self.params["hub_efficiency"] * (0.5 + 0.5 * self.manager.legitimacy)

    def _judge(self, month: int, outside: np.ndarray, worst: float) -> None:
        """Voice and exit: who has had enough leaves, who is close calls for renegotiation; an
        alliance that could not be founded is given up. ``worst`` is the largest disappointment."""
        p, a, params = self.partners, self.alliance, self.params
        if a.agreement is None and a.deadlocks >= params["founding_attempts"]:
            self._end("never_formed")
            return
        if worst < params["call_threshold"] * self._lowest_threshold:
            return  # nobody is near voice, let alone exit (thresholds only rise with what is owed)
        thresholds = p.exit_threshold
        if params["termination_compensation"] > 0:
            thresholds = exit_thresholds(thresholds, self._owed(month), outside, params["lock_in"])
        for i in leavers(p.disappointment, thresholds, p.active):
            if self.running:
                self._exit(int(i), month)
        unhappy = (p.active > 0) & (p.disappointment >= params["call_threshold"] * thresholds)
        if self.running and unhappy.any():
            self.request_renegotiation(p.names[int(np.flatnonzero(unhappy)[0])])

    def _compensation(self, month: int) -> np.ndarray:
        """Termination compensation due if each partner left now: a share of its expected
        receipts until the review date (zero before the first agreement)."""
        p, a, params = self.partners, self.alliance, self.params
        if not a.formed or params["termination_compensation"] == 0:
            return np.zeros(len(p))
        assert a.agreement is not None  # formed
        months_left = max(a.next_negotiation - month, 0)
        return (
            params["termination_compensation"]
            * months_left
            * np.maximum(a.agreement.shares, 0.0)
            * max(a.agreement.expected_value, 0.0)
        )

    def _owed(self, month: int) -> np.ndarray:
        """What each partner would itself pay on leaving now (nothing for a private partner
        when the public side bears the compensation)."""
        owed = self._compensation(month)
        if self.params["termination_borne_by"] == "public":
            owed = np.where(self._private, 0.0, owed)
        return owed

    def _may_reopen(self, month: int) -> bool:
        """Whether the renegotiation rule lets a partner or the manager reopen the agreement now."""
        rule = self.params["renegotiation_rule"]
        return rule == "flexible" or (
            rule == "hardship" and month - self._last_shock <= self.params["hardship_window"]
        )

    def _exit(self, i: int, month: int) -> None:
        p, a, params = self.partners, self.alliance, self.params
        self._pay_termination(i, month)
        p.leave(i)
        if a.agreement is not None:
            a.agreement = a.agreement.without(i)
        self.exits += 1
        a.relational_capital *= 1.0 - params["exit_damage"]
        a.renegotiation_called = a.formed
        self.log("exit", partner=p.names[i])
        if p.essential[i]:
            self._end("essential_left", partner=p.names[i])
        elif p.n_active < self.quorum:
            self._end("below_quorum", partner=p.names[i])

    def _pay_termination(self, i: int, month: int) -> None:
        """Book the termination compensation of partner ``i``'s exit: the leaver pays those who
        stay, or the public partners pay a private leaver, as the design says."""
        p, params = self.partners, self.params
        amount = float(self._compensation(month)[i])
        if amount == 0:
            return
        stay = p.members.copy()
        stay[i] = False
        payers = (
            stay & self._public
            if params["termination_borne_by"] == "public" and self._private[i]
            else None
        )
        if payers is not None and payers.any():
            transfer = np.where(payers, -amount / payers.sum(), 0.0)
            transfer[i] = amount
        elif stay.any():
            transfer = np.where(stay, amount / stay.sum(), 0.0)
            transfer[i] = -amount
        else:
            return
        p.cum_payoff += transfer
        self.termination_paid += np.maximum(-transfer, 0.0)
        self.log("termination", partner=p.names[i], amount=float(amount))

    def _end(self, cause: str, **details: Any) -> None:
        self.running = False
        self.dissolved = True
        self.end_cause = cause
        self.log("dissolution", reason=cause, **details)

    def _election(self) -> None:
        p = self.partners
        if not self._public.any():
            return
        shift = self.streams.context.normal(
            0.0,
            self.params["election_shift"] * self.params["political_cycle"],
            (int(self._public.sum()), p.ideals.shape[1]),
        )
        ideals = p.ideals.copy()
        ideals[self._public] += shift
        p.set_ideals(ideals)
        self.alliance.renegotiation_called = self.alliance.formed
        self.log("election")

    # --- helpers -------------------------------------------------------------------------

    def _home_index(self) -> int:
        """The home organisation: the scenario's ``manager_home``, else the most powerful partner."""
        home = self.config.scenario.manager_home
        if home is not None:
            return self.partners.names.index(home)
        return int(np.argmax(self.partners.power.sum(axis=1)))

    def _make_collector(self) -> mesa.DataCollector:
        return mesa.DataCollector(
            model_reporters={
                "value": "value",
                "mean_trust": "mean_trust",
                "relational_capital": _relational_capital,
                "mean_satisfaction": _mean_satisfaction,
                "power_concentration": _power_concentration,
                "context_fit": "context_fit",
                "formalisation": _formalisation,
                "active_partners": _active_partners,
            },
            agenttype_reporters={
                Organisation: {
                    name: attrgetter(name)
                    for name in (
                        "effective_power",
                        "satisfaction",
                        "trust_in_others",
                        "payoff",
                        "contribution",
                        "outside_option",
                        "active",
                    )
                },
            },
        )


# The collector's reporters are named functions and attribute getters, not lambdas (nor
# attribute names, which Mesa wraps in closures of its own), so that a collecting model can
# be pickled or copied (a checkpoint, a process pool) like any other.


def _relational_capital(model: AllianceModel) -> float:
    return model.alliance.relational_capital


def _mean_satisfaction(model: AllianceModel) -> float:
    return float(model.partners.satisfaction[model.partners.members].mean())


def _power_concentration(model: AllianceModel) -> float:
    return float((model.effective_power**2).sum())


def _formalisation(model: AllianceModel) -> float:
    return model.alliance.formalisation


def _active_partners(model: AllianceModel) -> int:
    return int(model.partners.active.sum())


def load_compiled_code() -> None:
    """Load the model's compiled code in this process now (compile it, after a change of the
    code): a sweep does this before forking its workers, so that each starts with the code
    in memory instead of reading it from numba's cache, and a first run compiles once rather
    than once per worker."""
    AllianceModel("pps_care", rng=0, collect=False, manager="independent", horizon=36).run()
