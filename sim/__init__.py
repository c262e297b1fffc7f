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

from sim.api import Results, load, run
from sim.config.configuration import Configuration, configure
from sim.config.knobs import KNOBS, Knob
from sim.config.scenario import available_scenarios, load_scenario
from sim.config.validation import ConfigError
from sim.model import AllianceModel
from sim.sweeps.experiment import Experiment

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
