"""Global sensitivity analysis of sampled designs: Sobol indices and Morris elementary effects.

SALib does the estimation. Replications of a design point are averaged first, so
the indices describe the expected outcome and not the seed noise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def point_means(runs: pd.DataFrame, outcome: str) -> pd.Series:
    """Mean outcome per design point, in point order (the order SALib sampled them in)."""
    ok = runs[runs["status"] == "ok"]
    return ok.groupby("point_id")[outcome].apply(lambda s: s.astype(float).mean()).sort_index()


def sobol_indices(problem: dict[str, Any], runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """First-order and total Sobol indices with their 95% intervals (Saltelli 2002; Jansen 1999)."""
    from SALib.analyze import sobol

    y = point_means(runs, outcome).to_numpy()
    result = sobol.analyze(
        problem, y, calc_second_order=False, print_to_console=False, seed=20261126
    )
    return pd.DataFrame(
        {
            "factor": problem["names"],
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
            "outcome": outcome,
        }
    )


def morris_effects(
    problem: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame, outcome: str, levels: int
) -> pd.DataFrame:
    """Morris elementary effects: mu* (importance) with its interval, and sigma (interactions)."""
    from SALib.analyze import morris

    x = design[[f"u_{name}" for name in problem["names"]]].to_numpy()
    y = point_means(runs, outcome).reindex(design["point_id"]).to_numpy()
    result = morris.analyze(problem, x, y, num_levels=levels, print_to_console=False, seed=20261126)
    return pd.DataFrame(
        {
            "factor": problem["names"],
            "mu_star": np.asarray(result["mu_star"]),
            "mu_star_conf": np.asarray(result["mu_star_conf"]),
            "sigma": np.asarray(result["sigma"]),
            "outcome": outcome,
        }
    )


def switch_effects(
    problem: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame, factor: str, outcome: str
) -> pd.DataFrame:
    """The effect of switching ``factor`` alone, at otherwise identical points, from a Sobol design.

    In a Saltelli block (A, AB_1 .. AB_D, B; SALib without second order) the point AB_j differs
    from A in factor j only, and the runner gives the block common random numbers, so
    ``outcome(AB_j) - outcome(A)`` is the effect of that switch with every other factor and
    the seed held fixed. Returns one row per block in which the switch changed the factor's
    value: the value at A and at AB_j, the outcome at both, their difference, and A's values
    of every other factor (to see where the effect changes sign).
    """
    d = problem["num_vars"]
    j = problem["names"].index(factor)
    y = point_means(runs, outcome)
    points = design.set_index("point_id")
    rows = []
    for block in range(len(points) // (d + 2)):
        a, ab = block * (d + 2), block * (d + 2) + 1 + j
        if a not in y.index or ab not in y.index or points.at[a, factor] == points.at[ab, factor]:
            continue
        row = {name: points.at[a, name] for name in problem["names"] if name != factor}
        row.update(
            {
                "block": block,
                f"{factor}_from": points.at[a, factor],
                f"{factor}_to": points.at[ab, factor],
                "outcome": outcome,
                "before": y[a],
                "after": y[ab],
                "effect": y[ab] - y[a],
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)
