"""Exploratory analysis of a sweep: PRIM scenario discovery and feature scores.

Both answer the same question from two sides: *under which conditions* does a case of
interest (say, an alliance that ends within two years) happen? PRIM (Friedman & Fisher
1999, as implemented in the EMA Workbench, Kwakkel 2017) describes those conditions as one
box of factor ranges that a reader can say aloud; feature scores (extra-trees importance)
rank every factor by how much it tells about the case, so a reader sees what the box left
out. Both work on plain tables of factors and outcomes, so they rerun on saved results.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import types
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import numpy as np
import pandas as pd

#: The EMA Workbench silently drops a column named ``scenario`` (its own reserved name);
#: ours is a factor like any other, so columns are passed under neutral names.
_COLUMN = "x{}"


@dataclass(frozen=True)
class Box:
    """One PRIM box: the conditions under which the cases of interest concentrate.

    Attributes:
        limits: the restricted factors only; a numeric factor maps to its (low, high)
            range inside the box, a categorical one to the levels the box keeps.
        coverage: share of all cases of interest that fall inside the box.
        density: share of the box's runs that are cases of interest.
        mass: share of all runs that fall inside the box.
        dropped: for each restricted categorical factor, the levels the box leaves out
            (so that a box keeping eight of nine levels can be read as "not the ninth").
    """

    limits: dict[str, tuple[float, float] | tuple[str, ...]]
    coverage: float
    density: float
    mass: float
    dropped: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def describe(self) -> str:
        """The box in words, e.g. ``turbulence between 0.40 and 0.60 and manager is none``."""
        if not self.limits:
            return "every run (no factor is restricted)"
        parts = []
        for name, limit in self.limits.items():
            if limit and isinstance(limit[0], str):
                dropped = self.dropped.get(name, ())
                if dropped and len(dropped) < len(limit):
                    parts.append(f"{name} is not {' or '.join(dropped)}")
                else:
                    parts.append(f"{name} is {' or '.join(limit)}")
            else:
                low, high = limit
                parts.append(f"{name} between {low:.3g} and {high:.3g}")
        return " and ".join(parts)


def _as_prim_input(x: pd.DataFrame) -> pd.DataFrame:
    """The factors as the EMA Workbench's PRIM reads them: floats, ints and categories.

    Booleans and objects become categories of strings (PRIM peels categories level by
    level), numbers become floats; columns get neutral names (see ``_COLUMN``). A factor
    that is empty where it does not apply (``manager_position`` without a lead partner's
    manager) becomes a category with the level ``n/a`` there.
    """
    prepared = {}
    for i, name in enumerate(x.columns):
        column = x[name]
        if _is_categorical(column):
            prepared[_COLUMN.format(i)] = _levels(column).astype("category")
        else:  # integers too: the Workbench's integer peeling writes floats into int columns
            prepared[_COLUMN.format(i)] = column.astype(np.float64)
    return pd.DataFrame(prepared).reset_index(drop=True)


def _is_categorical(column: pd.Series) -> bool:
    """Booleans, strings, and numbers that are empty in some runs are read as levels."""
    return (
        pd.api.types.is_bool_dtype(column)
        or not pd.api.types.is_numeric_dtype(column)
        or bool(column.isna().any())
    )


def _levels(column: pd.Series) -> pd.Series:
    """A factor's values as strings, ``n/a`` where it does not apply."""
    return column.map(
        lambda v: "n/a" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
    )


def _box_limits(
    limits: pd.DataFrame, initial: pd.DataFrame, names: list[str]
) -> tuple[dict[str, tuple[float, float] | tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The restricted factors of a box under their own names, in the order of ``x``, and the
    levels it drops from each restricted categorical factor."""
    restricted: dict[str, tuple[float, float] | tuple[str, ...]] = {}
    dropped: dict[str, tuple[str, ...]] = {}
    for i, name in enumerate(names):
        column = _COLUMN.format(i)
        low, high = limits[column].iloc[0], limits[column].iloc[1]
        first, last = initial[column].iloc[0], initial[column].iloc[1]
        if isinstance(low, set):
            if low != first:
                restricted[name] = tuple(sorted(str(level) for level in low))
                dropped[name] = tuple(sorted(str(level) for level in first - low))
        elif low != first or high != last:
            restricted[name] = (float(low), float(high))
    return restricted, dropped


def _frames_without_source(frame: FrameType | None, context: int = 1) -> list[Any]:
    """``inspect.getouterframes`` without reading source files: the frames, their files, lines
    and function names, no source context (``code_context`` is None)."""
    frames = []
    while frame is not None:
        code = frame.f_code
        frames.append(
            inspect.FrameInfo(
                frame, code.co_filename, frame.f_lineno, code.co_name, None, None, positions=None
            )
        )
        frame = frame.f_back
    return frames


@contextmanager
def _cheap_outer_frames() -> Iterator[None]:
    """Import the EMA Workbench in seconds less.

    Its logging decorator (``ema_logging.method_logger``, applied to 14 methods at import)
    calls ``inspect.getouterframes`` only for the name of the calling class, but that call
    reads the source of every frame on the stack, and for every frame of the import
    machinery (``<frozen importlib._bootstrap>``, no file on disk) ``inspect.getmodule``
    scans all of ``sys.modules``: 1.5 to 5 s when pandas, scipy, matplotlib and
    scikit-learn are loaded. During that import ``getouterframes`` returns the same frames
    with their names but without source lines, which is all the decorator reads.
    """
    original = inspect.getouterframes
    inspect.getouterframes = _frames_without_source  # type: ignore[assignment]
    try:
        yield
    finally:
        inspect.getouterframes = original


@contextmanager
def _without_package_init(package: str) -> Iterator[None]:
    """Import submodules of ``package`` without running the package's ``__init__``.

    ``ema_workbench.analysis``'s ``__init__`` imports every analysis of the Workbench (CART,
    logistic regression through ``statsmodels.api``, feature scoring, plotting): 0.35 s on
    the reference machine, of which PRIM needs none. While the block runs, the package is an
    empty module with the package's path, so ``prim`` and what it imports itself load as
    they are; afterwards that module is taken out of ``sys.modules``, so that a later
    ``import ema_workbench.analysis`` runs the real ``__init__`` (which finds the submodules
    already loaded; only attribute access such as ``ema_workbench.analysis.prim`` after a
    plain ``import ema_workbench.analysis`` does not see them, ``import
    ema_workbench.analysis.prim`` does). Nothing changes when the package is already loaded.
    """
    if package in sys.modules:
        yield
        return
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        yield
        return
    bare = types.ModuleType(package)
    bare.__path__ = list(spec.submodule_search_locations)
    bare.__package__ = package
    sys.modules[package] = bare
    try:
        yield
    finally:
        if sys.modules.get(package) is bare:
            del sys.modules[package]


def _prim_class() -> Any:
    """The EMA Workbench's ``Prim`` (imported on first use, see :func:`_cheap_outer_frames`,
    and alone, see :func:`_without_package_init`)."""
    with warnings.catch_warnings(), _cheap_outer_frames():
        warnings.simplefilter("ignore")  # the Workbench warns at import about optional extras
        import ema_workbench  # noqa: F401  (the top package's __init__ runs as always)

        with _without_package_init("ema_workbench.analysis"):
            from ema_workbench.analysis.prim import Prim
    return Prim


def prim_box(
    x: pd.DataFrame, y: np.ndarray, threshold: float = 0.5, peel_alpha: float = 0.05
) -> Box | None:
    """The first PRIM box for the cases of interest ``y``, chosen on the peeling trajectory.

    PRIM peels a share ``peel_alpha`` of the runs off one side of one factor at a time,
    always the peel that raises the density most, and then pastes back what helps. Of the
    boxes along that trajectory we take the one with the highest coverage among those whose
    density reaches ``threshold`` (ties: the fewest restricted factors), the usual
    reading of the trade-off between a box that explains many cases and one that is pure.

    Args:
        x: one row per run, one column per factor (numeric, boolean or categorical).
        y: one boolean per run, True for a case of interest.
        threshold: the lowest density a box may have.
        peel_alpha: the share of runs peeled off in each step.

    Returns:
        The chosen box, or None when there are no cases of interest or no box on the
        trajectory reaches ``threshold``.
    """
    cases = np.asarray(y, dtype=bool)
    if len(cases) != len(x):
        raise ValueError(f"x has {len(x)} rows but y has {len(cases)} values")
    if not cases.any() or x.shape[1] == 0:
        return None
    prepared = _as_prim_input(x)
    Prim = _prim_class()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prim = Prim(prepared, cases.astype(int), peel_alpha=peel_alpha)
        found = prim.find_box()
    if found is None:
        return None
    trajectory = found.peeling_trajectory.reset_index(drop=True)
    dense = trajectory[trajectory["density"] >= threshold]
    if dense.empty:
        return None
    best = dense.sort_values(["coverage", "res_dim"], ascending=[False, True]).index[0]
    row = trajectory.loc[best]
    limits, dropped = _box_limits(found.box_lims[best], prim.box_init, list(x.columns))
    return Box(
        limits=limits,
        coverage=float(row["coverage"]),
        density=float(row["density"]),
        mass=float(row["mass"]),
        dropped=dropped,
    )


def feature_scores(x: pd.DataFrame, y: np.ndarray, seed: int = 0) -> pd.Series:
    """Each factor's extra-trees importance for ``y``, highest first (they sum to one).

    An ensemble of extremely randomised trees (scikit-learn's ``ExtraTreesClassifier``
    for a boolean ``y``, ``ExtraTreesRegressor`` otherwise) is grown on the factors, and a
    factor's score is the mean impurity decrease of the splits on it. Categorical factors
    enter as their level codes, which trees split as well as dummies and which keep one
    score per factor. ``seed`` fixes the trees, so a report is reproducible.
    """
    from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor

    target = np.asarray(y)
    if len(target) != len(x):
        raise ValueError(f"x has {len(x)} rows but y has {len(target)} values")
    encoded = pd.DataFrame(index=range(len(x)))
    for name in x.columns:
        column = x[name].reset_index(drop=True)
        if _is_categorical(column):
            encoded[name] = pd.Categorical(_levels(column)).codes
        else:
            encoded[name] = column.astype(float)
    if len(np.unique(target)) < 2:  # nothing to explain: every factor scores zero
        return pd.Series(0.0, index=list(x.columns), name="score")
    classify = target.dtype == bool or set(np.unique(target)) <= {0, 1}
    forest_type = ExtraTreesClassifier if classify else ExtraTreesRegressor
    forest = forest_type(
        n_estimators=200, max_features=0.6, min_samples_leaf=5, random_state=seed, n_jobs=1
    )
    forest.fit(encoded.to_numpy(), target.astype(int) if classify else target.astype(float))
    scores = pd.Series(forest.feature_importances_, index=list(x.columns), name="score")
    return scores.sort_values(ascending=False)
