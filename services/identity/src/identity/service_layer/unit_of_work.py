"""What identity's handlers need of storage and of the process: one unit of
work per jurisdiction (the shared layout, ``docs/architecture.md``).

The Mongo implementation is
:class:`identity.adapters.unit_of_work.MongoIdentityUnitOfWork`; unit tests
use the fakes in ``tests/unit/fakes.py``. Accounts and the tenant registry
are global by design (one account per email; the list of tenants), everything
else is the unit's jurisdiction's; :meth:`IdentityUnitOfWork.elsewhere` is the
same transaction in another jurisdiction (a token exchanged for another
membership, the platform's audit log).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from chassis.repository import AggregateRepository
from chassis.uow import Units
from contracts import IntegrationEvent
from identity.domain.account import Account
from identity.domain.company import Company
from identity.domain.enrollment import Enrollment
from identity.domain.invitation import Invitation
from identity.domain.jurisdiction import Jurisdiction
from identity.domain.membership import Membership
from identity.domain.reset import PasswordReset
from identity.domain.sessions import RefreshToken
from identity.settings import IdentitySettings

Doc = dict[str, Any]
L = TypeVar("L")


class AccountsPort(Protocol):
    """Global: one account per email, across jurisdictions (R-ID-1)."""

    async def get(self, account_id: str) -> Account | None: ...
    async def by_email(self, email_normalized: str) -> Account | None: ...
    async def require(self, account_id: str) -> Account: ...
    async def add(self, account: Account) -> None: ...
    async def save(self, account: Account) -> None: ...
    async def change(self, account_id: str, change: Callable[[Account], object]) -> Account: ...
    async def active_memberships(self, account_id: str) -> list[Doc]:
        """The account's active memberships in every jurisdiction: a person
        may list their own (account-scoped on purpose)."""
        ...

    async def rename_memberships(self, account_id: str, display_name: str) -> None:
        """Memberships keep a copy of the name for staff lists."""
        ...


class MembershipsPort(Protocol):
    async def get(self, aggregate_id: str) -> Membership | None: ...
    async def require(self, aggregate_id: str) -> Membership: ...
    async def find_one(self, filter_: Mapping[str, Any]) -> Membership | None: ...
    async def find(
        self, filter_: Mapping[str, Any], *, bounded: str | None = None
    ) -> list[Membership]:
        """Every match of a flat filter whose match is small for ``bounded``'s reason."""
        ...

    async def add(self, aggregate: Membership) -> None: ...
    async def save(self, aggregate: Membership) -> None: ...
    async def of_account(self, account_id: str) -> Membership | None: ...
    async def other_active_admins(self, membership_id: str) -> int:
        """The jurisdiction's other active staff admins."""
        ...

    async def other_company_admins(self, company_id: str, membership_id: str) -> int:
        """The company's other admins who can act (active ones)."""
        ...


class CompaniesPort(Protocol):
    async def get(self, aggregate_id: str) -> Company | None: ...
    async def require(self, aggregate_id: str) -> Company: ...
    async def find_one(self, filter_: Mapping[str, Any]) -> Company | None: ...
    async def add(self, aggregate: Company) -> None: ...
    async def save(self, aggregate: Company) -> None: ...
    async def find(
        self, filter_: Mapping[str, Any], *, bounded: str | None = None
    ) -> list[Company]: ...


class LinksPort(Protocol[L]):
    """Emailed single-use links of one kind (enrollments, password resets)."""

    async def find_one(self, filter_: Mapping[str, Any]) -> L | None: ...
    async def add(self, aggregate: L) -> None: ...
    async def save(self, aggregate: L) -> None: ...
    async def sent_since(self, email: str, since: datetime) -> int: ...


class RefreshTokensPort(Protocol):
    async def by_hash(self, token_hash: str) -> RefreshToken | None: ...
    async def add(self, token: RefreshToken) -> None: ...
    async def mark_used(self, token: RefreshToken, at: datetime) -> None: ...
    async def revoke_family(self, family_id: str) -> None: ...
    async def revoke_account(self, account_id: str) -> int:
        """Every session of the account in this jurisdiction, now."""
        ...


class JurisdictionsPort(Protocol):
    """The tenant registry (global: it is the list of tenants)."""

    async def require(self) -> Doc:
        """This unit's jurisdiction (404 if there is none)."""
        ...

    async def get(self, jurisdiction_id: str) -> Doc | None: ...
    async def all(self) -> list[Doc]: ...
    async def add(self, jurisdiction: Jurisdiction) -> None: ...
    async def load(self) -> Jurisdiction:
        """This unit's jurisdiction as the aggregate that changes it."""
        ...

    async def save(self, jurisdiction: Jurisdiction) -> None: ...


class AuditPort(Protocol):
    async def record(
        self, action: str, *, actor: str | None, subject: str | None, **details: Any
    ) -> None: ...
    async def since(self, at: datetime, *, limit: int, offset: int) -> list[Doc]:
        """The entries from ``at`` on, newest first."""
        ...


class LoginAttemptsPort(Protocol):
    """Throttle state per key. Written at once, outside any transaction: a
    failed login's count persists though its answer is a 401."""

    async def get(self, key: str) -> Doc | None: ...
    async def put(self, key: str, state: Doc) -> None: ...
    async def clear(self, key: str) -> None: ...


class LaterPort(Protocol):
    async def record(self, kind: str, payload: Doc) -> str:
        """Work done after the answer (``chassis.deferred``): one insert now."""
        ...


class TokenIssuer(Protocol):
    def access_token(
        self,
        *,
        subject: str,
        email: str,
        jurisdiction_id: str | None,
        kind: str,
        roles: list[str],
        now: datetime,
        lifetime: timedelta,
        company_ids: list[str] | None = None,
        version: int = 0,
        typ: str = "access",
    ) -> str: ...


class IdentityUnitOfWork(Protocol):
    """Read-only members: an implementation may hold narrower types."""

    @property
    def jurisdiction_id(self) -> str: ...
    @property
    def now(self) -> datetime: ...
    @property
    def settings(self) -> IdentitySettings: ...
    @property
    def signer(self) -> TokenIssuer: ...
    @property
    def accounts(self) -> AccountsPort: ...
    @property
    def memberships(self) -> MembershipsPort: ...
    @property
    def companies(self) -> CompaniesPort: ...
    @property
    def invitations(self) -> AggregateRepository[Invitation]: ...
    @property
    def enrollments(self) -> LinksPort[Enrollment]: ...
    @property
    def resets(self) -> LinksPort[PasswordReset]: ...
    @property
    def refresh_tokens(self) -> RefreshTokensPort: ...
    @property
    def jurisdictions(self) -> JurisdictionsPort: ...
    @property
    def audit(self) -> AuditPort: ...
    @property
    def login_attempts(self) -> LoginAttemptsPort: ...
    @property
    def later(self) -> LaterPort: ...
    def emit(self, event: IntegrationEvent) -> None:
        """Publish with the change (the transactional outbox)."""
        ...

    def elsewhere(self, jurisdiction_id: str) -> IdentityUnitOfWork:
        """The same transaction, in another jurisdiction."""
        ...


IdentityUnits = Units[IdentityUnitOfWork]
