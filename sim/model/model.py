"""The alliance model: partners, a manager and a moving context, one month per step.

Each month follows Ring & Van de Ven's (1994) cycle of cooperative
inter-organisational relationships:

1. the environment moves (drift and shocks; elections in a political cycle);
2. negotiation, when an agreement is due or someone called for it;
3. commitment: each partner decides what to contribute;
4. execution: value is created and shared;
5. assessment: satisfaction, aspiration, trust, relational capital; exits;
6. the alliance manager observes and intervenes.

The step only wires together the small functions in the mechanism modules
(bargaining, commitment, value, trust, assessment, alliance, interventions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim.model import alliance as alliance_rules
from sim.model.agents import PARTISAN_SUSPICION, AllianceManager, Organisation
from sim.model.alliance import Agreement, Alliance
from sim.model.assessment import accumulate_disappointment, leavers, satisfaction, update_aspiration
from sim.model.bargaining import (
    bargaining_weights,
    effective_power,
    goal_fit,
    mediated_agenda,
    nash_shares,
    reservation_shares,
    split_the_difference,
)
from sim.model.commitment import contribution_intent, enforced_contribution, opportunism
from sim.model.environment import Environment
from sim.model.interventions import Observation
from sim.model import interventions as levers
from sim.config.knobs import KNOBS, resolve_knobs
from sim.model.outcomes import gini
from sim.model.risk import demand_risk_weights, distribute, performance_risk_weights
from sim.model.partners import Partners
from sim.config.scenario import Scenario, load_scenario
from sim.model.trust import erode_trust, trust_in_others, update_trust
from sim.model.value import (
    conflict,
    demand_effect,
    context_fit,
    coordination_cost,
    gross_value,
    resource_bundle,
)
from sim.config.vocabulary import INTERVENTIONS, SECTORS

#: Cost to a partner of one unit of contribution, in value units.
CONTRIBUTION_COST = 0.3
#: Months before a deadlocked negotiation is tried again, without and with a mediator.
DEADLOCK_RETRY = 3
MEDIATED_RETRY = 1
#: Share of the founding partners that must remain for the alliance to go on.
QUORUM = 0.5
#: Failed founding negotiations after which the partners give up before they started.
FOUNDING_ATTEMPTS = 3
#: Share of trust lost all round when a negotiation deadlocks.
DEADLOCK_STRAIN = 0.03
#: Share of a partner's exit threshold at which it calls for renegotiation.
CALL_THRESHOLD = 0.5
#: Months a partner must wait before reopening an agreement, multiplied by (1 + 2 x formalisation).
CALL_COOLDOWN = 6
#: Share of enforced (rather than willing) cooperation that does not count toward trust.
CROWDING_OUT = 0.5
#: Months after a shock in which a hardship clause lets partners reopen the agreement.
HARDSHIP_WINDOW = 6
#: Months between elections when a political cycle is on, and how far goals jump at most.
ELECTION_INTERVAL = 48
ELECTION_SHIFT = 0.3
#: Relative fall in context fit since the agreement that a scanning manager notices.
DRIFT_ALERT = 0.15


class AllianceModel(mesa.Model):
    """A multi-party alliance with an optional alliance manager, in a shifting context.

    Args:
        scenario: a scenario name from ``scenarios/`` or a path to a scenario file.
        rng: seed for the model's only source of randomness (``numpy.random.Generator``);
            the same seed gives the same run bit for bit.
        collect: keep per-month series in ``datacollector`` (switch off for fast sweeps).
        **knobs: flat overrides of the scenario's knobs; see :meth:`knobs`.

    Raises:
        ValueError: for an unknown knob, a value out of its range, or an invalid scenario
            (:class:`sim.config.validation.ConfigError`, which names the file and the key).

    Note:
        Mesa 3.5 reserves ``Model.scenario`` for its own experimental Scenario object;
        the resolved scenario of this model is ``self.config``.
    """

    def __init__(self, scenario: str | Path = "pps_infrastructure", rng: int | None = None,
                 collect: bool = True, **knobs: Any) -> None:
        super().__init__(rng=rng)
        self.config: Scenario = load_scenario(scenario)
        if "n_partners" in knobs and not self.config.generated:
            raise ValueError(f"knob 'n_partners' applies only to scenarios that generate their "
                             f"partners; {self.config.name!r} lists them")
        self.params: dict[str, Any] = resolve_knobs(self.config.knobs, knobs)
        p = self.params
        self.horizon: int = p["horizon"]

        specs = self.config.partner_specs(p["n_partners"], self.rng)
        self.partners = Partners.from_specs(specs, p["goal_diversity"], p["power_asymmetry"],
                                            p["initial_trust"])
        self.organisations = [Organisation(self, i) for i in range(len(specs))]
        self.quorum = max(2, int(np.ceil(QUORUM * len(specs))))
        self.environment = Environment(self.config.context, self.config.power_salience,
                                       p["turbulence"], p["shock_rate"])
        self.alliance = Alliance(formalisation=p["formalisation"])
        self.home = self._home_index()
        self._private = np.array([s == "private" for s in self.partners.sectors])
        self._public = np.array([s == "public" for s in self.partners.sectors])
        self._base_value = 0.0
        self._last_shock = -10**6
        self.manager: AllianceManager | None = None
        if p["manager"] != "none":
            self.manager = AllianceManager(
                self, p["manager"], self.home, p["manager_position"], p["manager_skill"],
                p["manager_capacity"], p["interventions"], p["manager_strategy"])

        self.value = 0.0
        self.total_value = 0.0
        self.conflict = 0.0
        self.context_fit = 1.0
        self.exits = 0
        self.dissolved = False
        self.duration = 0
        self.events: list[tuple[int, str, dict[str, Any]]] = []
        self._mediation = 0.0
        self._scan = 0.0
        self._goal_fit = np.ones(len(specs))
        self._previous_trust = self.mean_trust
        self._opportunism = 0.0
        self.coordination = 0.0
        self._coordination_sum = 0.0
        self._opportunism_sum = 0.0
        self.datacollector = self._make_collector() if collect else None
        if self.datacollector is not None:
            self.datacollector.collect(self)

    # --- public interface ---------------------------------------------------------------

    @staticmethod
    def knobs() -> list[dict[str, Any]]:
        """Every knob with its default, allowed range and meaning (for the CLI and the dashboard)."""
        return [
            {"name": k.name, "default": k.default, "allowed": k.allowed, "group": k.group,
             "meaning": k.meaning, "low": k.low, "high": k.high, "choices": k.choices}
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
        n = p.active.sum()
        if n < 2:
            return float("nan") if n == 0 else 0.0
        return float((p.active @ p.trust @ p.active - p.trust.diagonal() @ p.active) / (n * (n - 1)))

    @property
    def month(self) -> int:
        """Months simulated so far (one step is one month)."""
        return int(self.time)

    def step(self) -> None:
        """Advance the alliance by one month."""
        if not self.running:
            return
        month = self.month
        shock = self.environment.advance(self.rng)
        if shock is not None:
            self._last_shock = month
            self._log("shock", kind=shock)
        if self.params["political_cycle"] > 0 and month % ELECTION_INTERVAL == 0:
            self._election()
        outside = self.partners.outside_options(self.environment.market)
        if self._negotiation_due(month):
            self._negotiate(month, outside)
        self._commit()
        self._execute()
        self._assess(month, outside)
        self.duration = month
        if self.running and self.manager is not None:
            self.manager.act(self._observe(month))
        if self.running and month >= self.horizon:
            self.running = False
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def run(self) -> dict[str, Any]:
        """Run to dissolution or the horizon and return :meth:`outcomes`."""
        while self.running:
            self.step()
        return self.outcomes()

    def apply_intervention(self, lever: str, effect: float) -> None:
        """Apply one of the manager's levers with strength ``effect`` in [0, 1]."""
        p, a = self.partners, self.alliance
        if lever == "scan_adapt":
            a.renegotiation_called = a.renegotiation_called or self._may_reopen(self.month)
            self._scan = max(self._scan, effect)
        elif lever == "mediate":
            self._mediation = max(self._mediation, effect)
        elif lever == "build_trust":
            p.trust = levers.build_trust(p.trust, effect)
            a.relational_capital = min(1.0, a.relational_capital + levers.RELATIONAL_INVESTMENT * effect)
        elif lever == "align_ambition":
            if a.agreement is not None:
                p.move_ideals_toward(a.agreement.agenda, levers.alignment_share(effect))
                self._refresh_goal_fit()
        elif lever == "balance_power":
            a.power_balance = levers.balance_power(a.power_balance, effect)
        elif lever == "formalise":
            a.formalisation = levers.formalise(a.formalisation, effect)
        self._log("intervention", lever=lever)

    def outcomes(self) -> dict[str, Any]:
        """A flat summary of the run: duration, value, fairness, events and manager effort."""
        p = self.partners
        received_total = p.cum_received.sum()
        others = np.ones(len(p), dtype=bool)
        others[self.home] = False
        if (others & p.members).any():
            others &= p.members
        result: dict[str, Any] = {
            "duration": int(self.duration),
            "dissolved": bool(self.dissolved),
            "total_value": float(self.total_value),
            "gini": gini(p.cum_received),
            "min_partner_gain": float(np.min(p.cum_payoff - p.cum_outside)),
            "exits": int(self.exits),
            "deadlocks": int(self.alliance.deadlocks),
            "renegotiations": int(self.alliance.renegotiations),
            "shocks": int(self.environment.shocks),
            "partners": len(p),
            "mean_trust": self.mean_trust,
            "relational_capital": float(self.alliance.relational_capital),
            "formalisation_final": float(self.alliance.formalisation),
            "opportunism": self._opportunism_sum / max(self.duration, 1),
            "coordination": self._coordination_sum / max(self.duration, 1),
            "home_share": float(p.cum_received[self.home] / received_total) if received_total > 0 else 0.0,
            "trust_in_home": float(p.trust[others, self.home].mean()),
            "mandate": float(self.manager.mandate) if self.manager else 0.0,
        }
        sectors = np.array(p.sectors)
        for sector in SECTORS:
            share = p.cum_received[sectors == sector].sum() / received_total if received_total > 0 else 0.0
            result[f"share_{sector}"] = float(share)
        used = self.manager.capacity_used if self.manager else dict.fromkeys(INTERVENTIONS, 0.0)
        for lever in INTERVENTIONS:
            result[f"capacity_{lever}"] = float(used[lever])
        return result

    # --- the monthly cycle ------------------------------------------------------------

    def _negotiation_due(self, month: int) -> bool:
        return self.alliance.renegotiation_called or month >= self.alliance.next_negotiation

    def _weights(self) -> np.ndarray:
        weights = bargaining_weights(self.effective_power, self.alliance.power_balance,
                                     self.partners.active)
        return self.manager.tilt(weights) if self.manager is not None else weights

    def _negotiate(self, month: int, outside: np.ndarray) -> None:
        """Settle a joint agenda and a split of the value, or deadlock."""
        p, a = self.partners, self.alliance
        weights = self._weights()
        if self._mediation > 0:
            bargained = mediated_agenda(p.ideals, p.salience, weights, self._mediation)
        else:
            bargained = split_the_difference(p.ideals, weights)
        follow = levers.context_weight(self._scan > 0, self._scan)
        agenda = (1.0 - follow) * bargained + follow * self.environment.context
        contribution = self._contributions(goal_fit(agenda, p.ideals, p.salience))
        expected = self._net_value(contribution, agenda)
        costs = CONTRIBUTION_COST * contribution * p.capacity
        shares = nash_shares(reservation_shares(outside, costs, expected), weights, p.active)
        renegotiating = a.formed
        if shares is None:
            a.deadlocks += 1
            a.next_negotiation = month + (MEDIATED_RETRY if self._mediation > 0 else DEADLOCK_RETRY)
            p.trust = p.trust * (1.0 - DEADLOCK_STRAIN)
            self._log("deadlock")
        else:
            performance = performance_risk_weights(shares, self._private, self.params["risk_allocation"])
            demand = demand_risk_weights(shares, self._private, self._public,
                                         self.params["payment_mechanism"], performance)
            a.agreement = Agreement(agenda, shares, month, context_fit(agenda, self.environment.context),
                                    expected_value=expected,
                                    performance_risk=performance, demand_risk=demand)
            a.next_negotiation = month + self.params["agreement_length"]
            self._refresh_goal_fit()
            self._log("renegotiation" if renegotiating else "agreement", mediated=self._mediation > 0)
        if renegotiating:
            a.renegotiations += 1
        a.renegotiation_called = False
        self._mediation = 0.0
        self._scan = 0.0

    def _refresh_goal_fit(self) -> None:
        """Recompute how well the agreed agenda serves each partner (after agenda or goals change)."""
        p, agreement = self.partners, self.alliance.agreement
        if agreement is not None:
            self._goal_fit = goal_fit(agreement.agenda, p.ideals, p.salience)

    def _contributions(self, fit: np.ndarray) -> np.ndarray:
        """Each partner's contribution (fraction of capacity) given its goal ``fit``; sets ``intent``."""
        p = self.partners
        p.intent = contribution_intent(trust_in_others(p.trust, p.active), p.satisfaction, fit,
                                       self.alliance.relational_capital)
        return enforced_contribution(p.intent, self.alliance.formalisation) * p.active

    def _net_value(self, contribution: np.ndarray, agenda: np.ndarray) -> float:
        """Value created in a month by these contributions under this agenda, net of costs."""
        p, a = self.partners, self.alliance
        self.context_fit = context_fit(agenda, self.environment.context)
        self.conflict = conflict(p.goal_distance, p.trust, p.active)
        gross = gross_value(resource_bundle(contribution * p.capacity, p.resource_profile),
                            self.context_fit, a.relational_capital, a.formalisation,
                            self.params["productivity"])
        cost = coordination_cost(int(p.active.sum()), self.conflict,
                                 self.params["coordination_cost"], a.formalisation)
        self.coordination = cost
        if self.manager is not None and self.manager.home is None:
            cost += self.manager.fee
        self._base_value = gross - cost
        return self._base_value + demand_effect(gross, self.environment.market)

    def _commit(self) -> None:
        p = self.partners
        p.contribution = self._contributions(self._goal_fit) if self.alliance.formed else np.zeros(len(p))

    def _execute(self) -> None:
        p, agreement = self.partners, self.alliance.agreement
        if agreement is None:
            self.value = 0.0
            p.received = np.zeros(len(p))
        else:
            self.value = self._net_value(p.contribution, agreement.agenda)
            p.received = distribute(agreement.shares, agreement.expected_value, self._base_value,
                                    self.value, agreement.performance_risk, agreement.demand_risk) * p.active
        p.payoff = p.received - CONTRIBUTION_COST * p.contribution * p.capacity
        if self.manager is not None and self.manager.home is not None:
            p.payoff[self.manager.home] -= self.manager.fee
        self.total_value += self.value
        if agreement is not None:
            self._coordination_sum += self.coordination

    def _assess(self, month: int, outside: np.ndarray) -> None:
        p, a = self.partners, self.alliance
        act = p.active
        p.satisfaction = satisfaction(p.payoff, p.aspiration, outside)
        p.aspiration = update_aspiration(p.aspiration, p.payoff, outside)
        if a.formed:
            # Leavers' records keep moving but are never read again.
            p.disappointment = accumulate_disappointment(p.disappointment, p.payoff, outside)
        p.cum_received += p.received
        p.cum_payoff += p.payoff * act
        p.cum_outside += outside * act
        if a.formed:
            willing = p.contribution - CROWDING_OUT * (p.contribution - p.intent)
            p.trust = update_trust(p.trust, willing, self.params["trust_build_rate"],
                                   self.params["trust_break_rate"])
            if self.manager is not None and self.manager.partisanship > 0:
                suspicion = np.zeros(len(p))
                suspicion[self.manager.home] = self.manager.partisanship
                p.trust = erode_trust(p.trust, suspicion, PARTISAN_SUSPICION)
            cooperation = float(p.contribution.sum() / act.sum())
            a.relational_capital = alliance_rules.build_relational_capital(
                a.relational_capital, cooperation, self.conflict)
            self._opportunism = opportunism(p.contribution, act)
            self._opportunism_sum += self._opportunism

        if not a.formed and a.deadlocks >= FOUNDING_ATTEMPTS:
            self._end("no_agreement")
        worst = p.disappointment.max()
        if worst >= self.params["exit_threshold"]:
            for i in leavers(p.disappointment, self.params["exit_threshold"], act):
                if self.running:
                    self._exit(int(i))
        call_level = CALL_THRESHOLD * self.params["exit_threshold"]
        if worst >= call_level and self.running and a.formed and not a.renegotiation_called:
            cooldown = CALL_COOLDOWN * (1.0 + 2.0 * a.formalisation)
            unhappy = (act > 0) & (p.disappointment >= call_level)
            if unhappy.any() and month - a.agreement.month >= cooldown and self._may_reopen(month):
                a.renegotiation_called = True
                self._log("call", partner=p.names[int(np.flatnonzero(unhappy)[0])])

    def _may_reopen(self, month: int) -> bool:
        """Whether the renegotiation rule lets a partner or the manager reopen the agreement now."""
        rule = self.params["renegotiation_rule"]
        return rule == "flexible" or (rule == "hardship" and month - self._last_shock <= HARDSHIP_WINDOW)

    def _exit(self, i: int) -> None:
        p, a = self.partners, self.alliance
        p.active[i] = 0.0
        p.contribution[i] = 0.0
        self.exits += 1
        a.relational_capital *= 1.0 - alliance_rules.EXIT_DAMAGE
        a.renegotiation_called = True
        self._log("exit", partner=p.names[i])
        if p.active.sum() < self.quorum or p.essential[i]:
            self._end("left", partner=p.names[i])

    def _end(self, reason: str, **details: Any) -> None:
        self.running = False
        self.dissolved = True
        self._log("dissolution", reason=reason, **details)

    def _election(self) -> None:
        p = self.partners
        public = np.array([s == "public" for s in p.sectors])
        if not public.any():
            return
        shift = self.rng.normal(0.0, ELECTION_SHIFT * self.params["political_cycle"],
                                (int(public.sum()), p.ideals.shape[1]))
        ideals = p.ideals.copy()
        ideals[public] += shift
        p.set_ideals(ideals)
        self._refresh_goal_fit()
        self.alliance.renegotiation_called = self.alliance.formed
        self._log("election")

    def _observe(self, month: int) -> Observation:
        p, a = self.partners, self.alliance
        act = p.active
        drifted = (a.agreement is not None and month - a.agreement.month >= 3
                   and self.context_fit < (1.0 - DRIFT_ALERT) * a.agreement.context_fit)
        mean_trust = self.mean_trust
        previous, self._previous_trust = self._previous_trust, mean_trust
        return Observation(
            negotiation_due=a.renegotiation_called or month + 1 >= a.next_negotiation,
            context_drifted=drifted,
            mean_trust=mean_trust,
            trust_fell=mean_trust < previous - 0.005,
            conflict=self.conflict,
            dominance=float(self.effective_power.max() * act.sum()),
            opportunism=self._opportunism,
            formalisation=a.formalisation,
        )

    # --- helpers -------------------------------------------------------------------------

    def _home_index(self) -> int:
        """The home organisation: the scenario's ``manager_home``, else the most powerful partner."""
        if self.config.manager_home is not None:
            return self.partners.names.index(self.config.manager_home)
        return int(np.argmax(self.partners.power.sum(axis=1)))

    def _log(self, what: str, **details: Any) -> None:
        self.events.append((self.month, what, details))

    def _make_collector(self) -> mesa.DataCollector:
        return mesa.DataCollector(
            model_reporters={
                "value": "value",
                "mean_trust": "mean_trust",
                "relational_capital": lambda m: m.alliance.relational_capital,
                "mean_satisfaction": lambda m: float(m.partners.satisfaction[m.partners.members].mean()),
                "power_concentration": lambda m: float((m.effective_power**2).sum()),
                "context_fit": "context_fit",
                "formalisation": lambda m: m.alliance.formalisation,
                "active_partners": lambda m: int(m.partners.active.sum()),
            },
            agenttype_reporters={
                Organisation: {
                    "effective_power": "effective_power",
                    "satisfaction": "satisfaction",
                    "trust_in_others": "trust_in_others",
                    "payoff": "payoff",
                    "contribution": "contribution",
                    "outside_option": "outside_option",
                    "active": "active",
                },
            },
        )
