"""Identity's unit of work in memory: the chassis fakes with the real
repositories' mapping, plus the small ports (audit, login attempts, work
after the answer, a signer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from chassis.aggregate import Aggregate
from chassis.refusals import Missing
from chassis.testing.fakes import FakeRepository, FakeTransaction, FakeUnitOfWork, matches
from chassis.uow import Units
from contracts import IntegrationEvent
from identity.adapters.accounts import AccountRepository
from identity.adapters.jwt_keys import generate_private_key_pem
from identity.adapters.repositories import (
    ApiClientRepository,
    CompanyRepository,
    EnrollmentRepository,
    InvitationRepository,
    JurisdictionRepository,
    MembershipRepository,
    ResetRepository,
)
from identity.domain.account import Account
from identity.domain.api_client import LAST_USED_EVERY, ApiClient
from identity.domain.company import Company
from identity.domain.enrollment import Enrollment
from identity.domain.jurisdiction import Jurisdiction
from identity.domain.membership import Membership
from identity.domain.model import PLATFORM
from identity.domain.reset import PasswordReset
from identity.domain.sessions import RefreshToken
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from identity.settings import IdentitySettings

Doc = dict[str, Any]
A = TypeVar("A", bound=Aggregate)
SIGNING_KEY = generate_private_key_pem()


def settings() -> IdentitySettings:
    return IdentitySettings(signing_key=SIGNING_KEY)  # type: ignore[arg-type]


class FakeMemberships(FakeRepository[Membership]):
    async def of_account(self, account_id: str) -> Membership | None:
        return await self.find_one({"account_id": account_id})

    async def other_active_admins(self, membership_id: str) -> int:
        admins = await self.find({"kind": "staff", "roles": "admin", "status": "active"})
        return sum(1 for a in admins if a.id != membership_id)

    async def other_company_admins(self, company_id: str, membership_id: str) -> int:
        admins = await self.find({"company_admin_of": company_id})
        return sum(1 for a in admins if a.id != membership_id and a.status == "active")


class FakeApiClients(FakeRepository[ApiClient]):
    async def active(self) -> list[ApiClient]:
        return await self.find({"status": "active"})

    async def touch(self, client_id: str, at: datetime) -> None:
        doc = self.docs.get(client_id)
        if doc is not None and doc["touch_after"] <= at:
            doc.update(last_used_at=at, touch_after=at + LAST_USED_EVERY)


class FakeLinks(FakeRepository[A]):
    async def sent_since(self, email: str, since: datetime) -> int:
        return len(await self.find({"email": email, "created_at": {"$gt": since}}))


class FakeAccounts:
    """Global, as the real ones: one per email, saved at the version read."""

    def __init__(self, tx: FakeTransaction) -> None:
        self.docs = tx.store("accounts")
        self.memberships = tx.store("memberships")

    async def get(self, account_id: str) -> Account | None:
        doc = self.docs.get(account_id)
        return None if doc is None else AccountRepository.from_doc(dict(doc))

    async def by_email(self, email_normalized: str) -> Account | None:
        found = [d for d in self.docs.values() if d["email"] == email_normalized]
        return AccountRepository.from_doc(dict(found[0])) if found else None

    async def require(self, account_id: str) -> Account:
        found = await self.get(account_id)
        if found is None:
            raise Missing("no such account")
        return found

    async def add(self, account: Account) -> None:
        assert account.id not in self.docs and not [
            d for d in self.docs.values() if d["email"] == account.email
        ], "one account per email"
        self.docs[account.id] = account.as_doc()

    async def save(self, account: Account) -> None:
        if not account.changed:
            return
        assert self.docs[account.id]["version"] == account.version, "stale account"
        account.version += 1
        self.docs[account.id] = account.as_doc()
        account.changed = False

    async def change(self, account_id: str, change: Callable[[Account], object]) -> Account:
        account = await self.require(account_id)
        change(account)
        await self.save(account)
        return account

    async def active_memberships(self, account_id: str) -> list[Doc]:
        return [
            d
            for d in self.memberships.values()
            if d["account_id"] == account_id and d["status"] == "active"
        ]

    async def rename_memberships(self, account_id: str, display_name: str) -> None:
        for d in self.memberships.values():
            if d["account_id"] == account_id:
                d["display_name"] = display_name


class FakeTokens:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.docs = tx.store("refresh_tokens")
        self.jurisdiction_id = jurisdiction_id

    def _mine(self) -> list[RefreshToken]:
        return [t for (jid, _), t in self.docs.items() if jid == self.jurisdiction_id]  # type: ignore[misc]

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        return next((t for t in self._mine() if t.token_hash == token_hash), None)

    async def add(self, token: RefreshToken) -> None:
        self.docs[(self.jurisdiction_id, token.id)] = token  # type: ignore[assignment]

    async def mark_used(self, token: RefreshToken, at: datetime) -> None:
        token.used_at = at

    async def revoke_family(self, family_id: str) -> None:
        for t in self._mine():
            if t.family_id == family_id:
                t.revoked = True

    async def revoke_account(self, account_id: str) -> int:
        mine = [t for t in self._mine() if t.account_id == account_id and not t.revoked]
        for t in mine:
            t.revoked = True
        return len(mine)


class FakeJurisdictions:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.known = tx.store("jurisdictions")
        self.jurisdiction_id = jurisdiction_id
        self.aggregates = FakeRepository(
            tx, jurisdiction_id, JurisdictionRepository, "jurisdictions"
        )

    async def require(self) -> Doc:
        found = self.known.get(self.jurisdiction_id)
        if found is None:
            raise Missing(f"no jurisdiction {self.jurisdiction_id!r}")
        return found

    async def get(self, jurisdiction_id: str) -> Doc | None:
        return self.known.get(jurisdiction_id)

    async def all(self) -> list[Doc]:
        return sorted(self.known.values(), key=lambda d: d["_id"])

    async def add(self, jurisdiction: Jurisdiction) -> None:
        if jurisdiction.id in self.known:
            raise AssertionError("jurisdiction exists")
        self.known[jurisdiction.id] = JurisdictionRepository.to_doc(jurisdiction)

    async def load(self) -> Jurisdiction:
        return JurisdictionRepository.from_doc(dict(await self.require()))

    async def save(self, jurisdiction: Jurisdiction) -> None:
        self.known[jurisdiction.id] = JurisdictionRepository.to_doc(jurisdiction)


class FakeAudit:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.entries = tx.store("audit_log")
        self.clock = tx.clock
        self.jurisdiction_id = jurisdiction_id

    async def record(
        self, action: str, *, actor: str | None, subject: str | None, **details: Any
    ) -> None:
        entry = {"action": action, "actor": actor, "subject": subject, "details": details}
        self.entries[len(self.entries)] = {
            **entry,
            "jurisdiction_id": self.jurisdiction_id,
            "at": self.clock.now(),
        }

    async def since(self, at: datetime, *, limit: int, offset: int) -> list[Doc]:
        mine = [
            e
            for e in self.entries.values()
            if e["jurisdiction_id"] == self.jurisdiction_id and matches(e, {"at": {"$gte": at}})
        ]
        return list(reversed(mine))[offset : offset + limit]


class FakeAttempts:
    """Outside any transaction, as the real ones: kept on the unit of work
    itself, so a rolled-back change does not take a failure's count along."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.docs: dict[str, Doc] = uow.__dict__.setdefault("login_attempts", {})

    async def get(self, key: str) -> Doc | None:
        return self.docs.get(key)

    async def put(self, key: str, state: Doc) -> None:
        self.docs[key] = dict(state)

    async def clear(self, key: str) -> None:
        self.docs.pop(key, None)


class FakeLater:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.requests = tx.store("deferred")
        self.jurisdiction_id = jurisdiction_id

    async def record(self, kind: str, payload: Doc) -> str:
        request_id = f"req-{len(self.requests) + 1}"
        self.requests[request_id] = {
            "kind": kind,
            "jurisdiction_id": self.jurisdiction_id,
            "payload": payload,
        }
        return request_id


class FakeSigner:
    """Tokens as readable strings: what was signed is what a test checks."""

    def access_token(self, *, subject: str, jurisdiction_id: str | None, **claims: Any) -> str:
        kind, typ = claims.get("kind"), claims.get("typ", "access")
        signed = f"{typ}:{subject}:{jurisdiction_id}:{kind}:{','.join(claims.get('roles', []))}"
        if claims.get("scopes") is not None:
            signed += f"|{' '.join(claims['scopes'])}|v{claims.get('version', 0)}"
        return signed


class FakeIdentityUnitOfWork:
    def __init__(
        self, tx: FakeTransaction, jurisdiction_id: str, identity_settings: IdentitySettings
    ) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.settings = identity_settings
        self.signer = FakeSigner()
        self.accounts = FakeAccounts(tx)
        self.memberships = FakeMemberships(tx, jurisdiction_id, MembershipRepository, "memberships")
        self.companies: FakeRepository[Company] = FakeRepository(
            tx, jurisdiction_id, CompanyRepository, "companies"
        )
        self.api_clients = FakeApiClients(tx, jurisdiction_id, ApiClientRepository, "api_clients")
        self.invitations = FakeRepository(tx, jurisdiction_id, InvitationRepository, "invitations")
        self.enrollments: FakeLinks[Enrollment] = FakeLinks(
            tx, jurisdiction_id, EnrollmentRepository, "enrollments"
        )
        self.resets: FakeLinks[PasswordReset] = FakeLinks(
            tx, jurisdiction_id, ResetRepository, "password_resets"
        )
        self.refresh_tokens = FakeTokens(tx, jurisdiction_id)
        self.jurisdictions = FakeJurisdictions(tx, jurisdiction_id)
        self.audit = FakeAudit(tx, jurisdiction_id)
        self.login_attempts = FakeAttempts(tx.uow)
        self.later = FakeLater(tx, jurisdiction_id)

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)

    def elsewhere(self, jurisdiction_id: str | None) -> FakeIdentityUnitOfWork:
        return FakeIdentityUnitOfWork(self.tx, jurisdiction_id or PLATFORM, self.settings)


def fake_units(uow: FakeUnitOfWork) -> Units[IdentityUnitOfWork]:
    configured = settings()
    return Units(uow, lambda tx, jid: FakeIdentityUnitOfWork(tx, jid, configured))
