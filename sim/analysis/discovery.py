"""Scenario discovery: which combinations of factors lead to short-lived or low-value alliances.

A shallow decision tree (scikit-learn) over the factors separates the runs that
ended badly from the rest; its leaves read as rules ("turbulence > 0.45 and no
manager"), in the spirit of PRIM-based scenario discovery (Bryant & Lempert 2010)
but with a maintained library.
"""

from __future__ import annotations

import pandas as pd


def discover(
    runs: pd.DataFrame, factors: list[str], bad: pd.Series, label: str, max_depth: int = 3
) -> dict:
    """Rules that separate ``bad`` runs from the others, and each factor's importance.

    Besides the rules, how good they are: ``accuracy`` (share of runs the tree classifies
    right), ``coverage`` (share of the bad runs that fall in leaves labelled bad) and
    ``density`` (share of the runs in those leaves that are bad), the measures PRIM
    reports, so the two can be compared.
    """
    from sklearn.tree import DecisionTreeClassifier, export_text

    features = pd.get_dummies(
        runs[factors].astype({f: "object" for f in factors if runs[f].dtype == object}), dtype=float
    )
    if bad.nunique() < 2 or features.empty:
        return {
            "label": label,
            "share": float(bad.mean()),
            "rules": "(nothing to separate)",
            "importance": pd.DataFrame(columns=["feature", "importance"]),
        }
    tree = DecisionTreeClassifier(
        max_depth=max_depth,
        min_samples_leaf=max(5, len(runs) // 50),
        random_state=0,
        class_weight="balanced",
    )
    tree.fit(features, bad.astype(int))
    importance = (
        pd.DataFrame({"feature": features.columns, "importance": tree.feature_importances_})
        .sort_values("importance", ascending=False)
        .query("importance > 0")
    )
    rules = export_text(tree, feature_names=list(features.columns), class_names=["other", label])
    flagged = tree.predict(features).astype(bool)
    cases = bad.to_numpy(dtype=bool)
    return {
        "label": label,
        "share": float(bad.mean()),
        "rules": rules,
        "importance": importance,
        "accuracy": float((flagged == cases).mean()),
        "coverage": float((flagged & cases).sum() / max(cases.sum(), 1)),
        "density": float((flagged & cases).sum() / flagged.sum())
        if flagged.any()
        else float("nan"),
    }
