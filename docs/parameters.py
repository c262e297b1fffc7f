"""Write docs/parameters.md: every parameter of sim.config.knobs.KNOBS in one table per group,
and every outcome of sim.model.outcomes.OUTCOMES.

    .venv/bin/python docs/parameters.py

The table is generated, never edited by hand: change a parameter in sim/config/knobs.py and
run this script again.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.config.knobs import KNOBS  # noqa: E402
from sim.model.outcomes import OUTCOMES  # noqa: E402

GROUPS = {
    "manager": "The alliance manager",
    "context": "The context",
    "partners": "The partners",
    "design": "The design of the collaboration",
    "mechanism": "Free parameters of the mechanisms (calibrated)",
    "constant": "Constants (effect sizes and rates; varied only in sensitivity analysis)",
}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _default(knob) -> str:
    value = knob.default
    if value is None:
        return "unset"
    if isinstance(value, tuple):
        return "all: " + ", ".join(value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _plausible(knob) -> str:
    span = knob.plausible_range
    if span is None:
        return ""
    return f"{span[0]:g}–{span[1]:g}"


def table() -> str:
    lines = [
        "# Parameters",
        "",
        "Every parameter of the model, generated from `sim/config/knobs.py` by",
        "`.venv/bin/python docs/parameters.py`; do not edit by hand. Every entry, constants",
        "included, can be set in a scenario's `[knobs]` table, as a keyword of `AllianceModel`",
        "or as an experiment factor. *Allowed* is what validation accepts; *plausible* is the",
        "range a defensible value lies in, which the global sensitivity analysis samples.",
        'A source reading "judgement" means the modellers chose the value; its plausible range',
        "says how uncertain it is.",
        "",
    ]
    for group, title in GROUPS.items():
        knobs = [k for k in KNOBS.values() if k.group == group]
        if not knobs:
            continue
        lines += [
            f"## {title} (`{group}`, {len(knobs)})",
            "",
            "| name | default | allowed | plausible | meaning | source |",
            "|---|---|---|---|---|---|",
        ]
        for k in knobs:
            lines.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        f"`{k.name}`",
                        _default(k),
                        k.allowed,
                        _plausible(k),
                        k.meaning,
                        k.source or "",
                    )
                )
                + " |"
            )
        lines.append("")
    lines += [
        "# Outcomes",
        "",
        "One column of `runs.parquet` per entry of the registry `sim/model/outcomes.py`,",
        "in this order (the runner adds `run_id`, `point_id`, `replication`, `seed`,",
        "`scenario`, the factors, `status` and `error` in front).",
        "",
        "| name | kind | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{o.name}` | {o.kind.__name__} | {_cell(o.meaning)} |" for o in OUTCOMES.values()]
    lines.append("")
    unknown = {k.group for k in KNOBS.values()} - set(GROUPS)
    if unknown:
        raise SystemExit(f"parameters in groups this script does not know: {sorted(unknown)}")
    return "\n".join(lines)


def main() -> None:
    out = Path(__file__).resolve().parent / "parameters.md"
    out.write_text(table(), encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)} ({len(KNOBS)} parameters)")


if __name__ == "__main__":
    main()
