"""The base class of integration events; each registers itself by its type
as its module is imported (``contracts.registry`` imports them all).

Each event is one pydantic model with its CloudEvents ``type`` (which carries
the version) and its topic. Consumers route on the explicit type, never on a
class name. Within a version only optional fields may be added; a breaking
change is a new class with ``.v2`` published side by side.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

_REGISTRY: dict[str, type[IntegrationEvent]] = {}


class IntegrationEvent(BaseModel):
    """An event another context may consume."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]
    subject_field: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("event_type")
        if event_type is None:
            return
        if event_type in _REGISTRY:
            raise TypeError(f"event type {event_type} registered twice")
        _REGISTRY[event_type] = cls

    def subject(self) -> str:
        """The aggregate id: CloudEvents ``subject`` and the Kafka record key."""
        return str(getattr(self, self.subject_field))


class ConfigurationChanged(IntegrationEvent):
    """A jurisdiction's configuration was changed (its audit trail: who,
    what, when): each context publishes its own, of this shape."""

    subject_field: ClassVar[str] = "jurisdiction_id"

    jurisdiction_id: str
    what: str  # "payment settings", "permit type RES"…
    changed_by: str  # the account that changed it
    changed: list[str] = Field(default_factory=list, description="the settings that differ")


def defined() -> dict[str, type[IntegrationEvent]]:
    """The events whose modules are imported so far, by type (the whole
    registry is ``contracts.registry``, which imports every context module)."""
    return dict(_REGISTRY)
