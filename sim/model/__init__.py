"""The model and its mechanisms: partners, environment, negotiation, commitment, value,
assessment and the alliance manager's interventions, wired together by :class:`AllianceModel`."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model.model import AllianceModel

__all__ = ["AllianceModel"]


def __getattr__(name: str) -> Any:
    # Imported when first used: reading the outcome registry (sim.model.outcomes) must not
    # load Mesa and the compiled model.
    if name == "AllianceModel":
        from sim.model.model import AllianceModel

        return AllianceModel
    raise AttributeError(f"module 'sim.model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
