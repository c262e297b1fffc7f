"""Agent-based simulator of alliance dynamics.

Partners with different goals and power bases collaborate as equals in a moving
context; an alliance manager chooses a position between home and joint interest
and intervenes. ``AllianceModel`` is the entry point::

    from sim import AllianceModel
    model = AllianceModel(scenario="pps_infrastructure", rng=7, manager="independent")
    outcomes = model.run()

Experiments, from a notebook as from the command line (see ``sim.api`` and
docs/notebook.ipynb)::

    from sim import Experiment, run
    results = run(Experiment.from_file("experiments/demo.toml"), force=True)
    results.runs  # one row per run: design, seed, outcomes
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.api import Results, load, run
    from sim.config.configuration import Configuration, configure
    from sim.config.knobs import KNOBS, Knob
    from sim.config.scenario import available_scenarios, load_scenario
    from sim.config.validation import ConfigError
    from sim.model import AllianceModel
    from sim.sweeps.experiment import Experiment

#: Where each name of the package lives. They are imported when first used, so that a
#: command that only reads results (the report) does not load Mesa and the compiled model.
_EXPORTS = {
    "Results": "sim.api",
    "load": "sim.api",
    "run": "sim.api",
    "Configuration": "sim.config.configuration",
    "configure": "sim.config.configuration",
    "KNOBS": "sim.config.knobs",
    "Knob": "sim.config.knobs",
    "available_scenarios": "sim.config.scenario",
    "load_scenario": "sim.config.scenario",
    "ConfigError": "sim.config.validation",
    "AllianceModel": "sim.model",
    "Experiment": "sim.sweeps.experiment",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [
    "KNOBS",
    "AllianceModel",
    "ConfigError",
    "Configuration",
    "Experiment",
    "Knob",
    "Results",
    "available_scenarios",
    "configure",
    "load",
    "load_scenario",
    "run",
]
__version__ = "0.2.0"
