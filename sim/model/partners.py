"""The partners' state as arrays, one row per organisation.

Partner-by-partner quantities (trust, goals, power) live in numpy arrays so a
month costs a handful of vector operations whatever the number of partners;
the :class:`sim.model.agents.Organisation` agents are named views onto their row.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.scenario import PartnerSpec
from sim.config.vocabulary import MARKET_SENSITIVITY
from sim.model.compiled import Row, compiled
from sim.model.trust import learning_rates


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
def move_toward(
    ideals: np.ndarray, goal_distance: np.ndarray, target: np.ndarray, share: float
) -> None:
    """Move ideal points ``share`` of the way to ``target`` and shrink the goal distances
    between them by the factor ``1 - share``, in place (the partners' own rows)."""
    n, k = ideals.shape
    for i in range(n):
        for j in range(k):
            ideals[i, j] = ideals[i, j] + share * (target[j] - ideals[i, j])
        for j in range(n):
            goal_distance[i, j] = goal_distance[i, j] * (1.0 - share)


#: What a month updates for each partner, one row each of :attr:`Partners.ledger` (the
#: compiled month takes the whole ledger as one array; its rows are read by these numbers).
LEDGER: tuple[str, ...] = (
    "active",
    "intent",
    "contribution",
    "previous_contribution",
    "received",
    "mission",
    "payoff",
    "satisfaction",
    "aspiration",
    "disappointment",
    "cum_received",
    "cum_payoff",
    "cum_outside",
    "cum_mission",
    "weight",
    "outside_option",
)
(
    ACTIVE,
    INTENT,
    CONTRIBUTION,
    PREVIOUS_CONTRIBUTION,
    RECEIVED,
    MISSION,
    PAYOFF,
    SATISFACTION,
    ASPIRATION,
    DISAPPOINTMENT,
    CUM_RECEIVED,
    CUM_PAYOFF,
    CUM_OUTSIDE,
    CUM_MISSION,
    WEIGHT,
    OUTSIDE_OPTION,
) = range(len(LEDGER))

#: The partners' points in issue space, one layer (partner by issue) each of
#: :attr:`Partners.issues`: their ideal points, the salience of each issue to them, and their
#: beliefs about where joint value lies.
ISSUES: tuple[str, ...] = ("ideals", "salience", "beliefs")
IDEALS, SALIENCE, BELIEFS = range(len(ISSUES))

#: Each partner's relation to each other partner, one layer (partner by partner) each of
#: :attr:`Partners.relations`: trust, the distance between their goals, and trust's learning
#: rates as used (see :func:`sim.model.trust.learning_rates`; the same rate along a row).
RELATIONS: tuple[str, ...] = ("trust", "goal_distance", "trust_up", "trust_down")
TRUST, GOAL_DISTANCE, TRUST_UP, TRUST_DOWN = range(len(RELATIONS))

#: Each partner's holdings of the power bases, one layer (partner by base) each of
#: :attr:`Partners.bases`: its power in each, and which kind of resource it brings (its power
#: bases as shares of its total).
BASES: tuple[str, ...] = ("power", "resource_profile")
POWER, RESOURCE_PROFILE = range(len(BASES))

#: What stays fixed for each partner through a run and a month reads, one row each of
#: :attr:`Partners.profile`.
PROFILE: tuple[str, ...] = (
    "capacity",
    "outside_base",
    "market_beta",
    "temptation",
    "aspiration_rate",
    "trust_build_rate",
)
CAPACITY, OUTSIDE_BASE, MARKET_BETA, TEMPTATION, ASPIRATION_RATE, TRUST_BUILD_RATE = range(
    len(PROFILE)
)


@dataclass(frozen=True)
class Lineup:
    """What a run's partners are before chance: their specs shaped by the knobs
    (``goal_diversity``, ``power_asymmetry``, ``asymmetry_spread``). The arrays are read-only;
    :meth:`Partners.from_specs` copies them into the run's own tables."""

    names: tuple[str, ...]
    sectors: tuple[str, ...]
    essential: np.ndarray
    ideals: np.ndarray
    salience: np.ndarray
    power: np.ndarray
    resource_profile: np.ndarray
    goal_distance: np.ndarray
    capacity: np.ndarray
    outside_base: np.ndarray
    market_beta: np.ndarray


def lineup_of(
    specs: tuple[PartnerSpec, ...],
    goal_diversity: float,
    power_asymmetry: float,
    asymmetry_spread: float,
) -> Lineup:
    """The lineup of ``specs`` under the knobs: ideal points, power, goal distances and the
    partners' fixed figures."""
    ideals = ideal_points(np.array([s.stance for s in specs]), goal_diversity)
    raw_power = np.array([s.power for s in specs], dtype=float)
    raw_power = np.where(raw_power.sum(axis=1, keepdims=True) > 0, raw_power, 1.0)
    lineup = Lineup(
        names=tuple(s.name for s in specs),
        sectors=tuple(s.sector for s in specs),
        essential=np.array([s.essential for s in specs]),
        ideals=ideals,
        salience=np.array([s.salience for s in specs], dtype=float),
        power=shaped_power(raw_power, power_asymmetry, asymmetry_spread),
        resource_profile=raw_power / raw_power.sum(axis=1, keepdims=True),
        goal_distance=goal_distances(ideals),
        capacity=np.array([s.capacity for s in specs], dtype=float),
        outside_base=np.array([s.outside_option for s in specs], dtype=float),
        market_beta=np.array([MARKET_SENSITIVITY[s.sector] for s in specs], dtype=float),
    )
    for value in vars(lineup).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return lineup


#: A scenario's listed partners are the same specs in every run of a sweep: their lineup under
#: a design point's knobs is worked out once per process.
listed_lineup = functools.lru_cache(maxsize=64)(lineup_of)


def _ledger_row(index: int, doc: str) -> Any:
    return Row("ledger", index, doc)


def _profile_row(index: int, doc: str) -> Any:
    return Row("profile", index, doc)


@dataclass
class Partners:
    """Everything the model tracks per partner. Inactive rows are partners that left.

    The vectors a month reads and updates are rows of two arrays, :attr:`ledger` (what
    changes: :data:`LEDGER`) and :attr:`profile` (what does not: :data:`PROFILE`); their
    points in issue space, their relations to one another and their power bases are the
    layers of three more, :attr:`issues`, :attr:`relations` and :attr:`bases` (:data:`ISSUES`,
    :data:`RELATIONS`, :data:`BASES`), so that the compiled month takes each as one argument;
    each row or layer is also an attribute by its name.
    """

    names: tuple[str, ...]
    sectors: tuple[str, ...]
    essential: np.ndarray
    #: One layer (partner by base) per name in :data:`BASES`.
    bases: np.ndarray
    #: One layer (partner by partner) per name in :data:`RELATIONS`.
    relations: np.ndarray
    #: One layer (partner by issue) per name in :data:`ISSUES`.
    issues: np.ndarray
    #: Behavioural traits per partner that a month does not read (see :data:`TRAITS`).
    exit_threshold: np.ndarray
    trust_break_rate: np.ndarray
    #: One row per name in :data:`LEDGER`, one column per partner.
    ledger: np.ndarray
    #: One row per name in :data:`PROFILE`, one column per partner.
    profile: np.ndarray

    power = Row("bases", POWER, "Each partner's power in each base.")
    resource_profile = Row(
        "bases", RESOURCE_PROFILE, "Which kind of resource each partner brings (sums to 1)."
    )
    trust = Row("relations", TRUST, "Each partner's trust (row) in each other (column), in [0, 1].")
    goal_distance = Row(
        "relations", GOAL_DISTANCE, "Root-mean-square distance between two partners' ideals."
    )
    trust_up = Row("relations", TRUST_UP, "How fast each partner (row) builds trust.")
    trust_down = Row("relations", TRUST_DOWN, "How fast each partner (row) loses trust.")
    ideals = Row("issues", IDEALS, "Each partner's ideal point in issue space, in [0, 1].")
    salience = Row(
        "issues", SALIENCE, "How much each issue matters to each partner (rows sum to 1)."
    )
    beliefs = Row(
        "issues",
        BELIEFS,
        "Where each partner believes joint value lies (a noisy, late reading of the context; "
        "the model's month updates it in place, as it does the ledger).",
    )
    #: 1.0 while the partner is in the alliance, 0.0 after it left (a weight, for speed).
    active = _ledger_row(ACTIVE, "1.0 while the partner is in, 0.0 after it left.")
    intent = _ledger_row(INTENT, "What the partner would like to contribute this month.")
    contribution = _ledger_row(CONTRIBUTION, "What it contributes (a fraction of capacity).")
    previous_contribution = _ledger_row(PREVIOUS_CONTRIBUTION, "Its contribution a month ago.")
    received = _ledger_row(RECEIVED, "Its share of the value this month.")
    mission = _ledger_row(MISSION, "The mission value it got this month.")
    payoff = _ledger_row(PAYOFF, "Net value to it this month.")
    satisfaction = _ledger_row(SATISFACTION, "Its satisfaction, in [0, 1].")
    aspiration = _ledger_row(ASPIRATION, "The payoff it aspires to.")
    disappointment = _ledger_row(DISAPPOINTMENT, "Its record of disappointment.")
    cum_received = _ledger_row(CUM_RECEIVED, "Value received over the run.")
    cum_payoff = _ledger_row(CUM_PAYOFF, "Payoff over the run.")
    cum_outside = _ledger_row(CUM_OUTSIDE, "Outside options forgone over the run.")
    cum_mission = _ledger_row(CUM_MISSION, "Mission value over the run.")
    weight = _ledger_row(
        WEIGHT, "Its bargaining weight this month (effective power, balanced and tilted)."
    )
    outside_option = _ledger_row(OUTSIDE_OPTION, "What it would get elsewhere this month.")
    capacity = _profile_row(CAPACITY, "What it can contribute at most.")
    outside_base = _profile_row(OUTSIDE_BASE, "Its outside option in a normal market.")
    market_beta = _profile_row(MARKET_BETA, "How its outside option follows the market.")
    temptation = _profile_row(TEMPTATION, "Its temptation to free-ride (a trait).")
    aspiration_rate = _profile_row(ASPIRATION_RATE, "How fast its aspiration adapts (a trait).")
    trust_build_rate = _profile_row(TRUST_BUILD_RATE, "How fast it builds trust (a trait).")

    @classmethod
    def from_specs(
        cls,
        specs: tuple[PartnerSpec, ...],
        params: Mapping[str, Any],
        beliefs: np.ndarray,
        rng: np.random.Generator,
        listed: bool = False,
    ) -> Partners:
        """The partners of one run: the scenario's specs shaped by the knobs, traits drawn by
        ``rng``. ``listed``: the specs are a scenario's listed partners, the same object in
        every run, so what they fix is worked out once (:func:`listed_lineup`)."""
        n = len(specs)
        lineup = (listed_lineup if listed else lineup_of)(
            specs, params["goal_diversity"], params["power_asymmetry"], params["asymmetry_spread"]
        )
        traits = draw_traits(params, n, rng)
        ledger = np.zeros((len(LEDGER), n))
        ledger[ACTIVE] = 1.0
        ledger[SATISFACTION] = 0.5
        ledger[ASPIRATION] = lineup.outside_base
        profile = np.empty((len(PROFILE), n))
        profile[CAPACITY] = lineup.capacity
        profile[OUTSIDE_BASE] = lineup.outside_base
        profile[MARKET_BETA] = lineup.market_beta
        for name in ("temptation", "aspiration_rate", "trust_build_rate"):
            profile[PROFILE.index(name)] = traits[name]
        issues = np.empty((len(ISSUES), *lineup.ideals.shape))
        issues[IDEALS], issues[SALIENCE], issues[BELIEFS] = lineup.ideals, lineup.salience, beliefs
        bases = np.empty((len(BASES), *lineup.power.shape))
        bases[POWER], bases[RESOURCE_PROFILE] = lineup.power, lineup.resource_profile
        relations = np.empty((len(RELATIONS), n, n))
        relations[TRUST] = params["initial_trust"]
        np.fill_diagonal(relations[TRUST], 1.0)
        relations[GOAL_DISTANCE] = lineup.goal_distance
        # A rate per observer: the same along each row.
        relations[TRUST_UP] = learning_rates(traits["trust_build_rate"])
        relations[TRUST_DOWN] = learning_rates(traits["trust_break_rate"])
        return cls(
            names=lineup.names,
            sectors=lineup.sectors,
            essential=lineup.essential.copy(),
            issues=issues,
            bases=bases,
            relations=relations,
            exit_threshold=traits["exit_threshold"],
            trust_break_rate=traits["trust_break_rate"],
            ledger=ledger,
            profile=profile,
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
        move_toward(self.ideals, self.goal_distance, target, share)

    def set_ideals(self, ideals: np.ndarray) -> None:
        """Replace ideal points (alignment, elections) and keep goal distances consistent."""
        clipped = np.minimum(np.maximum(ideals, 0.0), 1.0)
        self.ideals = clipped
        self.goal_distance = goal_distances(clipped)
