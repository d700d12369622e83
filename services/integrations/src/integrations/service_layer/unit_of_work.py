"""What integrations' handlers need of storage: one unit of work per jurisdiction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from chassis.uow import Units
from contracts import IntegrationEvent
from integrations.service_layer.open_data import OpenDataPort

Doc = dict[str, Any]


class FeedPort(Protocol):
    """One jurisdiction's stored events, by position."""

    async def next_position(self) -> int:
        """Take the next position (in the storing transaction: commit order)."""

    async def append(self, event: Doc) -> None: ...

    async def head(self) -> int:
        """The newest position given out; 0 before the first event."""

    async def exists(self, position: int) -> bool: ...

    async def at(self, position: int) -> Doc | None: ...
    async def by_id(self, event_id: str) -> Doc | None: ...
    async def stored_at(self, position: int) -> Any: ...

    async def window(self, after: int, last: int) -> list[Doc]:
        """The events at positions after ``after`` up to ``last``, in order."""


class EndpointsPort(Protocol):
    """One jurisdiction's webhook endpoints and their delivery log."""

    def seal(self, secret: str) -> Doc:
        """How a signing secret is stored (sealed with the installation's key)."""

    async def all(self) -> list[Doc]: ...
    async def get(self, endpoint_id: str) -> Doc | None: ...
    async def add(self, doc: Doc) -> None: ...
    async def change(self, endpoint_id: str, update: Doc) -> Doc | None: ...
    async def remove(self, endpoint_id: str) -> bool: ...

    async def wake(self, endpoint_ids: list[str], now: datetime) -> None:
        """Make the idle ones of ``endpoint_ids`` due now."""

    async def replay(self, endpoint_id: str, position: int) -> bool: ...
    async def rewind(self, endpoint_id: str, position: int) -> None: ...
    async def log(self, endpoint_id: str, low: int, high: int) -> list[Doc]: ...
    async def held_change(self, endpoint_id: str, owner: str, update: Doc) -> Doc | None: ...
    async def admins(self) -> list[str]: ...
    async def admin(self, membership_id: str, email: str | None) -> None: ...


class IntegrationsUnitOfWork(Protocol):
    @property
    def jurisdiction_id(self) -> str: ...
    @property
    def feed(self) -> FeedPort: ...
    @property
    def endpoints(self) -> EndpointsPort: ...
    @property
    def open_data(self) -> OpenDataPort: ...
    @property
    def now(self) -> datetime: ...

    def emit(self, event: IntegrationEvent) -> None:
        """Record ``event`` of this jurisdiction (published after commit)."""


IntegrationsUnits = Units[IntegrationsUnitOfWork]
