"""The one gate between input and model: a scenario plus knobs become a validated configuration.

Everything a run needs to know before it starts is resolved here, once: the
scenario (read from its file once per process), every knob and constant with
its value checked against its range, and the rules that tie the two together
(``n_partners`` only for scenarios that generate their partners). The model
takes a :class:`Configuration` and never reads a file; a sweep's worker resolves one
per design point and builds every run of that point from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sim.config.knobs import KnobError, resolve_knobs
from sim.config.scenario import Scenario, load_scenario
from sim.config.validation import ConfigError


@dataclass(frozen=True)
class Configuration:
    """A scenario with every parameter resolved and validated.

    Attributes:
        scenario: the validated scenario (partners or templates, environment).
        params: every knob and constant (see :data:`sim.config.knobs.KNOBS`), read-only.
    """

    scenario: Scenario
    params: MappingProxyType[str, Any]

    def __reduce__(self):  # a read-only mapping does not pickle; workers get a plain dict back
        return (_rebuild, (self.scenario, dict(self.params)))

    @property
    def name(self) -> str:
        return self.scenario.name


def _rebuild(scenario: Scenario, params: dict[str, Any]) -> Configuration:
    return Configuration(scenario, MappingProxyType(params))


def configure(scenario: str | Path | Scenario | Configuration, **knobs: Any) -> Configuration:
    """Resolve ``scenario`` (a name, a path or a loaded scenario) with ``knobs`` over its defaults.

    Raises:
        ConfigError: naming the scenario file (or ``knobs`` for a caller's keyword) and the key.
    """
    if isinstance(scenario, Configuration):
        if not knobs:
            return scenario
        return configure(scenario.scenario, **{**_overrides(scenario), **knobs})
    loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if "n_partners" in knobs and not loaded.generated:
        raise ConfigError(
            "knobs",
            "n_partners",
            f"applies only to scenarios that generate their partners; {loaded.name!r} lists them",
        )
    try:
        params = resolve_knobs(loaded.knobs, knobs)
    except KnobError as exc:
        raise ConfigError("knobs", exc.key, str(exc)) from None
    return Configuration(loaded, MappingProxyType(params))


def _overrides(config: Configuration) -> dict[str, Any]:
    """The parameters of ``config`` that differ from its scenario's own resolution."""
    base = resolve_knobs(config.scenario.knobs)
    return {k: v for k, v in config.params.items() if base[k] != v}
