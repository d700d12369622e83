"""Identity's unit of work over MongoDB: the repositories bound to one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from chassis.errors import NotFound
from chassis.uow import ReadOnly, Transaction
from identity.adapters.repositories import (
    AuditLog,
    CompanyRepository,
    JurisdictionRegistry,
    MembershipRepository,
    RefreshTokens,
)
from identity.domain.company import Company
from identity.domain.membership import Membership
from identity.domain.model import PLATFORM

Doc = dict[str, Any]


class AuditTrail:
    """Who did what, when: one entry per change (the jurisdiction's audit log)."""

    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str | None) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id or PLATFORM

    async def record(
        self, action: str, *, actor: str | None, subject: str | None, **details: Any
    ) -> None:
        await AuditLog(self.tx.db, self.jurisdiction_id, self.tx.session).insert_one(
            {
                "_id": str(uuid4()),
                "at": self.tx.clock.now(),
                "action": action,
                "actor": actor,
                "subject": subject,
                "details": details,
            }
        )


class Sessions:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.tokens = RefreshTokens(tx.db, jurisdiction_id, tx.session)

    async def revoke(self, membership: Membership) -> None:
        await self.tokens.revoke_account(membership.account_id)


class Jurisdictions:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.registry = JurisdictionRegistry(tx.db, tx.session)
        self.jurisdiction_id = jurisdiction_id

    async def require(self) -> Doc:
        found = await self.registry.get(self.jurisdiction_id)
        if found is None:
            raise NotFound(f"no jurisdiction {self.jurisdiction_id!r}")
        return found


class MongoIdentityUnitOfWork:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.companies = CompanyRepository(tx, jurisdiction_id)
        self.memberships = MembershipRepository(tx, jurisdiction_id)
        self.audit = AuditTrail(tx, jurisdiction_id)
        self.sessions = Sessions(tx, jurisdiction_id)
        self.jurisdictions = Jurisdictions(tx, jurisdiction_id)

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()


def present(result: Any) -> Any:
    """A company as the document routes render and Idempotency-Key records keep."""
    return CompanyRepository.to_doc(result) if isinstance(result, Company) else result
