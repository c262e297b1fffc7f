"""Which knobs matter, given the others: a factor that cannot act is not a design factor.

Some knobs act only under a setting of another: the manager's position between home and
joint interest exists only for a lead partner's manager (an independent manager has no
home), and the intervention portfolio only when there is a manager to intervene. Crossing
such a knob with a setting where it cannot act gives identical runs under the same seed,
which a design would count as separate cells and an analysis as evidence. Designs consult
:func:`inert_knobs` to leave those cells out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: knob -> (the condition under which it acts, on resolved parameters; the reason, in words).
CONDITIONS: dict[str, tuple[Callable[[Mapping[str, Any]], bool], str]] = {
    "manager_position": (
        lambda p: p["manager"] == "lead_partner",
        "only a lead partner's manager has a position between home and joint interest",
    ),
    "interventions": (
        lambda p: p["manager"] != "none",
        "interventions need a manager to make them",
    ),
}


def inert_knobs(params: Mapping[str, Any]) -> frozenset[str]:
    """The knobs with no effect under ``params`` (every knob resolved, e.g. by ``resolve_knobs``)."""
    return frozenset(name for name, (acts, _) in CONDITIONS.items() if not acts(params))


def reason(name: str) -> str:
    """Why ``name`` can be inert, for messages and reports."""
    return CONDITIONS[name][1]


__all__ = ["CONDITIONS", "inert_knobs", "reason"]
