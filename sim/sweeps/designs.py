"""Experimental designs: which combinations of factor values to run.

Full factorial grids for a handful of levels; Latin hypercube samples
(``scipy.stats.qmc``) for space-filling exploration; Saltelli-Sobol and Morris
samples (SALib) for global sensitivity analysis. Every design works on the unit
cube and maps each coordinate to a factor value: ranges linearly (rounded for
whole-number knobs), lists of levels by equal slices, so categorical factors
such as the manager mode can sit in any design.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from sim.sweeps.experiment import Experiment, Factor
from sim.config.knobs import KNOBS

#: spawn_key reserved for the design's own randomness, apart from the runs' seeds.
DESIGN_STREAM = 2**32 - 1


def sensitivity_problem(factors: tuple[Factor, ...]) -> dict[str, Any]:
    """The SALib problem definition: every factor on the unit interval."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[0.0, 1.0]] * len(factors)}


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

        return sobol.sample(problem, experiment.samples, calc_second_order=False,
                            seed=int(rng.integers(2**31)))
    if experiment.design == "morris":
        from SALib.sample import morris

        return morris.sample(problem, experiment.samples, num_levels=experiment.levels,
                             seed=int(rng.integers(2**31)))
    return None


def factor_value(factor: Factor, u: float) -> Any:
    """Map a unit-interval coordinate to a value of ``factor``."""
    if factor.is_range:
        value = factor.low + u * (factor.high - factor.low)
        return int(round(value)) if KNOBS[factor.name].kind is int else float(value)
    index = min(int(u * len(factor.levels)), len(factor.levels) - 1)
    return factor.levels[index]


def design_points(experiment: Experiment) -> pd.DataFrame:
    """One row per design point: ``point_id``, each factor's value, and for sampled
    designs the unit-cube coordinates (``u_<factor>``) that sensitivity analysis needs."""
    factors = experiment.factors
    if not factors:
        return pd.DataFrame({"point_id": [0]})
    unit = unit_sample(experiment)
    if unit is None:
        rows = [dict(zip((f.name for f in factors), combo, strict=True))
                for combo in itertools.product(*(f.levels for f in factors))]
        frame = pd.DataFrame(rows)
    else:
        frame = pd.DataFrame({f.name: [factor_value(f, u) for u in unit[:, j]]
                              for j, f in enumerate(factors)})
        for j, f in enumerate(factors):
            frame[f"u_{f.name}"] = unit[:, j]
    for f in factors:
        if f.name == "interventions":
            frame[f.name] = frame[f.name].map(lambda v: "+".join(v) if v else "none")
    frame.insert(0, "point_id", np.arange(len(frame)))
    return frame
