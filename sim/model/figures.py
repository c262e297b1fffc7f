"""The alliance's running figures, which the compiled month keeps up to date in one flat
array per run: what the outcomes and the dashboard read without loading the compiled model."""

from __future__ import annotations

from enum import auto

import numpy as np

from sim.model.slots import Slot


class Figure(Slot):
    """The alliance's figures that the compiled month keeps up to date: the last month's
    (``value`` and, from the last month of an agreement, ``potential`` to ``opportunism``) and
    the run's totals (``total_value``, the public side's costs, months formed and in deadlock,
    and the sums over months formed behind the run's averages); their positions in a run's
    array of figures (:func:`new_figures`)."""

    value = auto()  # type: ignore[assignment]  # a member may be named value; mypy objects
    potential = auto()
    coordination = auto()
    context_fit = auto()
    conflict = auto()
    opportunism = auto()
    total_value = auto()
    public_gap = auto()
    public_renegotiation = auto()
    months_formed = auto()
    deadlock_months = auto()
    sum_potential = auto()
    sum_coordination = auto()
    sum_mission = auto()
    sum_context_fit = auto()
    sum_opportunism = auto()


#: The figures' names, in their order.
FIGURES: tuple[str, ...] = tuple(Figure.__members__)


def new_figures() -> np.ndarray:
    """A run's figures before its first month: one number per :class:`Figure`, all zero but
    the agenda's fit (1 until there is an agenda), read as ``figures[Figure.name]``."""
    figures = np.zeros(len(FIGURES))
    figures[Figure.context_fit] = 1.0
    return figures
