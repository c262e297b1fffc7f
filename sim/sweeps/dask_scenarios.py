"""A sweep's scenarios on a Dask cluster: handed to every worker, including those that join
after the sweep started, as the sweep read them (:func:`sim.sweeps.worker.hold_scenarios`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from distributed import WorkerPlugin

from sim.sweeps.worker import hold_scenarios

if TYPE_CHECKING:
    from sim.config.scenario import Scenario


class HeldScenarios(WorkerPlugin):
    """Holds a sweep's scenarios, by digest, in each worker of the cluster. Registered under
    one name, so that a sweep's registration replaces the one before it."""

    name = "alliance-sim-scenarios"

    def __init__(self, pinned: Mapping[str, Scenario]) -> None:
        self.pinned = dict(pinned)

    def setup(self, worker: Any) -> None:
        hold_scenarios(self.pinned)
