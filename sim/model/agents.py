"""The agents: partner organisations and the alliance manager between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model.interventions import CAPACITY_COST, RELATIONAL, TRIGGERS, Observation
from sim.config.vocabulary import INTERVENTIONS

if TYPE_CHECKING:
    from sim.model import AllianceModel

#: How much a fully partisan manager with full mandate multiplies the home's bargaining weight.
PARTISAN_PULL = 1.0
#: Monthly erosion of the others' trust in the home organisation under a fully partisan manager.
PARTISAN_SUSPICION = 0.03
#: How much a manager who fully "goes native" lowers the backing the home organisation gives.
NATIVE_PENALTY = 0.6
#: Monthly adjustment of the mandate toward the backing the manager has earned.
MANDATE_RATE = 0.1
#: Monthly cost of the manager per unit of capacity, paid by the funders.
MANAGER_FEE = 0.1


class Organisation(mesa.Agent):
    """A partner: a named view onto its row of the model's partner arrays.

    The state (goals, power, trust, satisfaction) lives in ``model.partners`` so
    that the whole alliance updates in a few vector operations; the agent gives
    it a name and a place in Mesa's AgentSet for reporters and the dashboard.
    """

    def __init__(self, model: AllianceModel, index: int) -> None:
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
        """Net value received this month (share of value minus the cost of contributing)."""
        return float(self.model.partners.payoff[self.index])

    @property
    def outside_option(self) -> float:
        return float(self.model.partners.outside_options(self.model.environment.market)[self.index])

    @property
    def contribution(self) -> float:
        """Contribution this month as a fraction of capacity."""
        return float(self.model.partners.contribution[self.index])


class AllianceManager(mesa.Agent):
    """The alliance manager: positioned between home and joint interest, intervening within capacity.

    Attributes:
        mode: ``lead_partner`` (employed by ``home``) or ``independent`` (funded by all).
        home: index of the home organisation, or None for an independent manager.
        position: 0 = guards the home organisation's interest, 1 = joint-interest steward.
        skill: how well interventions work, in [0, 1].
        capacity: intervention capacity per month.
        mandate: backing from the home organisation (or from all partners when
            independent), in [0, 1]; capacity and effect shrink without it.
        capacity_used: capacity spent per intervention over the run.
    """

    def __init__(self, model: AllianceModel, mode: str, home: int | None, position: float,
                 skill: float, capacity: float, interventions: tuple[str, ...],
                 strategy: str) -> None:
        super().__init__(model)
        self.mode = mode
        self.home = home if mode == "lead_partner" else None
        self.position = position
        self.skill = skill
        self.capacity = capacity
        self.interventions = interventions
        self.strategy = strategy
        self.mandate = 1.0
        self.capacity_left = 0.0
        self.capacity_used = dict.fromkeys(INTERVENTIONS, 0.0)

    @property
    def partisanship(self) -> float:
        """How much the manager pulls for home: (1 - position) for a lead partner's manager, else 0."""
        return 1.0 - self.position if self.home is not None else 0.0

    @property
    def legitimacy(self) -> float:
        """How far the partners accept the manager as an honest broker, in [0.4, 1]."""
        return 1.0 - 0.6 * self.partisanship

    @property
    def fee(self) -> float:
        """What the manager costs a month."""
        return MANAGER_FEE * self.capacity

    def effectiveness(self, lever: str) -> float:
        """Effect strength of ``lever`` now: skill times mandate, and legitimacy for relational levers."""
        strength = self.skill * (0.5 + 0.5 * self.mandate)
        return strength * self.legitimacy if lever in RELATIONAL else strength

    def tilt(self, weights: np.ndarray) -> np.ndarray:
        """Bargaining weights after a partisan manager has argued the home's case."""
        if self.home is None or self.partisanship == 0.0:
            return weights
        tilted = weights.copy()
        tilted[self.home] *= 1.0 + PARTISAN_PULL * self.partisanship * self.mandate
        return tilted / tilted.sum()

    def update_mandate(self, satisfaction: np.ndarray, active: np.ndarray) -> None:
        """Backing follows what the funders get, and a manager who goes native loses the home's."""
        if self.home is not None:
            target = satisfaction[self.home] * (1.0 - NATIVE_PENALTY * self.position)
        else:
            target = float(satisfaction @ active / active.sum())
        self.mandate += MANDATE_RATE * (target - self.mandate)

    def act(self, seen: Observation) -> None:
        """A month's work: pull the levers the strategy calls for while capacity lasts."""
        self.update_mandate(self.model.partners.satisfaction, self.model.partners.active)
        self.capacity_left = self.capacity * (0.25 + 0.75 * self.mandate)
        for lever in self.interventions:
            if self.strategy == "responsive" and not TRIGGERS[lever](seen):
                continue
            if CAPACITY_COST[lever] <= self.capacity_left:
                self.intervene(lever)

    def intervene(self, lever: str) -> float:
        """Spend capacity on one lever and apply it; returns the effectiveness used.

        Also the entry point for a person playing the manager (the dashboard's play mode).
        """
        if lever not in INTERVENTIONS:
            raise ValueError(f"unknown intervention {lever!r}; allowed: {', '.join(INTERVENTIONS)}")
        cost = CAPACITY_COST[lever]
        self.capacity_left -= cost
        self.capacity_used[lever] += cost
        effect = self.effectiveness(lever)
        self.model.apply_intervention(lever, effect)
        return effect
