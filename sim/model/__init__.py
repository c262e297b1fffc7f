"""The model and its mechanisms: partners, environment, negotiation, commitment, value,
assessment and the alliance manager's interventions, wired together by :class:`AllianceModel`."""

from sim.model.model import AllianceModel

__all__ = ["AllianceModel"]
