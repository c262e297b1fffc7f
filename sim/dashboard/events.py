"""The event log in plain words: what happened to the alliance, month by month.

The model logs ``(month, kind, details)``; the kinds and their details are
``shock`` {kind}, ``election``, ``agreement`` and ``renegotiation`` {mediated},
``deadlock`` {room: whether a deal was within reach}, ``call`` {by: a partner's
name or ``"manager"``}, ``intervention`` {lever}, ``exit`` {partner},
``termination`` {partner, amount} and ``dissolution`` {reason, optionally partner},
the reason being one of :data:`sim.model.outcomes.END_CAUSES`. Partner names are
shown in the page's language.
"""

from __future__ import annotations

from typing import Any

from sim.dashboard.i18n import name, t


def describe(event: tuple[int, str, dict[str, Any]], language: str) -> str:
    """One event of ``model.events`` as a sentence, prefixed with its month."""
    month, kind, details = event
    details = {
        k: name(language, "partners", v) if k in ("partner", "by") and v != "manager" else v
        for k, v in details.items()
    }
    if kind in ("agreement", "renegotiation") and details.get("mediated"):
        text = t(language, f"events.{kind}_mediated")
    elif kind == "deadlock":
        text = t(language, "events.deadlock_room" if details.get("room") else "events.deadlock")
    elif kind == "call":
        by = details.get("by", details.get("partner"))
        text = (
            t(language, "events.call_manager")
            if by == "manager"
            else t(language, "events.call", partner=by)
        )
    elif kind == "shock":
        text = t(language, "events.shock", kind=t(language, f"shocks.{details['kind']}"))
    elif kind == "intervention":
        text = t(
            language, "events.intervention", lever=t(language, f"levers.{details['lever']}").lower()
        )
    elif kind == "dissolution":
        values = {
            "partner": t(language, "ui.a_partner"),
            **{k: v for k, v in details.items() if k != "reason"},
        }
        reason = t(language, f"reasons.{details['reason']}", **values)
        text = t(language, "events.dissolution", reason=reason)
    else:
        text = t(language, f"events.{kind}", **details)
    return f"{t(language, 'ui.month')} {month}: {text}"


def event_log(
    events: list[tuple[int, str, dict[str, Any]]],
    language: str,
    limit: int | None = None,
    interventions: bool = False,
) -> list[str]:
    """The events, newest first (the latest ``limit`` of them, or all); interventions are
    left out unless asked for (a busy manager would otherwise crowd out what happens to
    the partners)."""
    shown = [e for e in events if interventions or e[1] != "intervention"]
    if limit is not None:
        shown = shown[-limit:]
    return [describe(e, language) for e in reversed(shown)]
