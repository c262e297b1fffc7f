"""Robust decisions under an uncertain future: how each design fares across futures.

For each design (a combination of the levers a policy maker controls) and each
future (a combination of uncertainties nobody controls): the mean outcome. Per
design: the mean over futures, the worst decile over all its runs, and the
maximum regret, i.e. how far it falls short of the best design in the future
where that shortfall is largest (Savage 1951; Lempert, Popper & Bankes 2003).
"""

from __future__ import annotations

import pandas as pd


def robustness_table(
    runs: pd.DataFrame, levers: list[str], uncertainties: list[str], outcome: str
) -> pd.DataFrame:
    """One row per design: mean, worst decile, maximum regret and the future where it occurs."""
    ok = runs[runs["status"] == "ok"].copy()
    ok[outcome] = ok[outcome].astype(float)
    ok["design"] = ok[levers].astype(str).agg(" | ".join, axis=1)
    ok["future"] = ok[uncertainties].astype(str).agg(" | ".join, axis=1) if uncertainties else "all"
    cell = ok.groupby(["design", "future"])[outcome].mean().unstack("future")
    regret = cell.max(axis=0) - cell
    table = pd.DataFrame(
        {
            "mean": cell.mean(axis=1),
            "worst_decile": ok.groupby("design")[outcome].quantile(0.1),
            "max_regret": regret.max(axis=1),
            "worst_future": regret.idxmax(axis=1),
        }
    )
    table.index.name = "design (" + " | ".join(levers) + ")"
    return table.sort_values(["max_regret", "mean"], ascending=[True, False]).reset_index()
