"""What a consumer routes an event to: the handler of its type, the model its
data is read into, and the context the handler gets (the event's envelope and
the consumer's transaction)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from chassis.uow import Transaction
from contracts import Envelope


class PermanentError(Exception):
    """Retrying cannot help: the event goes to the dead-letter topic at once."""


@dataclass(frozen=True)
class EventContext:
    envelope: Envelope
    tx: Transaction


E = TypeVar("E")


@dataclass
class Route(Generic[E]):
    """The handler of one event type, and the model its data is read into."""

    model: type[E]
    handler: Callable[[E, EventContext], Awaitable[None]]


class RoutedConsumer(Protocol):
    """What handling a poll reads of a consumer (``chassis.consumer.EventConsumer``)."""

    name: str
    _routes: dict[str, Route[Any]]

    def name_for(self, topic: str) -> str: ...
