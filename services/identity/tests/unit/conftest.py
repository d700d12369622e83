"""Unit tests of identity's rules on the slices that are on the shared
layout: the handlers on the fakes, milliseconds each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chassis.auth import Principal
from chassis.clock import ManualClock
from chassis.testing.fakes import FakeUnitOfWork
from chassis.uow import Units
from identity.adapters.repositories import CompanyRepository, MembershipRepository
from identity.domain import secrets
from identity.domain.account import Account
from identity.domain.company import Company
from identity.domain.membership import Membership
from identity.domain.sessions import RefreshToken
from identity.service_layer.common import Caller
from identity.service_layer.unit_of_work import IdentityUnitOfWork

from .fakes import fake_units

JID = "alpha"
AT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def caller(
    kind: str = "staff",
    *,
    account_id: str = "acct-admin",
    roles: list[str] | None = None,
    jid: str = JID,
    **membership: Any,
) -> Caller:
    """A caller whose token names a membership of ``jid`` (as identity loads it)."""
    principal = Principal(
        account_id=account_id,
        email=f"{account_id}@example.org",
        jurisdiction_id=jid,
        kind=kind,
        roles=roles or [],
    )
    member = {"kind": kind, "roles": roles or [], "status": "active", **membership}
    return Caller(principal=principal, account={"_id": account_id}, membership=member)


@dataclass
class World:
    uow: FakeUnitOfWork
    units: Units[IdentityUnitOfWork]

    def store(self, name: str) -> dict[Any, Any]:
        return self.uow.stores.setdefault(name, {})

    def company(self, license_number: str = "AEC0119", name: str = "Rich Contractor") -> Company:
        company = Company.new(
            jurisdiction_id=JID, profile={"name": name, "license_number": license_number}, at=AT
        )
        self.store("companies")[company.id] = CompanyRepository.to_doc(company)
        return company

    def member(self, account_id: str, company_id: str, *, admin: bool = False) -> Membership:
        membership = Membership.new(
            jurisdiction_id=JID,
            account_id=account_id,
            email=f"{account_id}@example.org",
            display_name=account_id,
            kind="contractor",
            roles=[],
            active=True,
            at=AT,
            company_ids=[company_id],
            company_admin_of=[company_id] if admin else [],
        )
        membership.mark_saved()
        self.store("memberships")[membership.id] = MembershipRepository.to_doc(membership)
        return membership

    def session(self, account_id: str) -> None:
        """A live refresh token of the account here."""
        token = RefreshToken.new(
            token_hash=f"hash-{account_id}",
            account_id=account_id,
            account_version=0,
            at=AT,
            lifetime=timedelta(days=30),
            family_id=None,
        )
        self.store("refresh_tokens")[(JID, token.id)] = token  # type: ignore[assignment]

    def sessions_revoked(self, account_id: str) -> bool:
        mine = [
            t
            for (jid, _), t in self.store("refresh_tokens").items()
            if jid == JID and t.account_id == account_id  # type: ignore[attr-defined]
        ]
        return bool(mine) and all(t.revoked for t in mine)  # type: ignore[attr-defined]

    def account(self, email: str, password: str | None = None, **values: Any) -> Account:
        """A stored login (``password`` hashed as the service would)."""
        account = Account.new(
            email=email,
            display_name=email.split("@")[0],
            password_hash=secrets.hash_password(password) if password else None,
            at=AT,
        )
        self.store("accounts")[account.id] = {**account.as_doc(), **values}
        return account

    def staff(self, account: Account, *roles: str, status: str = "active") -> Membership:
        membership = Membership.new(
            jurisdiction_id=JID,
            account_id=account.id,
            email=account.email,
            display_name=account.display_name,
            kind="staff",
            roles=list(roles),
            active=status == "active",
            at=AT,
        )
        membership.mark_saved()
        self.store("memberships")[membership.id] = MembershipRepository.to_doc(membership)
        return membership

    def audit(self) -> list[str]:
        return [e["action"] for e in self.store("audit_log").values()]


@pytest.fixture
def world() -> World:
    uow = FakeUnitOfWork(ManualClock(AT))
    uow.stores["jurisdictions"] = {JID: {"_id": JID, "name": "Alpha"}}
    return World(uow, fake_units(uow))
