"""Identity's unit of work over MongoDB: the repositories bound to one
transaction (or, for reads and login, to none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from chassis.clock import as_utc
from chassis.deferred import Deferred
from chassis.refusals import Missing
from chassis.uow import ReadOnly, Transaction
from contracts import IntegrationEvent
from identity.adapters.accounts import AccountRepository
from identity.adapters.jwt_keys import TokenSigner
from identity.adapters.repositories import (
    ApiClientRepository,
    AuditLog,
    CompanyRepository,
    EnrollmentRepository,
    InvitationRepository,
    JurisdictionRegistry,
    JurisdictionRepository,
    LoginAttempts,
    MembershipRepository,
    RefreshTokens,
    ResetRepository,
)
from identity.domain.jurisdiction import Jurisdiction
from identity.domain.model import PLATFORM
from identity.settings import IdentitySettings

Doc = dict[str, Any]
AUDIT_WINDOW = "the audit trail of a bounded window of days"


class AuditTrail:
    """Who did what, when: one entry per change (the jurisdiction's audit log)."""

    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.log = AuditLog(tx.db, jurisdiction_id, tx.session)
        self.clock = tx.clock

    async def record(
        self, action: str, *, actor: str | None, subject: str | None, **details: Any
    ) -> None:
        await self.log.insert_one(
            {
                "_id": str(uuid4()),
                "at": self.clock.now(),
                "action": action,
                "actor": actor,
                "subject": subject,
                "details": details,
            }
        )

    async def since(self, at: datetime, *, limit: int, offset: int) -> list[Doc]:
        docs, _ = await self.log.page(
            {"at": {"$gte": at}},
            order=lambda d: (-as_utc(d["at"]).timestamp(), d["_id"]),
            offset=offset,
            limit=limit,
            bounded=AUDIT_WINDOW,
        )
        return docs


class Accounts(AccountRepository):
    async def active_memberships(self, account_id: str) -> list[Doc]:
        cursor = self.db["memberships"].find(
            {"account_id": account_id, "status": "active"}, session=self.session
        )
        return [d async for d in cursor]

    async def rename_memberships(self, account_id: str, display_name: str) -> None:
        await self.db["memberships"].update_many(
            {"account_id": account_id},
            {"$set": {"display_name": display_name}},
            session=self.session,
        )


class Jurisdictions:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.registry = JurisdictionRegistry(tx.db, tx.session)
        self.aggregates = JurisdictionRepository(tx, jurisdiction_id)
        self.jurisdiction_id = jurisdiction_id

    async def require(self) -> Doc:
        found = await self.registry.get(self.jurisdiction_id)
        if found is None:
            raise Missing(f"no jurisdiction {self.jurisdiction_id!r}")
        return found

    async def get(self, jurisdiction_id: str) -> Doc | None:
        return await self.registry.get(jurisdiction_id)

    async def all(self) -> list[Doc]:
        return await self.registry.list()

    async def add(self, jurisdiction: Jurisdiction) -> None:
        await self.aggregates.add(jurisdiction)

    async def load(self) -> Jurisdiction:
        return await self.aggregates.require(self.jurisdiction_id)

    async def save(self, jurisdiction: Jurisdiction) -> None:
        await self.aggregates.save(jurisdiction)


@dataclass
class Later:
    deferred: Deferred | None
    jurisdiction_id: str

    async def record(self, kind: str, payload: Doc) -> str:
        assert self.deferred is not None, "this process runs no deferred work"
        return await self.deferred.record(kind, self.jurisdiction_id, payload)


@dataclass(frozen=True)
class IdentityTools:
    """What a unit of work hands its handlers besides storage: settings, the
    token signer and the deferred-work recorder, built once in bootstrap."""

    settings: IdentitySettings
    signer: TokenSigner
    deferred: Deferred | None


class MongoIdentityUnitOfWork:
    def __init__(
        self, tx: Transaction | ReadOnly, jurisdiction_id: str, tools: IdentityTools
    ) -> None:
        self.tx = tx
        self.tools = tools
        self.jurisdiction_id = jurisdiction_id
        self.settings = tools.settings
        self.signer = tools.signer
        self.accounts = Accounts(tx)
        self.memberships = MembershipRepository(tx, jurisdiction_id)
        self.companies = CompanyRepository(tx, jurisdiction_id)
        self.api_clients = ApiClientRepository(tx, jurisdiction_id)
        self.invitations = InvitationRepository(tx, jurisdiction_id)
        self.enrollments = EnrollmentRepository(tx, jurisdiction_id)
        self.resets = ResetRepository(tx, jurisdiction_id)
        self.refresh_tokens = RefreshTokens(tx.db, jurisdiction_id, tx.session)
        self.jurisdictions = Jurisdictions(tx, jurisdiction_id)
        self.audit = AuditTrail(tx, jurisdiction_id)
        self.login_attempts = LoginAttempts(tx.db)
        self.later = Later(tools.deferred, jurisdiction_id)

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)

    def elsewhere(self, jurisdiction_id: str | None) -> MongoIdentityUnitOfWork:
        return MongoIdentityUnitOfWork(self.tx, jurisdiction_id or PLATFORM, self.tools)

    @classmethod
    def factory(cls, tools: IdentityTools) -> Any:
        """``factory(tx, jurisdiction_id)`` for :class:`chassis.uow.Units`."""

        def build(tx: Transaction | ReadOnly, jurisdiction_id: str) -> MongoIdentityUnitOfWork:
            return cls(tx, jurisdiction_id, tools)

        return build
