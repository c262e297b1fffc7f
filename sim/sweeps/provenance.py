"""What a sweep's results depend on, so that ``--resume`` never mixes runs of different code.

A run's outcome is fixed by its resolved configuration (the scenario after ``extends``, every
knob and constant after the defaults are filled in), its seed and the code that runs it. The
experiment's own fingerprint covers the scenarios as resolved and the knobs the experiment
sets; :func:`resume_identity` adds the defaults of every parameter (which fill in the rest of
each run's configuration) and a hash of every source file that decides what a run computes
(the configuration gate, the model, the designs, seeds and worker), so that a changed default
or a changed mechanism is caught even in an uncommitted working tree. :func:`differences`
names what changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sim.config.knobs import KNOBS

SIM_DIR = Path(__file__).resolve().parents[1]
#: Parts of the package whose code decides what a run computes (not how results are shown).
RUN_CODE = (
    "__init__.py",
    "config",
    "model",
    "sweeps/designs.py",
    "sweeps/experiment.py",
    "sweeps/runner.py",
    "sweeps/worker.py",
)


def source_hashes() -> dict[str, str]:
    """SHA-256 of every Python file that decides a run's outcome, by path under sim/."""
    files: list[Path] = []
    for part in RUN_CODE:
        path = SIM_DIR / part
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return {
        f.relative_to(SIM_DIR).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest() for f in files
    }


def parameter_defaults() -> dict[str, Any]:
    """The default of every knob and constant: what fills in a run's unset parameters."""
    return {name: _plain(knob.default) for name, knob in KNOBS.items()}


def resume_identity(experiment_fingerprint: str) -> dict[str, Any]:
    """Everything a results folder's runs depend on, for the manifest and for ``--resume``."""
    from sim import __version__

    return {
        "experiment": experiment_fingerprint,
        "package_version": __version__,
        "defaults": parameter_defaults(),
        "sources": source_hashes(),
    }


def differences(before: dict[str, Any] | None, now: dict[str, Any]) -> list[str]:
    """What changed between two identities, in words (empty when they match)."""
    if not isinstance(before, dict):
        return ["the results were written by an older version that did not record its code"]
    changes = []
    if before.get("experiment") != now["experiment"]:
        changes.append("the experiment (its file, or a scenario it uses)")
    if before.get("package_version") != now["package_version"]:
        changes.append(
            f"the package version ({before.get('package_version')} -> {now['package_version']})"
        )
    old, new = before.get("defaults") or {}, now["defaults"]
    changed = [
        f"{k} {old[k]!r} -> {new[k]!r}" for k in sorted(new) if k in old and old[k] != new[k]
    ]
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    if changed:
        changes.append("parameter defaults: " + _some(changed))
    if added or removed:
        changes.append(
            "parameters "
            + "; ".join(
                part
                for part in (
                    f"added: {_some(added)}" if added else "",
                    f"removed: {_some(removed)}" if removed else "",
                )
                if part
            )
        )
    old_src, new_src = before.get("sources") or {}, now["sources"]
    edited = sorted(p for p in new_src.keys() | old_src.keys() if old_src.get(p) != new_src.get(p))
    if edited:
        changes.append("the model's code: " + _some(["sim/" + p for p in edited]))
    return changes


def _some(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(v) for v in value]
    return value


__all__ = ["differences", "parameter_defaults", "resume_identity", "source_hashes"]
