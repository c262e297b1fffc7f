"""Scenario files: who the partners are, what they want, where their power comes from.

A scenario is a TOML file in ``scenarios/`` (or anywhere, given by path). It is
read into an immutable :class:`Scenario`, once per process and again when the file (or a
file it extends) changes; the model never touches the file.
A file may say ``extends = "pps_infrastructure"`` and override a few values:
tables merge key by key, arrays (such as ``[[partners]]``) replace whole.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.config.knobs import KNOBS, did_you_mean
from sim.config.validation import (
    ConfigError,
    Table,
    check_number,
    parse_toml,
    read_text_file,
)
from sim.config.vocabulary import POWER_BASES, SECTORS

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCENARIO_DIR = PROJECT_DIR / "scenarios"


@dataclass(frozen=True)
class PartnerSpec:
    """A partner as the scenario describes it, before the knobs shape it.

    ``stance`` places the partner on each issue in [-1, 1]; the model turns it into
    an ideal point in [0, 1] scaled by the ``goal_diversity`` knob. ``power`` is
    the partner's strength on each power base (any non-negative scale).
    """

    name: str
    sector: str
    stance: tuple[float, ...]
    salience: tuple[float, ...]
    power: tuple[float, ...]
    capacity: float
    outside_option: float
    essential: bool = False
    description: str = ""


@dataclass(frozen=True)
class PartnerTemplate:
    """What generated partners of one sector look like on average, and how much they vary."""

    sector: str
    weight: float
    stance: tuple[float, ...]
    salience: tuple[float, ...]
    power: tuple[float, ...]
    capacity: float
    outside_option: float


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: partners (listed or generated), environment and default knobs."""

    name: str
    description: str
    source: str
    issues: tuple[str, ...]
    context: tuple[float, ...]
    power_salience: tuple[float, ...]
    knobs: dict[str, Any]
    partners: tuple[PartnerSpec, ...] = ()
    templates: tuple[PartnerTemplate, ...] = ()
    variation: float = 0.3
    manager_home: str | None = None
    form: str = ""
    dilemma: str = ""
    references: tuple[str, ...] = field(default_factory=tuple)

    @property
    def generated(self) -> bool:
        """True when partners are drawn from sector templates (``n_partners`` applies)."""
        return bool(self.templates)

    def partner_specs(self, n_partners: int, rng: np.random.Generator) -> tuple[PartnerSpec, ...]:
        """The partners of one run: the listed ones, or ``n_partners`` drawn from the templates.

        Generated partners take their sector in proportion to the template weights
        (largest-remainder rounding, so every sector with weight gets its share)
        and vary around their template by the model's ``rng``.
        """
        if not self.generated:
            return self.partners
        weights = np.array([t.weight for t in self.templates])
        counts = _apportion(weights / weights.sum(), n_partners)
        specs = []
        v = self.variation
        for template, count in zip(self.templates, counts, strict=True):
            stances, powers = np.array(template.stance), np.array(template.power)
            for k in range(count):
                stance = np.minimum(
                    np.maximum(stances + rng.normal(0, v, len(template.stance)), -1.0), 1.0
                )
                power = powers * rng.lognormal(0, v, len(POWER_BASES))
                specs.append(
                    PartnerSpec(
                        name=f"{template.sector} {k + 1}",
                        sector=template.sector,
                        stance=tuple(stance.tolist()),
                        salience=template.salience,
                        power=tuple(power.tolist()),
                        capacity=float(template.capacity * rng.lognormal(0, v / 2)),
                        outside_option=float(template.outside_option * rng.lognormal(0, v / 2)),
                    )
                )
        return tuple(specs)


def _apportion(fractions: np.ndarray, total: int) -> list[int]:
    """Split ``total`` into integer counts proportional to ``fractions`` (largest remainder)."""
    exact = fractions * total
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: total - counts.sum()]:
        counts[i] += 1
    return counts.tolist()


def is_path_like(reference: str | Path) -> bool:
    """True when a scenario reference is a path (a Path, a separator, or a .toml suffix)
    rather than a name: ``pps_care`` is a name, ``./pps_care`` and ``my.toml`` are paths."""
    text = str(reference)
    return isinstance(reference, Path) or "/" in text or os.sep in text or text.endswith(".toml")


def scenario_path(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """The file behind a scenario reference: built-in names first, then paths.

    A built-in name (see :func:`available_scenarios`) always means ``scenarios/NAME.toml``,
    whatever files the working folder holds. A path is relative to ``relative_to``, the
    folder of the file that names it (the working folder for a command-line argument). Any
    other name means ``scenarios/NAME.toml`` too, and is reported as unknown if missing.
    """
    if not isinstance(name_or_path, Path) and name_or_path in available_scenarios():
        return SCENARIO_DIR / f"{name_or_path}.toml"
    if not is_path_like(name_or_path):
        return SCENARIO_DIR / f"{name_or_path}.toml"
    candidate = Path(name_or_path).expanduser()
    if not candidate.is_absolute() and relative_to is not None:
        candidate = Path(relative_to) / candidate
    return candidate


def scenario_reference(name_or_path: str, relative_to: Path) -> str:
    """A reference that means the same from any working folder: a name stays a name, a path
    becomes absolute (resolved against ``relative_to``, the folder of the file naming it)."""
    if is_path_like(name_or_path) and name_or_path not in available_scenarios():
        return str(scenario_path(name_or_path, relative_to).resolve())
    return name_or_path


def builtin_scenario_path(name: str) -> Path:
    """The file of a built-in scenario, given by its listed name and never by a path.

    For input that must not reach the file system (a dashboard's widget message): anything
    but a name of :func:`available_scenarios` is refused without touching a file.

    Raises:
        ConfigError: ``name`` is not a built-in scenario.
    """
    names = available_scenarios()
    if not isinstance(name, str) or name not in names:
        raise ConfigError(
            "scenario",
            "",
            f"{str(name)[:80]!r} is not a built-in scenario; choose one of {', '.join(names)}",
        )
    return SCENARIO_DIR / f"{name}.toml"


def load_builtin_scenario(name: str) -> Scenario:
    """Read a built-in scenario by name only (see :func:`builtin_scenario_path`)."""
    return _load_cached(builtin_scenario_path(name).resolve())


def available_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``scenarios/``."""
    # os.listdir, not Path.glob: every model built by name asks, and this is 20 times faster.
    return sorted(name[:-5] for name in os.listdir(SCENARIO_DIR) if name.endswith(".toml"))


def load_scenario(name_or_path: str | Path, relative_to: Path | None = None) -> Scenario:
    """Read and validate a scenario by name or path (see :func:`scenario_path`).

    Raises:
        ConfigError: naming the file and the key, for any invalid content; a file that is not
            a regular file of at most a megabyte (a device, a FIFO) is refused unread.
    """
    builtin = _builtin_file(name_or_path) if isinstance(name_or_path, str) else None
    if builtin is not None:
        return _load_cached(builtin)
    return _load_cached(scenario_path(name_or_path, relative_to).resolve())


def _builtin_file(name: str) -> Path | None:
    """The file of the built-in scenario ``name`` (as named: a link is followed when it is
    read), or None when ``name`` is not one of :func:`available_scenarios`. Asked of the one
    file rather than of the folder's listing (models are built by name thousands of times),
    and once: a built-in file removed afterwards is reported missing when it is read."""
    file = _builtin_files.get(name)
    if file is None and not is_path_like(name):
        candidate = SCENARIO_DIR / f"{name}.toml"
        if candidate.is_file():
            file = _builtin_files[name] = candidate
    return file


_builtin_files: dict[str, Path] = {}


def _load_cached(path: Path) -> Scenario:
    """The scenario in ``path``, parsed once and parsed again when it or a file it extends
    changes on disk. A long-lived process (a Dask worker, the dashboard) thus sees an edited
    scenario file, while a model built by name thousands of times only checks the files'
    stamps (a ``stat`` each). A stamp alone is trusted only once its file has been unchanged
    for :data:`SETTLED_NS` (git's rule for "racy" files: a file rewritten within the clock's
    resolution keeps its time); until then the files' texts are compared too."""
    kept = _scenarios.get(path)
    if kept is not None:
        files, stamps, texts, scenario = kept
        if stamps == _stamps(files) and (texts is None or texts == _texts(files)):
            if texts is not None and _settled(stamps):
                _scenarios[path] = (files, stamps, None, scenario)
            return scenario
    read: list[tuple[Path, _Stamp, str]] = []
    data = _merged(path, seen=(), read=read)
    scenario = _parse(Table(data, _display(path.resolve())), default_name=path.stem)
    if len(_scenarios) >= KEPT_SCENARIOS:
        _scenarios.clear()
    names, stamps, texts = zip(*read, strict=True)
    files = tuple(map(str, names))
    _scenarios[path] = (files, stamps, None if _settled(stamps) else texts, scenario)
    return scenario


#: The most scenario files kept parsed at once.
KEPT_SCENARIOS = 64
#: How long a file must have been unchanged before its stamp is trusted (nanoseconds): more
#: than the coarsest clock of common file systems (FAT and some network mounts: 2 s).
SETTLED_NS = 3 * 10**9

_Stamp = tuple[int, int, int] | None
#: Per file read: the files of its extends chain, their stamps, their texts while a stamp is
#: not yet to be trusted (None once all are), and the scenario parsed from them.
_scenarios: dict[
    Path, tuple[tuple[str, ...], tuple[_Stamp, ...], tuple[str, ...] | None, Scenario]
] = {}


def _stamps(files: Iterable[str]) -> tuple[_Stamp, ...]:
    return tuple(_stamp(file) for file in files)


def _settled(stamps: Iterable[_Stamp]) -> bool:
    """Whether every file was last changed at least :data:`SETTLED_NS` ago (a file dated in
    the future is not: its text is compared instead, which costs a read and not a parse)."""
    now = time.time_ns()
    return all(stamp is not None and now - stamp[2] >= SETTLED_NS for stamp in stamps)


def _texts(files: Iterable[str]) -> tuple[str, ...] | None:
    try:
        return tuple(read_text_file(Path(file)) for file in files)
    except ConfigError:
        return None


def _stamp(file: Path | str) -> _Stamp:
    """What tells that a file changed: its inode (an editor that saves by renaming makes a
    new one), size and time of last change; None when it is gone, which differs from every
    stamp, so that the file is read again and the error raised there."""
    try:
        status = os.stat(file)
    except OSError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)


def _merged(
    written: Path, seen: tuple[Path, ...], read: list[tuple[Path, _Stamp, str]]
) -> dict[str, Any]:
    """The data of the file ``written`` (as named: a link is stamped by its target, so a
    link pointed elsewhere reads as a change) with its ``extends`` chain merged in (child
    wins); every file of the chain is added to ``read`` with its stamp from before it was
    read and the text it was parsed from."""
    path = written.resolve()
    if path in seen:
        raise ConfigError(_display(path), "extends", "circular extends chain")
    if not path.exists():
        if seen:
            raise ConfigError(
                _display(seen[-1]),
                "extends",
                f"no scenario {path.stem!r} (known: {', '.join(available_scenarios())})",
            )
        raise ConfigError(
            _display(path),
            "",
            "file not found; known scenarios: " + ", ".join(available_scenarios()),
        )
    stamp = _stamp(written)
    text = read_text_file(path)
    read.append((written, stamp, text))
    data = parse_toml(text, path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ConfigError(_display(path), "extends", f"expected a scenario name, got {parent!r}")
    # A name means scenarios/NAME.toml; a path is relative to the extending file.
    base = _merged(scenario_path(parent, path.parent), seen + (path,), read)
    base.pop("name", None)
    return _deep_merge(base, data)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _parse(top: Table, default_name: str) -> Scenario:
    name = top.string("name", default_name)
    description = top.string("description")
    form = top.string("form", "")
    dilemma = top.string("dilemma", "")
    references = tuple(top.strings("references", []))
    issues = tuple(top.strings("issues", min_length=1))
    k = len(issues)

    env = top.table("environment")
    context = tuple(env.vector("context", k, 0.0, 1.0))
    power_salience = _power_profile(env, "power_salience")
    env.done()

    knobs = _knob_table(top.table("knobs", None))

    partners: tuple[PartnerSpec, ...] = ()
    templates: tuple[PartnerTemplate, ...] = ()
    variation = 0.3
    if top.has("partners") == top.has("generate"):
        raise top.error(
            "partners",
            "give either [[partners]] or a [generate] table, not "
            + ("both" if top.has("partners") else "neither"),
        )
    if top.has("partners"):
        partners = tuple(_partner(t, k) for t in top.tables("partners"))
        if len(partners) < 2:
            raise top.error(
                "partners", f"an alliance needs at least two partners, got {len(partners)}"
            )
        names = [p.name for p in partners]
        for i, p in enumerate(names):
            if p in names[:i]:
                raise top.error(f"partners[{i}].name", f"duplicate partner name {p!r}")
        if len({p.sector for p in partners}) < 1:
            raise top.error("partners", "no sector given")
        if "n_partners" in knobs:
            raise top.error(
                "knobs.n_partners", "only scenarios with a [generate] table take n_partners"
            )
    else:
        gen = top.table("generate")
        variation = gen.number("variation", 0.0, 1.0, 0.3)
        templates = tuple(_template(t, k) for t in _template_tables(gen))
        gen.done()

    manager_home = top.string("manager_home", None)
    if manager_home is not None and partners and manager_home not in {p.name for p in partners}:
        raise top.error(
            "manager_home",
            f"{manager_home!r} is not a listed partner "
            f"(partners: {', '.join(p.name for p in partners)})",
        )
    top.done()
    return Scenario(
        name=name,
        description=description,
        source=str(top.file),
        issues=issues,
        context=context,
        power_salience=power_salience,
        knobs=knobs,
        partners=partners,
        templates=templates,
        variation=variation,
        manager_home=manager_home,
        form=form,
        dilemma=dilemma,
        references=references,
    )


def _knob_table(table: Table | None) -> dict[str, Any]:
    if table is None:
        return {}
    knobs = {}
    for key in list(table.data):
        if key in KNOBS:
            value = table.raw(key)
            try:
                knobs[key] = KNOBS[key].coerce(value)
            except ValueError as exc:
                raise table.error(key, str(exc).split(": ", 1)[1]) from None
    table.done()
    return knobs


def _power_profile(table: Table, key: str) -> tuple[float, ...]:
    power = table.table(key)
    values = tuple(power.number(base, 0.0, 1e6) for base in POWER_BASES)
    power.done()
    if sum(values) <= 0:
        raise table.error(key, "at least one power base must be positive")
    return values


def _salience(table: Table, k: int) -> tuple[float, ...]:
    salience = table.vector("salience", k, 0.0, 1e6)
    if sum(salience) <= 0:
        raise table.error("salience", "at least one issue must matter (a positive weight)")
    total = sum(salience)
    return tuple(s / total for s in salience)


def _partner(t: Table, k: int) -> PartnerSpec:
    spec = PartnerSpec(
        name=t.string("name"),
        sector=t.string("sector", choices=SECTORS),
        stance=tuple(t.vector("stance", k, -1.0, 1.0)),
        salience=_salience(t, k),
        power=_power_profile(t, "power"),
        capacity=t.number("capacity", 0.01, 100.0),
        outside_option=t.number("outside_option", 0.0, 100.0),
        essential=t.boolean("essential", False),
        description=t.string("description", ""),
    )
    t.done()
    return spec


def _template_tables(gen: Table) -> list[Table]:
    sectors = gen.table("sectors")
    tables = []
    for sector in list(sectors.data):
        if sector not in SECTORS:
            raise sectors.error(
                sector,
                f"unknown sector{did_you_mean(sector, SECTORS)}; "
                f"expected one of {', '.join(SECTORS)}",
            )
        tables.append(sectors.table(sector))
    sectors.done()
    if not tables:
        raise gen.error("sectors", "at least one sector template is needed")
    return tables


def _template(t: Table, k: int) -> PartnerTemplate:
    template = PartnerTemplate(
        sector=t.path.rsplit(".", 1)[-1],
        weight=t.number("weight", 0.0, 1e6),
        stance=tuple(t.vector("stance", k, -1.0, 1.0)),
        salience=_salience(t, k),
        power=_power_profile(t, "power"),
        capacity=t.number("capacity", 0.01, 100.0),
        outside_option=t.number("outside_option", 0.0, 100.0),
    )
    t.done()
    return template


__all__ = [
    "ConfigError",
    "PartnerSpec",
    "PartnerTemplate",
    "Scenario",
    "available_scenarios",
    "builtin_scenario_path",
    "check_number",
    "load_builtin_scenario",
    "load_scenario",
    "scenario_path",
    "scenario_reference",
]
