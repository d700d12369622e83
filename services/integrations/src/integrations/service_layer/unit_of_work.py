"""What integrations' handlers need of storage: one unit of work per jurisdiction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from chassis.uow import Units

Doc = dict[str, Any]


class FeedPort(Protocol):
    """One jurisdiction's stored events, by position."""

    async def next_position(self) -> int:
        """Take the next position (in the storing transaction: commit order)."""

    async def append(self, event: Doc) -> None: ...

    async def head(self) -> int:
        """The newest position given out; 0 before the first event."""

    async def exists(self, position: int) -> bool: ...

    async def window(self, after: int, last: int) -> list[Doc]:
        """The events at positions after ``after`` up to ``last``, in order."""


class IntegrationsUnitOfWork(Protocol):
    @property
    def jurisdiction_id(self) -> str: ...
    @property
    def feed(self) -> FeedPort: ...
    @property
    def now(self) -> datetime: ...


IntegrationsUnits = Units[IntegrationsUnitOfWork]
