"""The partners' state as arrays, one row per organisation.

Partner-by-partner quantities (trust, goals, power) live in numpy arrays so a
month costs a handful of vector operations whatever the number of partners;
the :class:`sim.model.agents.Organisation` agents are named views onto their row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.scenario import PartnerSpec
from sim.config.vocabulary import MARKET_SENSITIVITY
from sim.model.compiled import compiled


def ideal_points(stance: np.ndarray, goal_diversity: float) -> np.ndarray:
    """Ideal points in [0, 1]: stances in [-1, 1] spread around the middle by ``goal_diversity``."""
    return 0.5 + 0.5 * goal_diversity * stance


def shaped_power(power: np.ndarray, asymmetry: float, spread: float) -> np.ndarray:
    """Power-base profiles whose totals are spread by ``asymmetry`` (0 = all equally strong);
    at full asymmetry the strongest partner holds up to exp(2 x ``spread``) times the weakest's.

    Each partner keeps its own mix of bases (which kind of power it has); only
    how much power it has in total follows the knob, ordered as in the scenario.
    """
    total = power.sum(axis=1)
    log_size = np.log(total) - np.log(total).mean()
    widest = np.abs(log_size).max()
    if widest > 0:
        log_size = log_size / widest
    size = np.exp(spread * asymmetry * log_size)
    return power / total[:, None] * size[:, None]


#: Behavioural traits drawn per partner around the parameter of the same name.
TRAITS: tuple[str, ...] = (
    "exit_threshold",
    "trust_build_rate",
    "trust_break_rate",
    "temptation",
    "aspiration_rate",
)


def draw_traits(
    params: Mapping[str, Any], n: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Each partner's behavioural traits: the parameter's value times a factor drawn uniformly
    within plus or minus ``trait_variation`` (so the mean over partners is the parameter)."""
    spread = params["trait_variation"]
    factors = rng.uniform(1.0 - spread, 1.0 + spread, (len(TRAITS), n))
    return {name: params[name] * f for name, f in zip(TRAITS, factors, strict=True)}


def goal_distances(ideals: np.ndarray) -> np.ndarray:
    """Root-mean-square distance between every two partners' ideal points, in [0, 1]."""
    diff = ideals[:, None, :] - ideals[None, :, :]
    return np.sqrt((diff * diff).sum(axis=2) / ideals.shape[1])


@compiled
def outside_options(base: np.ndarray, market_beta: np.ndarray, market: float) -> np.ndarray:
    """What each partner would get per month elsewhere: its base outside option, moved by the
    market as its sector's sensitivity says."""
    return base * np.exp(market_beta * market)


@compiled
def moved_toward(
    ideals: np.ndarray, goal_distance: np.ndarray, target: np.ndarray, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Ideal points moved ``share`` of the way to ``target``, and the goal distances between
    them (every pairwise difference shrinks by the factor ``1 - share``)."""
    return ideals + share * (target - ideals), goal_distance * (1.0 - share)


@dataclass
class Partners:
    """Everything the model tracks per partner. Inactive rows are partners that left."""

    names: tuple[str, ...]
    sectors: tuple[str, ...]
    essential: np.ndarray
    ideals: np.ndarray
    salience: np.ndarray
    power: np.ndarray
    resource_profile: np.ndarray
    capacity: np.ndarray
    outside_base: np.ndarray
    market_beta: np.ndarray
    trust: np.ndarray
    #: Where each partner believes joint value lies (a noisy, late reading of the context).
    beliefs: np.ndarray
    #: Behavioural traits per partner (see :data:`TRAITS`).
    exit_threshold: np.ndarray
    trust_build_rate: np.ndarray
    trust_break_rate: np.ndarray
    temptation: np.ndarray
    aspiration_rate: np.ndarray
    #: 1.0 while the partner is in the alliance, 0.0 after it left (a weight, for speed).
    active: np.ndarray
    goal_distance: np.ndarray
    satisfaction: np.ndarray
    aspiration: np.ndarray
    disappointment: np.ndarray
    intent: np.ndarray
    contribution: np.ndarray
    payoff: np.ndarray
    received: np.ndarray
    cum_received: np.ndarray
    cum_payoff: np.ndarray
    cum_outside: np.ndarray
    cum_mission: np.ndarray

    @classmethod
    def from_specs(
        cls,
        specs: tuple[PartnerSpec, ...],
        params: Mapping[str, Any],
        beliefs: np.ndarray,
        rng: np.random.Generator,
    ) -> Partners:
        """The partners of one run: the scenario's specs shaped by the knobs, traits drawn by ``rng``."""
        n = len(specs)
        ideals = ideal_points(np.array([s.stance for s in specs]), params["goal_diversity"])
        raw_power = np.array([s.power for s in specs], dtype=float)
        raw_power = np.where(raw_power.sum(axis=1, keepdims=True) > 0, raw_power, 1.0)
        outside = np.array([s.outside_option for s in specs])
        trust = np.full((n, n), params["initial_trust"])
        np.fill_diagonal(trust, 1.0)
        zeros = np.zeros(n)
        return cls(
            names=tuple(s.name for s in specs),
            sectors=tuple(s.sector for s in specs),
            essential=np.array([s.essential for s in specs]),
            ideals=ideals,
            salience=np.array([s.salience for s in specs]),
            power=shaped_power(raw_power, params["power_asymmetry"], params["asymmetry_spread"]),
            resource_profile=raw_power / raw_power.sum(axis=1, keepdims=True),
            capacity=np.array([s.capacity for s in specs]),
            outside_base=outside,
            market_beta=np.array([MARKET_SENSITIVITY[s.sector] for s in specs]),
            trust=trust,
            beliefs=beliefs,
            **draw_traits(params, n, rng),
            active=np.ones(n),
            goal_distance=goal_distances(ideals),
            satisfaction=np.full(n, 0.5),
            aspiration=outside.copy(),
            disappointment=zeros.copy(),
            intent=zeros.copy(),
            contribution=zeros.copy(),
            payoff=zeros.copy(),
            received=zeros.copy(),
            cum_received=zeros.copy(),
            cum_payoff=zeros.copy(),
            cum_outside=zeros.copy(),
            cum_mission=zeros.copy(),
        )

    def __post_init__(self) -> None:
        #: How many partners are still in (kept with ``active``, read every month).
        self.n_active = float(self.active.sum())

    def __len__(self) -> int:
        return len(self.names)

    def leave(self, i: int) -> None:
        """Partner ``i`` leaves the alliance: it contributes nothing from now on."""
        self.active[i] = 0.0
        self.contribution[i] = 0.0
        self.n_active = float(self.active.sum())

    @property
    def members(self) -> np.ndarray:
        """Boolean mask of the partners still in the alliance."""
        return self.active > 0

    def outside_options(self, market: float) -> np.ndarray:
        """What each partner would get per month elsewhere, given the market."""
        return outside_options(self.outside_base, self.market_beta, market)

    def move_ideals_toward(self, target: np.ndarray, share: float) -> None:
        """Move every ideal point ``share`` of the way to ``target`` (joint sense-making).

        Pairwise differences all shrink by the factor ``1 - share``, so goal distances are
        rescaled instead of recomputed; a convex combination of points in [0, 1] stays there.
        """
        self.ideals, self.goal_distance = moved_toward(
            self.ideals, self.goal_distance, target, share
        )

    def set_ideals(self, ideals: np.ndarray) -> None:
        """Replace ideal points (alignment, elections) and keep goal distances consistent."""
        self.ideals = np.minimum(np.maximum(ideals, 0.0), 1.0)
        self.goal_distance = goal_distances(self.ideals)
