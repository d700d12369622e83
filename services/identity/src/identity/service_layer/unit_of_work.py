"""What identity's handlers need of storage: one unit of work per jurisdiction.

The first slice on the shared layout (issue 24): contracting companies and
their authorized users. The Mongo implementation is
:class:`identity.adapters.unit_of_work.MongoIdentityUnitOfWork`; unit tests
use the fakes in ``tests/unit/fakes.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from chassis.repository import AggregateRepository
from chassis.uow import Units
from identity.domain.company import Company
from identity.domain.membership import Membership

Doc = dict[str, Any]


class MembershipsPort(Protocol):
    async def find_one(self, filter_: Mapping[str, Any]) -> Membership | None: ...
    async def save(self, aggregate: Membership) -> None: ...
    async def other_company_admins(self, company_id: str, membership_id: str) -> int:
        """The company's other admins who can act (active ones)."""
        ...


class AuditPort(Protocol):
    async def record(
        self, action: str, *, actor: str | None, subject: str | None, **details: Any
    ) -> None: ...


class SessionsPort(Protocol):
    async def revoke(self, membership: Membership) -> None:
        """Every refresh token of the member in this jurisdiction, now."""
        ...


class JurisdictionsPort(Protocol):
    async def require(self) -> Doc:
        """This unit's jurisdiction (404 if there is none)."""
        ...


class IdentityUnitOfWork(Protocol):
    """Read-only members: an implementation may hold narrower types."""

    @property
    def jurisdiction_id(self) -> str: ...
    @property
    def companies(self) -> AggregateRepository[Company]: ...
    @property
    def memberships(self) -> MembershipsPort: ...
    @property
    def audit(self) -> AuditPort: ...
    @property
    def sessions(self) -> SessionsPort: ...
    @property
    def jurisdictions(self) -> JurisdictionsPort: ...
    @property
    def now(self) -> datetime: ...


IdentityUnits = Units[IdentityUnitOfWork]
