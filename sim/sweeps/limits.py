"""Bounds on the work a small input can ask for, checked by arithmetic before anything is built.

Twenty levels of ten factors is a five-line experiment file and 10^13 runs: the design table
alone would exhaust memory. :func:`check_design_size` counts the runs from the file's numbers
(without building the design) and refuses, naming the count, anything above a limit that the
caller may raise deliberately (``--max-runs``).
"""

from __future__ import annotations

import math

from sim.sweeps.experiment import Experiment

#: Default upper bound on the runs of one experiment (about a week of a 2-core machine).
MAX_RUNS = 10**7
#: Upper bound on worker processes (far above any machine this runs on).
MAX_WORKERS = 1024


class DesignTooLarge(ValueError):
    """The experiment asks for more runs than the limit."""


def design_size(experiment: Experiment) -> int:
    """Runs the experiment asks for at most (design points x replications), by arithmetic.

    Factorial designs count every combination (cells where a factor cannot act may later be
    merged, so this is an upper bound); Latin hypercubes take ``samples`` points, Saltelli's
    Sobol design ``samples x (D + 2)``, Morris ``samples x (D + 1)`` trajectories' points; a
    policies-by-futures experiment runs every policy on every future.
    """
    d = len(experiment.factors)
    if experiment.design == "factorial":
        points = math.prod(len(f.levels) for f in experiment.factors)
    elif experiment.design == "sobol":
        points = experiment.samples * (d + 2)
    elif experiment.design == "morris":
        points = experiment.samples * (d + 1)
    else:
        points = experiment.samples
    policies = getattr(experiment, "policies", ())
    if policies:
        points *= len(policies)
    return points * experiment.replications


def check_design_size(experiment: Experiment, limit: int = MAX_RUNS) -> int:
    """The experiment's number of runs; :class:`DesignTooLarge` if it exceeds ``limit``."""
    runs = design_size(experiment)
    if runs > limit:
        raise DesignTooLarge(
            f"experiment {experiment.name!r} asks for {runs:,} runs, more than the limit of "
            f"{limit:,}; use fewer levels, samples or replications (or raise the limit with "
            "--max-runs if you mean it)"
        )
    return runs


__all__ = ["MAX_RUNS", "MAX_WORKERS", "DesignTooLarge", "check_design_size", "design_size"]
