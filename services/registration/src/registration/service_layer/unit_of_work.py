"""What registration's handlers need: one unit of work per jurisdiction, the
document store and identity (for the registrant's account)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from chassis.documents import DocumentStore
from chassis.reads import Documents
from chassis.repository import AggregateRepository
from chassis.uow import Units
from contracts import IntegrationEvent
from registration.domain.confirmation import EmailConfirmation
from registration.domain.registration import Registration
from registration.domain.requirements import Requirement

Doc = dict[str, Any]
DEFAULT_CONFIG: Doc = {
    "enabled": False,
    "acceptance_mode": "staff_review",
    "trades": [],
    "license_types": [],
    "requirements": [],
}


class ConfigPort(Protocol):
    async def load(self) -> Doc:
        """The jurisdiction's configuration over :data:`DEFAULT_CONFIG`."""

    async def put(self, config: Doc, *, at: datetime, by: str) -> None: ...


class ConfirmationsPort(Protocol):
    async def find_one(self, filter_: Any) -> EmailConfirmation | None: ...
    async def add(self, aggregate: EmailConfirmation) -> None: ...
    async def save(self, aggregate: EmailConfirmation) -> None: ...
    async def sent_since(self, email: str, since: datetime) -> int: ...


class RegistrationUnitOfWork(Protocol):
    @property
    def jurisdiction_id(self) -> str: ...
    @property
    def registrations(self) -> AggregateRepository[Registration]: ...
    @property
    def confirmations(self) -> ConfirmationsPort: ...
    @property
    def config(self) -> ConfigPort: ...
    @property
    def now(self) -> datetime: ...

    def emit(self, event: IntegrationEvent) -> None:
        """Record ``event`` of this jurisdiction, published once the unit commits."""
        ...

    @property
    def registration_docs(self) -> Documents:
        """Registrations as documents, for the review queue."""
        ...


class IdentityPort(Protocol):
    async def ensure_registrant(
        self, jurisdiction_id: str, *, email: str, display_name: str, password: str
    ) -> str:
        """The registrant's account id (created, or the existing one)."""


RegistrationUnits = Units[RegistrationUnitOfWork]


@dataclass
class RegistrationService:
    units: RegistrationUnits
    identity: IdentityPort
    files: DocumentStore
    start_link_hours: int
    resume_link_days: int
    default_max_document_bytes: int


def requirements_of(config: Doc) -> list[Requirement]:
    return [Requirement.from_doc(r) for r in config.get("requirements", [])]


Chunks = AsyncIterator[bytes]
