"""Experimental designs: which combinations of factor values to run.

Full factorial grids for a handful of levels; Latin hypercube samples
(``scipy.stats.qmc``) for space-filling exploration; Saltelli-Sobol and Morris
samples (SALib) for global sensitivity analysis. Every design works on the unit
cube and maps each coordinate to a factor value: ranges linearly (rounded for
whole-number knobs), lists of levels by equal slices, so categorical factors
such as the manager mode can sit in any design.

A factorial design leaves out the cells where a factor cannot act (the manager's position
without a lead partner's manager, interventions without a manager: see
:mod:`sim.config.relevance`); such a factor's value is empty (null) in those rows.
A paired design crosses every policy with the same sampled futures.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.config.knobs import KNOBS, resolve_knobs
from sim.config.relevance import CONDITIONS, inert_knobs
from sim.config.scenario import Scenario
from sim.sweeps.experiment import Experiment, Factor

#: spawn_key reserved for the design's own randomness, apart from the runs' seeds.
DESIGN_STREAM = 2**32 - 1


def sensitivity_problem(factors: tuple[Factor, ...]) -> dict[str, Any]:
    """The SALib problem definition: every factor on the unit interval."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[0.0, 1.0]] * len(factors),
    }


def unit_sample(experiment: Experiment) -> np.ndarray | None:
    """Points of a sampled design in the unit cube (rows), or None for a factorial design."""
    factors = experiment.factors
    seed = np.random.SeedSequence(experiment.seed, spawn_key=(DESIGN_STREAM,))
    rng = np.random.default_rng(seed)
    if experiment.design == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=len(factors), rng=rng).random(experiment.samples)
    problem = sensitivity_problem(factors)
    if experiment.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            problem, experiment.samples, calc_second_order=False, seed=int(rng.integers(2**31))
        )
    if experiment.design == "morris":
        from SALib.sample import morris

        return morris.sample(
            problem, experiment.samples, num_levels=experiment.levels, seed=int(rng.integers(2**31))
        )
    return None


def factor_value(factor: Factor, u: float) -> Any:
    """Map a unit-interval coordinate to a value of ``factor``."""
    if factor.is_range:
        assert factor.low is not None and factor.high is not None  # a range has both ends
        value = factor.low + u * (factor.high - factor.low)
        return int(round(value)) if KNOBS[factor.name].kind is int else float(value)
    index = min(int(u * len(factor.levels)), len(factor.levels) - 1)
    return factor.levels[index]


def design_points(
    experiment: Experiment, scenarios: Mapping[str, Scenario] | None = None
) -> pd.DataFrame:
    """One row per design point: ``point_id``, each factor's value, and for sampled
    designs the unit-cube coordinates (``u_<factor>``) that sensitivity analysis needs.

    In a paired experiment the rows are policy-major: ``policy``, ``future`` and the
    policy's knobs, then the future's uncertainties; future *k* is the same for every policy.
    The scenarios' knobs (which a policy does not set, and which decide the inert cells of a
    factorial) are those of ``scenarios`` as a sweep read them at its start, else of the
    files as they are now.
    """
    scenarios = experiment.read_scenarios() if scenarios is None else scenarios
    if experiment.is_paired:
        return _paired_points(experiment, scenarios)
    frame = _points(experiment)
    if experiment.design == "factorial":
        frame = _without_inert_cells(experiment, frame, scenarios)
    frame.insert(0, "point_id", np.arange(len(frame)))
    return frame


def _points(experiment: Experiment) -> pd.DataFrame:
    """The factors' values at every point of the design (no ids)."""
    factors = experiment.factors
    if not factors:
        return pd.DataFrame(index=[0])
    unit = unit_sample(experiment)
    if unit is None:
        rows = [
            dict(zip((f.name for f in factors), combo, strict=True))
            for combo in itertools.product(*(f.levels for f in factors))
        ]
        frame = pd.DataFrame(rows)
    else:
        frame = pd.DataFrame(
            {f.name: [factor_value(f, u) for u in unit[:, j]] for j, f in enumerate(factors)}
        )
        for j, f in enumerate(factors):
            frame[f"u_{f.name}"] = unit[:, j]
    for f in factors:
        if f.name == "interventions":
            frame[f.name] = frame[f.name].map(_interventions_label)
    return frame


def _interventions_label(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return "+".join(value) if value else "none"


def _without_inert_cells(
    experiment: Experiment, frame: pd.DataFrame, read: Mapping[str, Scenario]
) -> pd.DataFrame:
    """Blank each factor that cannot act in a row, then keep one row per distinct cell."""
    names = [f.name for f in experiment.factors]
    candidates = [n for n in names if n in CONDITIONS]
    if not candidates:
        return frame
    scenarios = {s: read[s].knobs for s in experiment.scenarios}
    frame = frame.astype(object)
    for i, row in frame.iterrows():
        values = {k: v for k, v in row.items() if k in KNOBS}
        scenario = row.get("scenario", experiment.scenarios[0])
        inert = inert_knobs(resolve_knobs(scenarios[scenario], experiment.knobs, values))
        for name in candidates:
            if name in inert:
                frame.at[i, name] = None
    frame = frame.drop_duplicates(subset=names, ignore_index=True)
    return frame.infer_objects()


def _paired_points(experiment: Experiment, read: Mapping[str, Scenario]) -> pd.DataFrame:
    futures = _points(experiment)
    futures.insert(0, "future", np.arange(len(futures)))
    base = resolve_knobs(read[experiment.scenarios[0]].knobs, experiment.knobs)
    blocks = []
    for policy in experiment.policies:
        block = futures.copy()
        settings = {**{k: base[k] for k in experiment.policy_knobs}, **policy.knobs}
        for j, name in enumerate(experiment.policy_knobs):
            value = settings[name]
            block.insert(
                1 + j, name, _interventions_label(value) if name == "interventions" else value
            )
        block.insert(0, "policy", policy.name)
        blocks.append(block)
    frame = pd.concat(blocks, ignore_index=True).infer_objects()
    frame.insert(0, "point_id", np.arange(len(frame)))
    return frame


def n_futures(experiment: Experiment) -> int:
    """How many futures each policy of a paired experiment runs on."""
    if experiment.design == "factorial":
        return int(np.prod([len(f.levels) for f in experiment.factors]))
    return experiment.samples
