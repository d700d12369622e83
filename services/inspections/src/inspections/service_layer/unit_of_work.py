"""What inspections' handlers need of storage: one unit of work per jurisdiction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from chassis.reads import Documents
from chassis.repository import AggregateRepository
from chassis.uow import Units
from contracts import IntegrationEvent
from inspections.domain.calendar import Calendar, calendar_from
from inspections.domain.inspection import Inspection
from inspections.domain.permit import InspectablePermit

Doc = dict[str, Any]


class SettingsPort(Protocol):
    async def load(self) -> Doc:
        """The settings over the defaults, with ``effective_time_zone``."""

    async def put(self, body: Doc) -> None: ...


class ZonesPort(Protocol):
    async def remember(self, name: str, time_zone: str) -> None: ...


class SlotsPort(Protocol):
    """Booked counts per key (an inspection type, or an area) and local date."""

    async def ensure(self, key: str, day: date) -> None:
        """Create the counter outside the transaction that will count on it."""

    async def booked(self, key: str) -> dict[date, int]: ...
    async def taken(self, key: str, day: date) -> int: ...
    async def add(self, key: str, day: date, n: int) -> None: ...


class InspectionsUnitOfWork(Protocol):
    @property
    def jurisdiction_id(self) -> str: ...
    @property
    def inspections(self) -> AggregateRepository[Inspection]: ...
    @property
    def permits(self) -> AggregateRepository[InspectablePermit]: ...
    @property
    def settings(self) -> SettingsPort: ...
    @property
    def zones(self) -> ZonesPort: ...
    @property
    def slots(self) -> SlotsPort: ...
    @property
    def now(self) -> datetime: ...

    def emit(self, event: IntegrationEvent) -> None:
        """Record ``event`` of this jurisdiction, published once the unit commits."""
        ...

    @property
    def inspection_docs(self) -> Documents:
        """Inspections as documents, for read views (lists, searches)."""
        ...

    @property
    def permit_docs(self) -> Documents:
        """Permits' inspectable state as documents, for read views."""
        ...


InspectionsUnits = Units[InspectionsUnitOfWork]


async def calendar_of(uow: InspectionsUnitOfWork) -> tuple[Calendar, Doc]:
    settings = await uow.settings.load()
    return calendar_from(settings, settings["effective_time_zone"]), settings
