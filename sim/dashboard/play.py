"""Play the manager: a person chooses the manager's intervention each month.

The person's alliance has an independent manager that never acts on its own
(no permitted levers), so every intervention is the person's choice; the same
scenario, knobs and seed with the built-in responsive manager is the yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.model.interventions import LEVERS
from sim.model import AllianceModel
from sim.config.vocabulary import INTERVENTIONS


@dataclass
class PlayedAlliance:
    """An alliance whose manager is played by a person."""

    scenario: str
    seed: int
    knobs: dict[str, Any] = field(default_factory=dict)
    choices: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.model = AllianceModel(self.scenario, rng=self.seed, manager="independent",
                                   interventions=(), **self.knobs)
        self.model.manager.capacity_left = self.model.manager.capacity

    @property
    def capacity_left(self) -> float:
        return self.model.manager.capacity_left

    def cost(self, lever: str) -> float:
        """Capacity one use of ``lever`` costs in the played alliance (its ``cost_<lever>`` knob)."""
        return LEVERS[lever].cost(self.model.params)

    def can_afford(self, lever: str) -> bool:
        return self.cost(lever) <= self.capacity_left + 1e-12

    def choose(self, lever: str) -> bool:
        """Pull ``lever`` now if capacity allows; returns whether it was applied."""
        if lever not in INTERVENTIONS:
            raise ValueError(f"unknown intervention {lever!r}; allowed: {', '.join(INTERVENTIONS)}")
        if not self.model.running or not self.can_afford(lever):
            return False
        self.model.manager.intervene(lever)
        self.choices.append((self.model.month, lever))
        return True

    def next_month(self) -> None:
        """Let a month pass (the manager's capacity is renewed for the next choice)."""
        self.model.step()

    def benchmark(self) -> dict[str, dict[str, Any]]:
        """The person's alliance so far against the built-in manager over the same months and seed."""
        builtin = AllianceModel(self.scenario, rng=self.seed, manager="independent",
                                collect=False, **self.knobs)
        while builtin.running and builtin.month < self.model.month:
            builtin.step()
        return {"you": self.model.outcomes(), "builtin": builtin.outcomes()}
