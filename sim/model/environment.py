"""The shifting context: where joint value lies, which power base counts, the market.

Every map of the situation is out of date the moment it is drawn (Kaats & Van
Wendel de Joode 2016). The context drifts as a mean-reverting (Ornstein-Uhlenbeck)
process and is hit by rare shocks; turbulence scales both. A shock also tilts the
salience of one power base (a crisis favours formal authority, a boom money), so
who effectively steers changes while nobody decides it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import numpy as np

from sim.config.vocabulary import POWER_BASES
from sim.model.compiled import Row, compiled

#: Kinds of shock: the power base each favours and its push on the market index.
SHOCKS: dict[str, tuple[str, float]] = {
    "crisis": ("authority", -0.5),
    "boom": ("resources", 0.5),
    "innovation": ("expertise", 0.2),
    "legitimacy": ("network", -0.2),
}
_SHOCK_KINDS = tuple(SHOCKS)

#: The context's vectors, one row each of :attr:`Environment.table` (the compiled month takes
#: the whole table as one array; its rows are read by these numbers): the state, where it
#: reverts to, how fast, how much it drifts, and this month's noise and shock.
TABLE: tuple[str, ...] = ("state", "home", "reversion", "drift", "noise", "shock")
STATE, HOME, REVERSION, DRIFT, NOISE, SHOCK = range(len(TABLE))


@overload
def mean_reverting_step(
    x: np.ndarray,
    home: np.ndarray | float,
    reversion: np.ndarray | float,
    sd: np.ndarray | float,
    noise: np.ndarray | float,
) -> np.ndarray: ...


@overload
def mean_reverting_step(
    x: float, home: float, reversion: float, sd: float, noise: float
) -> float: ...


@overload
def mean_reverting_step(
    x: np.ndarray | float,
    home: np.ndarray | float,
    reversion: np.ndarray | float,
    sd: np.ndarray | float,
    noise: np.ndarray | float,
) -> np.ndarray | float: ...


@compiled
def mean_reverting_step(
    x: np.ndarray | float,
    home: np.ndarray | float,
    reversion: np.ndarray | float,
    sd: np.ndarray | float,
    noise: np.ndarray | float,
) -> np.ndarray | float:
    """One Euler step of an Ornstein-Uhlenbeck process with standard-normal ``noise``."""
    return x + reversion * (home - x) + sd * noise


@compiled
def moved(
    state: np.ndarray,
    home: np.ndarray,
    reversion: np.ndarray,
    sd: np.ndarray,
    noise: np.ndarray,
    n_issues: int,
    shock: np.ndarray,
) -> np.ndarray:
    """The context a month later: one Ornstein-Uhlenbeck step of the whole state, with where
    joint value lies (the first ``n_issues`` entries) kept in [0, 1], then the month's
    ``shock`` added (zero when none hit; see :meth:`Environment.draw`), keeping it there."""
    state = mean_reverting_step(state, home, reversion, sd, noise)
    state[:n_issues] = np.minimum(np.maximum(state[:n_issues], 0.0), 1.0)
    if shock.any():
        context = state[:n_issues]
        context += shock[:n_issues]
        context[:] = np.minimum(np.maximum(context, 0.0), 1.0)
        state[n_issues:] += shock[n_issues:]
    return state


@compiled
def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max())
    return e / e.sum()


class Environment:
    """The context an alliance works in; the model owns one and moves it each month.

    The state is one vector, so a month is a single Ornstein-Uhlenbeck step:
    where joint value lies in issue space (K entries, kept in [0, 1]), the
    deviation of each power base's log-salience from its long-run level (4),
    and the market index that moves outside options (1).

    Args:
        context: long-run position of joint value in issue space, in [0, 1]^K.
        power_salience: long-run weight of each power base.
        params: the resolved parameters: ``turbulence`` (0..1, scales drift and shock
            frequency), ``shock_rate`` (shocks per year at full turbulence) and the
            context constants (``context_reversion``, ``context_drift``, ``context_shock``,
            ``salience_drift``, ``salience_shock``, ``market_drift``).
    """

    def __init__(
        self,
        context: tuple[float, ...],
        power_salience: tuple[float, ...],
        params: Mapping[str, Any],
    ) -> None:
        k = len(context)
        turbulence = params["turbulence"]
        self.n_issues = k
        self.turbulence = turbulence
        self.shocks = 0
        self.context_shock = params["context_shock"]
        self.salience_shock = params["salience_shock"]
        n_bases = len(POWER_BASES)
        self.table = np.zeros((len(TABLE), k + n_bases + 1))
        self.home = np.concatenate([context, np.zeros(n_bases + 1)])
        self.state = self.home
        self.reversion = np.array(
            [params["context_reversion"]] * k
            + [params["salience_reversion"]] * n_bases
            + [params["market_reversion"]]
        )
        self.drift = turbulence * np.array(
            [params["context_drift"]] * k
            + [params["salience_drift"]] * n_bases
            + [params["market_drift"]]
        )
        salience = np.array(power_salience, dtype=float)
        self.log_salience_home = np.log(salience / salience.sum() + 1e-9)
        self.shock_probability = turbulence * params["shock_rate"] / 12.0
        self._power_salience: np.ndarray | None = None
        self._shocked = False  # whether the shock row holds a shock (else it is all zero)

    state = Row(
        "table",
        STATE,
        "The state: where joint value lies, the power bases' "
        "log-salience shifts and the market index.",
    )
    home = Row("table", HOME, "The long-run level the state reverts to.")
    reversion = Row("table", REVERSION, "How fast each entry of the state reverts, per month.")
    drift = Row("table", DRIFT, "The standard deviation of each entry's monthly drift.")
    noise = Row("table", NOISE, "This month's standard-normal noise of the drift.")
    shock = Row("table", SHOCK, "This month's push of a shock on the state (zero when none).")

    @property
    def context(self) -> np.ndarray:
        """Where joint value lies now, in [0, 1] per issue (a view of the state, which the
        model's month moves in place: copy it to keep this month's)."""
        return self.state[: self.n_issues]

    @property
    def salience_shift(self) -> np.ndarray:
        return self.state[self.n_issues : -1]

    @property
    def market(self) -> float:
        """Market index (0 = normal); outside options follow it by sector."""
        return float(self.state[-1])

    @property
    def salience_logits(self) -> np.ndarray:
        """Log-weight of each power base now (up to a constant): its long-run level plus the drift."""
        return self.log_salience_home + self.salience_shift

    @property
    def power_salience(self) -> np.ndarray:
        """Current weight of each power base (sums to 1), computed once per month (in the
        model, into the same array each month: copy it to keep this month's)."""
        if self._power_salience is None:
            self._power_salience = softmax(self.salience_logits)
        return self._power_salience

    def advance(self, rng: np.random.Generator) -> str | None:
        """Move the context one month; return the kind of shock that hit, if any."""
        kind = self.draw(rng)
        self.moved_to(
            moved(
                self.state,
                self.home,
                self.reversion,
                self.drift,
                self.noise,
                self.n_issues,
                self.shock,
            ),
            kind,
        )
        return kind

    def draw(self, rng: np.random.Generator) -> str | None:
        """This month's chance, into :attr:`noise` and :attr:`shock`: the drift's
        standard-normal noise, and the push of a shock on the state (zero when none hits).
        Returns the kind of shock, if one hit."""
        rng.standard_normal(out=self.noise)
        if rng.random() >= self.shock_probability:
            if self._shocked:
                self.shock = 0.0
                self._shocked = False
            return None
        kind = _SHOCK_KINDS[rng.integers(len(_SHOCK_KINDS))]
        base, market_push = SHOCKS[kind]
        shock = np.zeros(self.state.size)
        shock[: self.n_issues] = rng.normal(0.0, self.context_shock, self.n_issues)
        shock[self.n_issues + POWER_BASES.index(base)] = self.salience_shock
        shock[-1] = market_push
        self.shock, self._shocked = shock, True
        return kind

    def moved_to(
        self,
        state: np.ndarray | None,
        kind: str | None,
        power_salience: np.ndarray | None = None,
    ) -> None:
        """Take the state a month's move has led to (see :func:`moved`; None when the month
        moved it in place), the shock that hit and, when it was computed with the move, the
        power bases' salience."""
        if state is not None:
            self.state = state
        self._power_salience = power_salience
        self.shocks += kind is not None
