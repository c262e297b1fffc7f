"""Calibration: which values of the free parameters reproduce the target pattern in every scenario.

The target (pattern 1 in docs/ODD.md): without a manager, 30-60% of alliances dissolve within
the horizon. A candidate's loss is how far its worst scenario falls outside the inner band
[0.35, 0.55] (zero inside it, so sampling noise near the edges of 30-60% is not rewarded);
ties are broken by the mean distance from 0.45.
"""

from __future__ import annotations

import pandas as pd

TARGET = (0.30, 0.60)
INNER = (0.35, 0.55)
PARAMETERS = ["productivity", "exit_threshold"]


def dissolution_by_candidate(
    runs: pd.DataFrame, parameters: list[str] = PARAMETERS
) -> pd.DataFrame:
    """Share dissolved per candidate (rows) and scenario (columns)."""
    ok = runs[runs["status"] == "ok"]
    return ok.pivot_table(
        index=parameters,
        columns="scenario",
        values="dissolved",
        aggfunc=lambda s: s.astype(float).mean(),
    )


def rank_candidates(runs: pd.DataFrame, parameters: list[str] = PARAMETERS) -> pd.DataFrame:
    """Candidates ordered from best to worst, with their loss and whether all scenarios hit 30-60%."""
    table = dissolution_by_candidate(runs, parameters)
    below = (INNER[0] - table).clip(lower=0)
    above = (table - INNER[1]).clip(lower=0)
    table["loss"] = (below + above).max(axis=1)
    shares = table.drop(columns="loss")
    table["mean_distance"] = (shares - 0.45).abs().mean(axis=1)
    table["all_in_target"] = ((shares >= TARGET[0]) & (shares <= TARGET[1])).all(axis=1)
    return table.sort_values(["loss", "mean_distance"]).reset_index()
