"""The agents: partner organisations and the alliance manager between them.

Agents know the model only as a ``mesa.Model`` with the attributes they read;
they never import it (the model imports them).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.config.vocabulary import INTERVENTIONS
from sim.model.interventions import LEVERS, Intervention
from sim.model.perception import scanned_reading, update_beliefs
from sim.model.standing import fair_legitimacy
from sim.model.value import context_fit


class Organisation(mesa.Agent):
    """A partner: a named view onto its row of the model's partner arrays.

    The state (goals, power, trust, satisfaction) lives in ``model.partners`` so
    that the whole alliance updates in a few vector operations; the agent gives
    it a name and a place in Mesa's AgentSet for reporters and the dashboard.
    """

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def name(self) -> str:
        return self.model.partners.names[self.index]

    @property
    def sector(self) -> str:
        return self.model.partners.sectors[self.index]

    @property
    def active(self) -> bool:
        """False once the partner has left the alliance."""
        return bool(self.model.partners.active[self.index])

    @property
    def effective_power(self) -> float:
        """Share of power in the alliance given what the context values now."""
        return float(self.model.effective_power[self.index])

    @property
    def satisfaction(self) -> float:
        return float(self.model.partners.satisfaction[self.index])

    @property
    def trust_in_others(self) -> float:
        """Mean trust this partner has in the other active partners."""
        p = self.model.partners
        others = p.members
        others[self.index] = False
        return float(p.trust[self.index, others].mean()) if others.any() else 0.0

    @property
    def payoff(self) -> float:
        """Net value to the partner this month (money, mission value, minus its contribution's cost)."""
        return float(self.model.partners.payoff[self.index])

    @property
    def outside_option(self) -> float:
        return float(self.model.partners.outside_options(self.model.environment.market)[self.index])

    @property
    def contribution(self) -> float:
        """Contribution this month as a fraction of capacity."""
        return float(self.model.partners.contribution[self.index])


#: The levers by their code (place in the registry), as the compiled month names them.
_REGISTRY_ORDER: tuple[Intervention, ...] = tuple(LEVERS[name] for name in INTERVENTIONS)


class AllianceManager(mesa.Agent):
    """The alliance manager: positioned between home and joint interest, intervening within capacity.

    Attributes:
        mode: ``lead_partner`` (employed by ``home``) or ``independent`` (funded by all: a
            network administrative organisation in Provan & Kenis' terms).
        home: index of the home organisation, or None for an independent manager.
        position: 0 = guards the home organisation's interest, 1 = joint-interest steward
            (only a lead partner's manager has a home to guard).
        skill: how well interventions work, in [0, 1].
        capacity: intervention capacity per month.
        mandate: backing from the home organisation (for an independent manager: from all
            partners, which is its legitimacy), in [0, 1]; capacity and effect shrink without it.
        legitimacy: how far the partners accept the manager as an honest broker, in [0, 1]; an
            independent manager starts low and earns it through the fairness partners perceive,
            a lead partner's manager starts with the others' suspicion of its home.
        belief: where the manager believes joint value lies (it never reads the true context).
        capacity_used: capacity spent per intervention over the run.
    """

    def __init__(
        self,
        model: mesa.Model,
        mode: str,
        home: int | None,
        position: float,
        skill: float,
        capacity: float,
        interventions: tuple[str, ...],
        strategy: str,
        belief: np.ndarray,
    ) -> None:
        super().__init__(model)
        p = model.params
        self.mode = mode
        self.home = home if mode == "lead_partner" else None
        self.position = position if self.home is not None else 1.0
        self.skill = skill
        self.capacity = capacity
        self.interventions = interventions
        self.strategy = strategy
        self.mandate = 1.0
        self.legitimacy = (
            p["independent_legitimacy"] if self.home is None else self.fair_legitimacy(1.0)
        )
        self.belief = belief
        self.capacity_left = 0.0
        self.capacity_used = dict.fromkeys(INTERVENTIONS, 0.0)

    @property
    def interventions(self) -> tuple[str, ...]:
        """The levers this manager may pull, in its usual order."""
        return tuple(lever.name for lever in self._levers)

    @interventions.setter
    def interventions(self, names: tuple[str, ...]) -> None:
        self._levers = tuple(LEVERS[name] for name in names)
        #: The same levers as codes (places in the registry), as the compiled month reads them.
        self.lever_codes = np.array([INTERVENTIONS.index(name) for name in names], dtype=np.int64)
        #: Where the compiled month writes the codes of the levers it chose, in order (at most
        #: all of them); see :meth:`pull`.
        self.lever_order = np.zeros_like(self.lever_codes)

    @property
    def partisanship(self) -> float:
        """How much the manager pulls for home: (1 - position) for a lead partner's manager, else 0."""
        return 1.0 - self.position if self.home is not None else 0.0

    def fair_legitimacy(self, fairness: float) -> float:
        """The legitimacy a manager earns from the fairness partners perceive, less their suspicion
        of a partisan manager."""
        return fair_legitimacy(fairness, self.model.params["partisan_distrust"], self.partisanship)

    @property
    def fee(self) -> float:
        """What the manager costs a month, paid out of the alliance's value in every mode."""
        return self.model.params["manager_fee"] * self.capacity

    def effectiveness(self, lever: str) -> float:
        """Effect strength of ``lever`` now: skill times backing and, for relational levers, the
        partners' acceptance (each counts half: an unbacked or distrusted manager still has its
        skill)."""
        return self._strength(LEVERS[lever])

    def _strength(self, lever: Intervention) -> float:
        strength = self.skill * (0.5 + 0.5 * self.mandate)
        return strength * (0.5 + 0.5 * self.legitimacy) if lever.relational else strength

    @property
    def home_pull(self) -> float:
        """How far a partisan manager raises its home organisation's bargaining weight (a share;
        0 for a manager without a home to pull for)."""
        if self.home is None:
            return 0.0
        return self.model.params["partisan_pull"] * self.partisanship * self.mandate

    def perceive(self, context: np.ndarray, draws: np.ndarray) -> None:
        """A month's ordinary reading of the context, as noisy and late as a partner's."""
        p = self.model.params
        self.belief = update_beliefs(
            self.belief, context, p["perception_noise"], p["perception_rate"], draws
        )

    def scan(self, effect: float) -> None:
        """A deliberate scan: a sharper, fresher reading of the context (the lever scan_adapt)."""
        p = self.model.params
        noise, rate = scanned_reading(
            p["perception_noise"], p["perception_rate"], p["scan_precision"], effect
        )
        draws = self.model.manager_normals.draw()
        self.belief = update_beliefs(
            self.belief, self.model.environment.context, noise, rate, draws
        )

    def agenda_fit_seen(self) -> float:
        """Fit of the agreed agenda to where the manager believes value lies."""
        agreement = self.model.alliance.agreement
        if agreement is None:
            return 1.0
        return context_fit(agreement.agenda, self.belief, self.model.params["fit_bandwidth"])

    def pull(self, order: np.ndarray) -> None:
        """A month's work: pull the levers in ``order`` (registry codes, as the compiled month
        :func:`sim.model.month.managing` chose them) while capacity lasts."""
        params = self.model.params
        for code in order.tolist():
            lever = _REGISTRY_ORDER[code]
            if params[lever.cost_key] <= self.capacity_left:
                self._apply(lever)

    def intervene(self, name: str) -> float:
        """Spend capacity on one lever and apply it; returns the effectiveness used.

        Also the entry point for a person playing the manager (the dashboard's play mode).
        """
        if name not in LEVERS:
            raise ValueError(f"unknown intervention {name!r}; allowed: {', '.join(INTERVENTIONS)}")
        return self._apply(LEVERS[name])

    def _apply(self, lever: Intervention) -> float:
        cost = self.model.params[lever.cost_key]
        self.capacity_left -= cost
        self.capacity_used[lever.name] += cost
        effect = self._strength(lever)
        lever.apply(self.model, effect)
        self.model.log("intervention", lever=lever.name)
        return effect
