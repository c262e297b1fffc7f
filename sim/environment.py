"""The shifting context: where joint value lies, which power base counts, the market.

Every map of the situation is out of date the moment it is drawn (Kaats & Van
Wendel de Joode 2016). The context drifts as a mean-reverting (Ornstein-Uhlenbeck)
process and is hit by rare shocks; turbulence scales both. A shock also tilts the
salience of one power base (a crisis favours formal authority, a boom money), so
who effectively steers changes while nobody decides it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.vocabulary import POWER_BASES

#: Monthly pull back toward the context's long-run position (half-life about three years).
CONTEXT_REVERSION = 0.02
#: Monthly standard deviation of context drift at full turbulence, in issue-space units.
CONTEXT_DRIFT = 0.04
#: Standard deviation of the jump a shock gives the context on each issue.
CONTEXT_SHOCK = 0.25
#: Monthly reversion and noise of the log-salience of power bases.
SALIENCE_REVERSION = 0.05
SALIENCE_DRIFT = 0.15
#: How much a shock raises the log-salience of the power base it favours.
SALIENCE_SHOCK = 1.0
#: Monthly reversion and noise of the market index that moves outside options.
MARKET_REVERSION = 0.05
MARKET_DRIFT = 0.08

#: Kinds of shock: the power base each favours and its push on the market index.
SHOCKS: dict[str, tuple[str, float]] = {
    "crisis": ("authority", -0.5),
    "boom": ("resources", 0.5),
    "innovation": ("expertise", 0.2),
    "legitimacy": ("network", -0.2),
}
_SHOCK_KINDS = tuple(SHOCKS)


def mean_reverting_step(x: np.ndarray | float, home: np.ndarray | float, reversion: float,
                        sd: float, noise: np.ndarray | float) -> np.ndarray | float:
    """One Euler step of an Ornstein-Uhlenbeck process with standard-normal ``noise``."""
    return x + reversion * (home - x) + sd * noise


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max())
    return e / e.sum()


@dataclass
class Environment:
    """The context an alliance works in; the model owns one and moves it each month.

    Attributes:
        context_home: long-run position of joint value in issue space, in [0, 1]^K.
        context: where joint value lies now.
        log_salience_home: long-run log weights of the power bases.
        salience_shift: current deviation of the log weights.
        market: market index (0 = normal); outside options follow it by sector.
        turbulence: 0..1, scales drift and shock frequency.
        shock_rate: shocks per year at full turbulence.
    """

    context_home: np.ndarray
    context: np.ndarray
    log_salience_home: np.ndarray
    salience_shift: np.ndarray
    turbulence: float
    shock_rate: float
    market: float = 0.0
    shocks: int = 0

    @classmethod
    def create(cls, context: tuple[float, ...], power_salience: tuple[float, ...],
               turbulence: float, shock_rate: float) -> Environment:
        home = np.array(context, dtype=float)
        salience = np.array(power_salience, dtype=float)
        return cls(
            context_home=home, context=home.copy(),
            log_salience_home=np.log(salience / salience.sum() + 1e-9),
            salience_shift=np.zeros(len(POWER_BASES)),
            turbulence=turbulence, shock_rate=shock_rate,
        )

    @property
    def power_salience(self) -> np.ndarray:
        """Current weight of each power base (sums to 1)."""
        return softmax(self.log_salience_home + self.salience_shift)

    def advance(self, rng: np.random.Generator) -> str | None:
        """Move the context one month; return the kind of shock that hit, if any."""
        k = len(self.context)
        noise = rng.standard_normal(k + len(POWER_BASES) + 1)
        t = self.turbulence
        self.context = np.minimum(np.maximum(
            mean_reverting_step(self.context, self.context_home, CONTEXT_REVERSION,
                                CONTEXT_DRIFT * t, noise[:k]), 0.0), 1.0)
        self.salience_shift = mean_reverting_step(
            self.salience_shift, 0.0, SALIENCE_REVERSION, SALIENCE_DRIFT * t, noise[k:-1])
        self.market = float(mean_reverting_step(self.market, 0.0, MARKET_REVERSION,
                                                MARKET_DRIFT * t, noise[-1]))
        if rng.random() >= t * self.shock_rate / 12.0:
            return None
        return self._shock(rng)

    def _shock(self, rng: np.random.Generator) -> str:
        kind = _SHOCK_KINDS[rng.integers(len(_SHOCK_KINDS))]
        base, market_push = SHOCKS[kind]
        self.context = np.clip(self.context + rng.normal(0.0, CONTEXT_SHOCK, len(self.context)), 0.0, 1.0)
        self.salience_shift[POWER_BASES.index(base)] += SALIENCE_SHOCK
        self.market += market_push
        self.shocks += 1
        return kind
