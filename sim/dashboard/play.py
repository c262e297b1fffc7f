"""Play the manager: a person chooses the manager's interventions each month.

The person's alliance has an independent manager that never acts on its own (no
permitted levers), so every intervention is the person's choice. Beside it runs a
twin: the same scenario, knobs and seed with the built-in responsive manager,
stepped month by month with the person's alliance, so the page can show both
managers' choices and results side by side.

Rules of the game (they live here, not in the model):

- capacity: each month the manager has ``manager_capacity`` times a share that grows
  with its backing (``unbacked_capacity`` without backing, all of it with full
  backing); each lever costs its ``cost_<lever>`` knob;
- each lever at most once a month;
- wear: a lever pulled in the month before costs ``WEAR`` times as much again for
  each month in a row it has been pulled (partners tire of the same trick), so no
  single lever can be pulled every month. Checked by simulation in tests/test_dashboard.py:
  pulling one lever whenever the rules allow does not beat the built-in manager.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.vocabulary import INTERVENTIONS
from sim.model import AllianceModel
from sim.model.agents import AllianceManager
from sim.model.interventions import LEVERS

#: Extra cost factor per month in a row a lever has been pulled.
WEAR = 2.0


@dataclass
class Month:
    """One month of the game: what each manager did and where each alliance stood after it."""

    month: int
    yours: tuple[str, ...]
    builtin: tuple[str, ...]
    value_yours: float
    value_builtin: float
    trust_yours: float
    trust_builtin: float


@dataclass
class PlayedAlliance:
    """An alliance whose manager is played by a person, with the built-in manager's twin."""

    scenario: str
    seed: int
    knobs: dict[str, Any] = field(default_factory=dict)
    choices: list[tuple[int, str]] = field(default_factory=list)
    history: list[Month] = field(default_factory=list)

    def __post_init__(self) -> None:
        knobs = {k: v for k, v in self.knobs.items() if k not in ("manager", "interventions")}
        self.model = AllianceModel(
            self.scenario, rng=self.seed, manager="independent", interventions=(), **knobs
        )
        self.builtin = AllianceModel(
            self.scenario, rng=self.seed, manager="independent", collect=False, **knobs
        )
        # Month 0 follows the rule of every later month (the model only sets capacity when
        # the manager acts, at the end of a month; before that it would be the full capacity).
        self._manager.capacity_left = self.usable_capacity()
        self._pulled_now: list[str] = []
        self._builtin_now: tuple[str, ...] = ()
        self._streak = dict.fromkeys(INTERVENTIONS, 0)

    @property
    def _manager(self) -> AllianceManager:
        """The model's alliance manager: the game always plays with an independent one."""
        manager = self.model.manager
        assert manager is not None
        return manager

    @property
    def capacity(self) -> float:
        """The manager's full capacity per month (the ``manager_capacity`` knob)."""
        return self._manager.capacity

    @property
    def capacity_left(self) -> float:
        return self._manager.capacity_left

    @property
    def backing(self) -> float:
        """The manager's backing (for an independent manager, its acceptance by the partners).

        An independent manager's backing is its legitimacy from the first month on (the
        model's mandate only takes that value once the manager has acted)."""
        manager = self._manager
        return manager.legitimacy if manager.home is None else manager.mandate

    def usable_capacity(self) -> float:
        """This month's capacity: the full capacity scaled by backing (see the module's rules)."""
        floor = self.model.params["unbacked_capacity"]
        return self.capacity * (floor + (1.0 - floor) * self.backing)

    def cost(self, lever: str) -> float:
        """Capacity one use of ``lever`` costs now: its ``cost_<lever>`` knob, times the wear."""
        return LEVERS[lever].cost(self.model.params) * WEAR ** self._streak[lever]

    def used_this_month(self, lever: str) -> bool:
        return lever in self._pulled_now

    def can_choose(self, lever: str) -> bool:
        """Whether the rules allow ``lever`` now (alliance running, not yet used, affordable)."""
        return (
            self.model.running
            and lever not in self._pulled_now
            and self.cost(lever) <= self.capacity_left + 1e-12
        )

    def choose(self, lever: str) -> bool:
        """Pull ``lever`` now if the rules allow; returns whether it was applied."""
        if lever not in INTERVENTIONS:
            raise ValueError(f"unknown intervention {lever!r}; allowed: {', '.join(INTERVENTIONS)}")
        if not self.can_choose(lever):
            return False
        cost = self.cost(lever)
        self._manager.intervene(lever)
        # intervene() charged the base cost; the wear is the game's own surcharge.
        self._manager.capacity_left -= cost - LEVERS[lever].cost(self.model.params)
        self._pulled_now.append(lever)
        self.choices.append((self.model.month, lever))
        return True

    def next_month(self) -> None:
        """Let a month pass in both alliances and record what each manager did."""
        month = self.model.month
        builtin_before = len(self.builtin.events)
        self.model.step()
        self.builtin.step()
        # Both managers' choices that act on this month: the person's, made before the step,
        # and the built-in manager's, made at the end of the month before (as the model does).
        self.history.append(
            Month(
                month,
                tuple(self._pulled_now),
                self._builtin_now,
                float(self.model.value),
                float(self.builtin.value),
                _trust(self.model),
                _trust(self.builtin),
            )
        )
        for lever in INTERVENTIONS:
            self._streak[lever] = self._streak[lever] + 1 if lever in self._pulled_now else 0
        self._pulled_now = []
        self._builtin_now = tuple(
            e[2]["lever"] for e in self.builtin.events[builtin_before:] if e[1] == "intervention"
        )

    def benchmark(self) -> dict[str, dict[str, Any]]:
        """Both alliances' outcomes so far (same months, same seed)."""
        return {"you": self.model.outcomes(), "builtin": self.builtin.outcomes()}


def _trust(model: AllianceModel) -> float:
    trust = model.mean_trust
    return 0.0 if trust != trust else float(trust)
