"""The manager game's rule check: does pulling one lever whenever the rules allow beat the built-in manager?

    .venv/bin/python benchmarks/manager_game.py [SEEDS] [SCENARIO ...]

For each lever (and for pulling nothing), over whole runs: mean value created by the
player's alliance and by the built-in manager's twin (same scenario, knobs and seed), and
the share of seeds in which the player's value is higher. docs/trainers.md quotes it.
"""

from __future__ import annotations

import sys

import numpy as np
from tqdm import tqdm

from sim.config.vocabulary import INTERVENTIONS
from sim.dashboard.app import GAME_SCENARIO
from sim.dashboard.play import PlayedAlliance


def play(scenario: str, seed: int, lever: str | None) -> tuple[float, float]:
    game = PlayedAlliance(scenario, seed)
    while game.model.running:
        if lever is not None:
            game.choose(lever)
        game.next_month()
    while game.builtin.running:
        game.builtin.step()
    return float(game.model.total_value), float(game.builtin.total_value)


def main(seeds: int, scenarios: list[str]) -> None:
    for scenario in scenarios:
        print(f"\n{scenario}, {seeds} seeds, whole runs")
        for lever in tqdm([*INTERVENTIONS, None], desc=scenario, file=sys.stderr):
            results = np.array([play(scenario, seed, lever) for seed in range(seeds)])
            you, builtin = results[:, 0], results[:, 1]
            print(
                f"  {lever or 'nothing':15s} player {you.mean():6.0f}  built-in {builtin.mean():6.0f}  "
                f"player wins {np.mean(you > builtin):.0%} of seeds"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30, sys.argv[2:] or [GAME_SCENARIO])
