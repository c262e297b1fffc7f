"""Experiment files: which scenario, which factors, which design, how many replications.

An experiment is a TOML file (see ``experiments/``) or a dict of the same shape, read
into an immutable :class:`Experiment`. Factors are the model's knobs (plus ``scenario``, to
cross scenarios); a factor is a list of values, or for sampled designs a range
``{ low = .., high = .. }``.

An experiment may instead name *policies* (what a decision maker chooses: ``[[policy]]``
tables with a name and knob settings, or a ``[policies]`` table of levels crossed
factorially) and *uncertainties* (what nobody chooses: ``[uncertainties]``, sampled by the
design into futures). Every policy then runs on the same futures with the same seeds, so
comparisons between policies are paired (common random numbers).

Everything is validated before any run starts, so a bad file stops the command with exit
code 2 and nothing written.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sim.config.knobs import KNOBS, did_you_mean, resolve_knobs
from sim.config.relevance import inert_knobs, reason
from sim.config.scenario import Scenario, load_scenario, scenario_reference
from sim.config.validation import ConfigError, Table, load_toml
from sim.model.outcomes import OUTCOMES

DESIGNS = ("factorial", "lhs", "sobol", "morris")
#: Outcomes a robustness table can rank designs by: the registry's numeric outcomes.
ANALYSIS_OUTCOMES = tuple(name for name, o in OUTCOMES.items() if o.kind in (float, int))
SAMPLED = ("lhs", "sobol", "morris")
#: Designs that can sample the futures of a policies-by-futures experiment.
FUTURE_DESIGNS = ("factorial", "lhs")
#: Languages a report's summary can be written in.
LANGUAGES = ("en", "nl")
#: Run columns a paired experiment adds: which policy, which future.
PAIRING_COLUMNS = ("policy", "future")
#: Most policies a [policies] table may cross (each runs on every future).
MAX_POLICIES = 10_000
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a list of ``levels``, or a numeric range ``low``..``high``."""

    name: str
    levels: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None

    @property
    def is_range(self) -> bool:
        return self.low is not None


@dataclass(frozen=True)
class Policy:
    """A named option a decision maker could choose: settings of the levers (knobs)."""

    name: str
    knobs: dict[str, Any]


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: everything needed to plan and rerun a sweep."""

    name: str
    source: str
    description: str
    scenarios: tuple[str, ...]
    replications: int
    seed: int
    design: str
    samples: int
    factors: tuple[Factor, ...]
    knobs: dict[str, Any] = field(default_factory=dict)
    timeseries: bool = False
    levels: int = 4
    analysis: dict[str, Any] = field(default_factory=dict)
    policies: tuple[Policy, ...] = ()
    language: str = "en"

    @property
    def is_paired(self) -> bool:
        """True when policies run on shared futures (the factors are then the uncertainties)."""
        return bool(self.policies)

    @property
    def uncertainties(self) -> tuple[Factor, ...]:
        """The sampled uncertainties of a paired experiment (empty otherwise)."""
        return self.factors if self.is_paired else ()

    @property
    def policy_knobs(self) -> tuple[str, ...]:
        """Every knob some policy sets, in first-mentioned order."""
        return tuple(dict.fromkeys(k for p in self.policies for k in p.knobs))

    def run_columns(self) -> list[str]:
        """The design's columns in runs.parquet, after the scenario and before the outcomes."""
        names = [f.name for f in self.factors if f.name != "scenario"]
        if self.is_paired:
            return [*PAIRING_COLUMNS, *self.policy_knobs, *names]
        return names

    def spec(self, scenarios: Mapping[str, Scenario] | None = None) -> dict[str, Any]:
        """A canonical, JSON-ready description, including the scenarios as resolved: as given
        in ``scenarios`` (see :meth:`read_scenarios`), else as their files say now."""
        scenarios = self.read_scenarios() if scenarios is None else scenarios
        data = asdict(self)
        data.pop("source")
        data["resolved_scenarios"] = {s: _scenario_dict(scenarios[s]) for s in self.scenarios}
        return json.loads(json.dumps(data, default=list))

    def fingerprint(self, scenarios: Mapping[str, Scenario] | None = None) -> str:
        """SHA-256 of :meth:`spec`: two experiments with the same fingerprint give the same runs."""
        return hashlib.sha256(json.dumps(self.spec(scenarios), sort_keys=True).encode()).hexdigest()

    def read_scenarios(self) -> dict[str, Scenario]:
        """Each of the experiment's scenarios as its file says now. A sweep reads them once,
        at its start, and runs them as read then (:func:`scenario_digest`)."""
        return {s: load_scenario(s) for s in self.scenarios}

    def quick(self) -> Experiment:
        """A small version for a first look: few replications and samples."""
        return replace(
            self,
            name=self.name + "-quick",
            replications=min(self.replications, 3),
            samples=min(self.samples, 16),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Experiment:
        """Read and validate an experiment file (see :func:`load_experiment`)."""
        return load_experiment(path)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<dict>") -> Experiment:
        """Validate an experiment given as a dict shaped like the TOML file.

        Errors name ``source`` in place of a file; scenario paths resolve as in a file
        in the working directory.
        """
        return experiment_from_dict(data, source)


def _scenario_dict(scenario: Scenario) -> dict[str, Any]:
    data = asdict(scenario)
    data.pop("source")
    return data


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of a scenario as resolved, the form the manifest records: which version of a
    scenario file a sweep's runs must use, whatever happens to the file during the sweep."""
    text = json.dumps(_scenario_dict(scenario), sort_keys=True, default=list)
    return hashlib.sha256(text.encode()).hexdigest()


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file.

    Raises:
        ConfigError: naming the file and the key for any invalid content, including
            factor values outside a knob's range and scenarios that do not exist.
    """
    path = Path(path)
    return experiment_from_dict(load_toml(path), path)


def experiment_from_dict(data: dict[str, Any], path: str | Path = "<dict>") -> Experiment:
    """Validate the contents of an experiment file, given as a dict (``path`` names it in errors)."""
    path = Path(path)
    top = Table(data, str(path))
    exp = top.table("experiment")
    name = exp.string("name")
    if not _NAME.match(name):
        raise exp.error(
            "name",
            f"{name!r} must be letters, digits, '_', '-' or '.', "
            "starting with a letter or digit (it names the results folder)",
        )
    description = exp.string("description", "")
    replications = exp.number("replications", 1, 1_000_000, 1, integer=True)
    seed = exp.number("seed", 0, 2**63 - 1, integer=True)
    steps = exp.number("steps", 1, KNOBS["horizon"].high, None, integer=True)
    timeseries = exp.boolean("timeseries", False)
    language = exp.string("language", "en", choices=LANGUAGES)
    scenario = exp.raw("scenario", None)

    design_table = top.table("design", None)
    design, samples, levels = "factorial", 64, 4
    if design_table is not None:
        design = design_table.string("kind", "factorial", choices=DESIGNS)
        samples = design_table.number("samples", 2, 1_000_000, 64, integer=True)
        levels = design_table.number("levels", 2, 20, 4, integer=True)
        design_table.done()
        if design == "sobol" and samples & (samples - 1):
            raise design_table.error("samples", f"Sobol designs need a power of two, got {samples}")

    factor_table = top.table("factors", None)
    factors = _factors(factor_table, design) if factor_table is not None else ()
    uncertainty_table = top.table("uncertainties", None)
    named_policies = top.tables("policy") if top.has("policy") else None
    policy_table = top.table("policies", None)
    paired = named_policies is not None or policy_table is not None
    if paired or uncertainty_table is not None:
        _check_paired(top, factor_table, uncertainty_table, named_policies, policy_table, design)
        factors = _factors(uncertainty_table, design)
    knob_table = top.table("knobs", None)
    knobs = _fixed_knobs(knob_table) if knob_table is not None else {}
    exp.done()

    scenario_factor = next((f for f in factors if f.name == "scenario"), None)
    if scenario_factor is not None and scenario is not None:
        raise exp.error("scenario", "give the scenario here or as a factor, not both")
    if scenario_factor is not None:
        scenarios = tuple(scenario_factor.levels)
    elif isinstance(scenario, str):
        scenarios = (scenario,)
    elif scenario is None:
        raise exp.error("scenario", "required key is missing (or vary it as a factor)")
    else:
        raise exp.error("scenario", f"expected a scenario name, got {scenario!r}")
    # A scenario path means a file beside the experiment file, from any working folder.
    scenarios = tuple(scenario_reference(s, path.parent) for s in scenarios)
    if scenario_factor is not None:
        factors = tuple(
            replace(f, levels=scenarios) if f is scenario_factor else f for f in factors
        )
    loaded = {}
    for i, s in enumerate(scenarios):
        key = "experiment.scenario" if scenario_factor is None else f"factors.scenario[{i}]"
        try:
            loaded[s] = load_scenario(s)
        except ConfigError as exc:
            if exc.key or Path(exc.file).exists():
                raise
            raise ConfigError(
                path,
                key,
                f"no scenario {s!r}; known: " + str(exc).rsplit("known scenarios: ", 1)[-1],
            ) from None
    policies: tuple[Policy, ...] = ()
    if named_policies is not None:
        policies = _named_policies(named_policies)
        _check_relevance(named_policies, policies, loaded[scenarios[0]], knobs)
    elif policy_table is not None:
        policies = _crossed_policies(policy_table, loaded[scenarios[0]], knobs)
    policy_knobs = {k for p in policies for k in p.knobs}
    for name in sorted(policy_knobs & {f.name for f in factors}):
        raise ConfigError(
            path,
            f"uncertainties.{name}",
            "is also set by a policy; a knob is a lever or an uncertainty, not both",
        )
    for name in sorted(policy_knobs & knobs.keys()):
        raise ConfigError(
            path,
            f"knobs.{name}",
            "is also set by a policy; fix it or let the policies set it, not both",
        )
    analysis_table = top.table("analysis", None)
    analysis_names = [f.name for f in factors] + (
        ["policy", *sorted(policy_knobs)] if policies else []
    )
    analysis = _analysis(analysis_table, analysis_names) if analysis_table is not None else {}
    top.done()

    varied = {f.name for f in factors} | policy_knobs
    if steps is not None:
        if "horizon" in knobs or "horizon" in varied:
            raise exp.error("steps", "give steps or a horizon knob, not both")
        knobs["horizon"] = steps
    for key in ("n_partners",):
        if key in knobs or key in varied:
            fixed = [s for s, sc in loaded.items() if not sc.generated]
            if fixed:
                raise ConfigError(
                    path,
                    f"factors.{key}" if key in varied else f"knobs.{key}",
                    f"scenario {fixed[0]!r} lists its partners; only scenarios "
                    "that generate them take n_partners",
                )
    for overlap in varied & knobs.keys():
        raise ConfigError(path, f"knobs.{overlap}", "is also a factor; fix it or vary it, not both")
    if "manager_position" in {f.name for f in factors}:
        modes = next(
            (f.levels for f in factors if f.name == "manager"), (knobs.get("manager", "none"),)
        )
        if "lead_partner" not in modes:
            raise ConfigError(
                path,
                "factors.manager_position",
                "only a lead partner's manager has a "
                "position between home and joint interest; with manager "
                f"{', '.join(map(repr, modes))} varying it changes nothing",
            )
    if design in SAMPLED and not policies and not any(f.is_range for f in factors):
        raise ConfigError(
            path,
            "factors",
            f"a {design} design needs at least one range factor ({{ low = .., high = .. }})",
        )
    return Experiment(
        name=name,
        source=str(path),
        description=description,
        scenarios=scenarios,
        replications=replications,
        seed=seed,
        design=design,
        samples=samples,
        factors=factors,
        knobs=knobs,
        timeseries=timeseries,
        levels=levels,
        analysis=analysis,
        policies=policies,
        language=language,
    )


def _check_paired(
    top: Table,
    factor_table: Table | None,
    uncertainty_table: Table | None,
    named: list[Table] | None,
    crossed: Table | None,
    design: str,
) -> None:
    """The shape rules of a policies-by-futures experiment."""
    if factor_table is not None:
        raise top.error(
            "factors",
            "an experiment with policies and uncertainties has no "
            "[factors]: put levers in [[policy]] or [policies], the rest in "
            "[uncertainties]",
        )
    if named is not None and crossed is not None:
        raise top.error(
            "policies", "name the policies ([[policy]]) or cross levels ([policies]), not both"
        )
    if named is not None and not named:
        raise top.error("policy", "expected at least one [[policy]] table")
    if named is None and crossed is None:
        raise top.error(
            "policy",
            "[uncertainties] need policies to compare: add [[policy]] "
            "tables (a name and knob settings) or a [policies] table of levels",
        )
    if uncertainty_table is None:
        raise top.error(
            "uncertainties",
            "policies need futures to run on: add an "
            "[uncertainties] table (knob = [low, high] or a list of levels)",
        )
    if design not in FUTURE_DESIGNS:
        raise top.error(
            "design.kind",
            f"futures are sampled by a {' or '.join(FUTURE_DESIGNS)} design, not {design!r}",
        )
    if not uncertainty_table.data:
        raise top.error(
            "uncertainties",
            "is empty; name at least one uncertainty (knob = "
            "{ low = .., high = .. } or a list of levels) for the futures to differ in",
        )
    if "scenario" in uncertainty_table.data:
        raise uncertainty_table.error(
            "scenario",
            "a paired experiment runs one scenario; compare scenarios in separate experiments",
        )


def _named_policies(tables: list[Table]) -> tuple[Policy, ...]:
    """``[[policy]]`` tables: each a unique ``name`` and knob settings."""
    policies, seen = [], set()
    for table in tables:
        name = table.string("name")
        if not name.strip() or len(name) > 80:
            raise table.error("name", "a policy needs a name of 1-80 characters")
        if name in seen:
            raise table.error("name", f"two policies are called {name!r}; names must differ")
        seen.add(name)
        settings = {k: v for k, v in table.data.items() if k != "name"}
        knobs = _fixed_knobs(Table(settings, table.file, table.path))
        table.used.update(settings)
        table.done()
        policies.append(Policy(name, knobs))
    return tuple(policies)


def _check_relevance(
    tables: list[Table], policies: tuple[Policy, ...], scenario: Scenario, fixed: dict[str, Any]
) -> None:
    """A named policy may not set a lever that cannot act under its own settings."""
    for table, policy in zip(tables, policies, strict=True):
        inert = (
            inert_knobs(resolve_knobs(scenario.knobs, fixed, policy.knobs)) & policy.knobs.keys()
        )
        for name in sorted(inert):
            raise table.error(
                name,
                f"has no effect in policy {policy.name!r}: {reason(name)} "
                f"(manager = {resolve_knobs(scenario.knobs, fixed, policy.knobs)['manager']!r})",
            )


def _crossed_policies(
    table: Table, scenario: Scenario, fixed: dict[str, Any]
) -> tuple[Policy, ...]:
    """``[policies]``: every combination of the listed levels that can make a difference.

    A lever that cannot act under a combination (see :mod:`sim.config.relevance`) is left
    out of it, and the combinations that then coincide are run once.
    """
    levers = _factors(table, "factorial")
    for lever in levers:
        if lever.name == "scenario":
            raise table.error("scenario", "a paired experiment runs one scenario")
    combinations = 1
    for lever in levers:
        combinations *= len(lever.levels)
    if combinations > MAX_POLICIES:
        raise table.error(
            levers[0].name,
            f"{combinations:,} combinations of levels; a comparison "
            f"of policies takes at most {MAX_POLICIES:,} (name the policies worth "
            "comparing in [[policy]] tables instead)",
        )
    policies: dict[tuple[tuple[str, Any], ...], Policy] = {}
    for combo in itertools.product(*(f.levels for f in levers)):
        knobs = dict(zip((f.name for f in levers), combo, strict=True))
        inert = inert_knobs(resolve_knobs(scenario.knobs, fixed, knobs))
        knobs = {k: v for k, v in knobs.items() if k not in inert}
        key = tuple(knobs.items())
        if key not in policies:
            policies[key] = Policy(_policy_name(knobs), knobs)
    return tuple(policies.values())


def _policy_name(knobs: dict[str, Any]) -> str:
    """A readable name for a combination of lever settings."""

    def show(value: Any) -> str:
        if isinstance(value, tuple):
            return "+".join(value) or "none"
        return f"{value:g}" if isinstance(value, float) else str(value)

    return ", ".join(f"{k}={show(v)}" for k, v in knobs.items()) or "baseline"


def _analysis(table: Table, names: list[str]) -> dict[str, Any]:
    """How the report should read the sweep: the main grouping, and for robustness
    tables which factors are design levers and which are uncertainties."""
    analysis: dict[str, Any] = {}
    group = table.string("group", None, choices=tuple(names))
    if group is not None:
        analysis["group"] = group
    for key in ("levers", "uncertainties"):
        values = table.strings(key, [])
        for i, value in enumerate(values):
            if value not in names:
                raise table.error(
                    f"{key}[{i}]", f"{value!r} is not a factor{did_you_mean(value, names)}"
                )
        if values:
            analysis[key] = values
    outcome = table.string("outcome", None, choices=ANALYSIS_OUTCOMES)
    if outcome is not None:
        analysis["outcome"] = outcome
    modifiers = table.strings("modifiers", [])
    for i, value in enumerate(modifiers):
        if value not in names or value == analysis.get("group"):
            raise table.error(
                f"modifiers[{i}]",
                f"{value!r} is not a factor other than the group{did_you_mean(value, names)}",
            )
    if modifiers:
        analysis["modifiers"] = modifiers
    heatmaps = table.raw("heatmaps", None)
    if heatmaps is not None:
        analysis["heatmaps"] = _heatmap_pairs(table, heatmaps, names)
    if "uncertainties" in analysis and "levers" not in analysis:
        raise table.error("levers", "uncertainties need levers to compare")
    table.done()
    return analysis


def _heatmap_pairs(table: Table, value: Any, names: list[str]) -> list[list[str]]:
    """``heatmaps = [["manager", "scenario"], ...]``: pairs of distinct factors (rows, columns)."""
    if not isinstance(value, list) or not value:
        raise table.error(
            "heatmaps", 'expected a list of factor pairs, e.g. [["manager", "scenario"]]'
        )
    for i, pair in enumerate(value):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(v, str) for v in pair)
            or pair[0] == pair[1]
        ):
            raise table.error(
                f"heatmaps[{i}]", f"expected two different factor names, got {pair!r}"
            )
        for name in pair:
            if name not in names:
                raise table.error(
                    f"heatmaps[{i}]", f"{name!r} is not a factor{did_you_mean(name, names)}"
                )
    return [list(pair) for pair in value]


def _factors(table: Table, design: str) -> tuple[Factor, ...]:
    factors = []
    for name in list(table.data):
        value = table.raw(name)
        if name == "scenario":
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, str) for v in value)
            ):
                raise table.error(name, "expected a non-empty list of scenario names")
            factors.append(Factor(name, tuple(value)))
            continue
        if name not in KNOBS:
            raise table.error(
                name,
                f"unknown factor{did_you_mean(name, [*KNOBS, 'scenario'])}; "
                "factors are the model's knobs (see `run_experiment.py describe`)",
            )
        knob = KNOBS[name]
        if isinstance(value, dict):
            factors.append(_range_factor(table, name, value, design))
        elif isinstance(value, list) and value:
            levels = []
            for i, level in enumerate(value):
                try:
                    levels.append(knob.coerce(level))
                except ValueError as exc:
                    raise table.error(f"{name}[{i}]", str(exc).split(": ", 1)[1]) from None
            factors.append(Factor(name, tuple(levels)))
        else:
            raise table.error(
                name,
                f"expected a non-empty list of values or a range "
                f"{{ low = .., high = .. }}, got {value!r}",
            )
    table.done()
    return tuple(factors)


def _range_factor(table: Table, name: str, value: dict[str, Any], design: str) -> Factor:
    knob = KNOBS[name]
    if design == "factorial":
        raise table.error(name, "a factorial design needs a list of levels, not a range")
    if knob.kind not in (float, int):
        raise table.error(name, f"only numeric knobs take a range; {name} takes {knob.allowed}")
    bounds = Table(value, table.file, table.key_path(name))
    assert knob.low is not None and knob.high is not None  # numeric knobs have bounds
    low = bounds.number("low", knob.low, knob.high)
    high = bounds.number("high", knob.low, knob.high)
    bounds.done()
    if not low < high:
        raise bounds.error("high", f"must be greater than low ({low:g}), got {high:g}")
    return Factor(name, low=low, high=high)


def _fixed_knobs(table: Table) -> dict[str, Any]:
    knobs = {}
    for name in list(table.data):
        if name not in KNOBS:
            table.raw(name)
            raise table.error(name, f"unknown knob{did_you_mean(name, KNOBS)}")
        try:
            knobs[name] = KNOBS[name].coerce(table.raw(name))
        except ValueError as exc:
            raise table.error(name, str(exc).split(": ", 1)[1]) from None
    table.done()
    return knobs


__all__ = ["DESIGNS", "Experiment", "Factor", "Policy", "experiment_from_dict", "load_experiment"]
