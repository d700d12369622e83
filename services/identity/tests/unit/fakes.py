"""Identity's unit of work in memory (the slices on the shared layout): the
chassis fakes with the real repositories' mapping, plus the small ports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.errors import NotFound
from chassis.testing.fakes import FakeRepository, FakeTransaction, FakeUnitOfWork
from chassis.uow import Units
from identity.adapters.repositories import CompanyRepository, MembershipRepository
from identity.adapters.unit_of_work import present
from identity.domain.company import Company
from identity.domain.membership import Membership
from identity.service_layer.unit_of_work import IdentityUnitOfWork

Doc = dict[str, Any]


class FakeMemberships(FakeRepository[Membership]):
    async def other_company_admins(self, company_id: str, membership_id: str) -> int:
        return sum(
            1
            for d in self._mine()
            if company_id in d.get("company_admin_of", [])
            and d["_id"] != membership_id
            and d["status"] == "active"
        )


class FakeAudit:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.entries = tx.store("audit_log")
        self.jurisdiction_id = jurisdiction_id

    async def record(
        self, action: str, *, actor: str | None, subject: str | None, **details: Any
    ) -> None:
        entry = {"action": action, "actor": actor, "subject": subject, "details": details}
        self.entries[len(self.entries)] = {**entry, "jurisdiction_id": self.jurisdiction_id}


class FakeSessions:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.revoked = tx.store("revoked_sessions")
        self.jurisdiction_id = jurisdiction_id

    async def revoke(self, membership: Membership) -> None:
        self.revoked[(self.jurisdiction_id, membership.account_id)] = {"revoked": True}


class FakeJurisdictions:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.known = tx.store("jurisdictions")
        self.jurisdiction_id = jurisdiction_id

    async def require(self) -> Doc:
        found = self.known.get(self.jurisdiction_id)
        if found is None:
            raise NotFound(f"no jurisdiction {self.jurisdiction_id!r}")
        return found


class FakeIdentityUnitOfWork:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.companies: FakeRepository[Company] = FakeRepository(
            tx, jurisdiction_id, CompanyRepository, "companies"
        )
        self.memberships = FakeMemberships(tx, jurisdiction_id, MembershipRepository, "memberships")
        self.audit = FakeAudit(tx, jurisdiction_id)
        self.sessions = FakeSessions(tx, jurisdiction_id)
        self.jurisdictions = FakeJurisdictions(tx, jurisdiction_id)

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()


def fake_units(uow: FakeUnitOfWork) -> Units[IdentityUnitOfWork]:
    return Units(uow, FakeIdentityUnitOfWork, present)
