"""What permits' handlers need of storage: one unit of work per jurisdiction.

The Mongo implementation is :class:`permits.adapters.unit_of_work.MongoPermitsUnitOfWork`;
unit tests use the fakes in ``tests/unit/fakes.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from chassis.reads import Documents
from chassis.repository import AggregateRepository
from chassis.uow import Units
from contracts import IntegrationEvent
from permits.domain.permit import Permit
from permits.domain.permit_type import PermitType

Doc = dict[str, Any]


class PermitTypesPort(Protocol):
    async def get(self, code: str) -> PermitType | None: ...
    async def all(self) -> list[PermitType]: ...
    async def documents(self) -> list[Doc]: ...
    async def put(self, code: str, body: Doc) -> Doc: ...


class CountersPort(Protocol):
    async def ensure(self, type_code: str, year: int) -> None: ...
    async def next(self, type_code: str, year: int) -> int: ...


class LinkAttemptsPort(Protocol):
    async def failures_since(self, account_id: str, since: datetime) -> int: ...
    async def record_failure(self, account_id: str, at: datetime) -> None: ...


class JurisdictionsPort(Protocol):
    async def time_zone(self) -> str: ...
    async def remember(self, name: str, time_zone: str) -> None: ...


class PermitsUnitOfWork(Protocol):
    """Read-only members: an implementation may hold narrower types."""

    @property
    def jurisdiction_id(self) -> str: ...
    @property
    def permits(self) -> AggregateRepository[Permit]: ...
    @property
    def permit_types(self) -> PermitTypesPort: ...
    @property
    def counters(self) -> CountersPort: ...
    @property
    def link_attempts(self) -> LinkAttemptsPort: ...
    @property
    def jurisdictions(self) -> JurisdictionsPort: ...
    @property
    def permit_docs(self) -> Documents:
        """The permits as documents, for read views (dashboards, searches)."""
        ...

    @property
    def now(self) -> datetime: ...

    def emit(self, event: IntegrationEvent) -> None:
        """Record ``event`` of this jurisdiction, published once the unit commits."""
        ...


PermitsUnits = Units[PermitsUnitOfWork]


async def terms_of(uow: PermitsUnitOfWork, permit: Permit) -> PermitType:
    """The permit's type (its fee schedule, inspections, issuance terms)."""
    found = await uow.permit_types.get(permit.type_code)
    return found or PermitType.default(permit.type_code, permit.type_name)
