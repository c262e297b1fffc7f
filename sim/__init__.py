"""Agent-based simulator of alliance dynamics.

Partners with different goals and power bases collaborate as equals in a moving
context; an alliance manager chooses a position between home and joint interest
and intervenes. ``AllianceModel`` is the entry point::

    from sim import AllianceModel
    model = AllianceModel(scenario="pps_infrastructure", rng=7, manager="independent")
    outcomes = model.run()
"""

from sim.config.configuration import Configuration, configure
from sim.config.knobs import KNOBS, Knob
from sim.model import AllianceModel
from sim.config.scenario import available_scenarios, load_scenario
from sim.config.validation import ConfigError

__all__ = ["KNOBS", "AllianceModel", "ConfigError", "Configuration", "Knob", "available_scenarios",
           "configure", "load_scenario"]
__version__ = "0.2.0"
