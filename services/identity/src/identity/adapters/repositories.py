"""Identity's Mongo collections.

``jurisdictions`` (the tenant registry) and ``accounts`` (one per email) are
global by design; everything else is tenant-scoped through
:class:`chassis.mongo.TenantRepository`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.aggregate import Aggregate
from chassis.mongo import TenantRepository
from chassis.refusals import Conflicting
from chassis.repository import DataclassRepository
from identity.domain.api_client import LAST_USED_EVERY, ApiClient
from identity.domain.company import Company, LicenseTaken
from identity.domain.enrollment import Enrollment
from identity.domain.invitation import Invitation
from identity.domain.jurisdiction import Jurisdiction
from identity.domain.membership import Membership
from identity.domain.reset import PasswordReset
from identity.domain.sessions import RefreshToken

Doc = dict[str, Any]


class JurisdictionRegistry:
    """The tenant registry. Global: it is the list of tenants itself."""

    def __init__(self, db: AsyncDatabase[Doc], session: AsyncClientSession | None = None) -> None:
        self.collection = db["jurisdictions"]
        self.session = session

    async def get(self, jurisdiction_id: str) -> Doc | None:
        return await self.collection.find_one({"_id": jurisdiction_id}, session=self.session)

    async def list(self) -> list[Doc]:
        """Every tenant: bounded by the installation (hundreds), not by any
        jurisdiction's size."""
        return [
            d async for d in self.collection.find({}, session=self.session).sort("_id", ASCENDING)
        ]


class JurisdictionRepository(DataclassRepository[Jurisdiction]):
    """Jurisdictions as aggregates, for the write side: each is its own tenant
    (``jurisdiction_id`` is its id)."""

    collection_name: ClassVar[str] = "jurisdictions"
    not_found: ClassVar[str] = "no such jurisdiction"
    aggregate_type: ClassVar[type[Aggregate]] = Jurisdiction

    async def add(self, aggregate: Jurisdiction) -> None:
        try:
            await super().add(aggregate)
        except DuplicateKeyError as exc:
            raise Conflicting(f"jurisdiction {aggregate.id!r} already exists") from exc


class Accounts:
    """Global accounts as documents, for the read side (the caller, login);
    changes go through :class:`AccountRepository`."""

    def __init__(self, db: AsyncDatabase[Doc], session: AsyncClientSession | None = None) -> None:
        self.collection = db["accounts"]
        self.session = session

    async def by_email(self, email_normalized: str) -> Doc | None:
        return await self.collection.find_one({"email": email_normalized}, session=self.session)

    async def by_id(self, account_id: str) -> Doc | None:
        return await self.collection.find_one({"_id": account_id}, session=self.session)


class Memberships(TenantRepository):
    collection_name: ClassVar[str] = "memberships"

    async def of_account(self, account_id: str) -> Doc | None:
        return await self.find_one({"account_id": account_id})


class MembershipRepository(DataclassRepository[Membership]):
    """Memberships as aggregates: every status change is the aggregate's."""

    collection_name: ClassVar[str] = "memberships"
    not_found: ClassVar[str] = "no such user"
    aggregate_type: ClassVar[type[Aggregate]] = Membership

    async def of_account(self, account_id: str) -> Membership | None:
        return await self.find_one({"account_id": account_id})

    async def other_active_admins(self, membership_id: str) -> int:
        admins = await self.docs.find(
            {"kind": "staff", "roles": "admin", "status": "active"},
            projection={"_id": 1},
            bounded="a jurisdiction's active admins",
        )
        return sum(1 for a in admins if a["_id"] != membership_id)

    async def other_company_admins(self, company_id: str, membership_id: str) -> int:
        admins = await self.docs.find(
            {"company_admin_of": company_id},
            projection={"status": 1},
            bounded="one company's admins",
        )
        # only admins who can act: one invited and never accepted is no admin yet
        return sum(1 for a in admins if a["_id"] != membership_id and a["status"] == "active")


async def jurisdictions_of_account(db: AsyncDatabase[Doc], account_id: str) -> list[str]:
    """The jurisdictions an account is an active member of.

    Deliberately account-scoped rather than tenant-scoped: a person may see
    the list of their own memberships across jurisdictions.
    """
    cursor = db["memberships"].find(
        {"account_id": account_id, "status": "active"}, {"jurisdiction_id": 1}
    )
    return sorted({d["jurisdiction_id"] async for d in cursor})


class EnrollmentRepository(DataclassRepository[Enrollment]):
    collection_name: ClassVar[str] = "enrollments"
    aggregate_type: ClassVar[type[Aggregate]] = Enrollment

    async def sent_since(self, email: str, since: datetime) -> int:
        return await self.docs.count(
            {"email": email, "created_at": {"$gt": since}},
            bounded="one address's links in the throttle window",
        )


class InvitationRepository(DataclassRepository[Invitation]):
    collection_name: ClassVar[str] = "invitations"
    aggregate_type: ClassVar[type[Aggregate]] = Invitation


class ResetRepository(DataclassRepository[PasswordReset]):
    collection_name: ClassVar[str] = "password_resets"
    not_found: ClassVar[str] = "this reset link is unknown, used or expired"
    aggregate_type: ClassVar[type[Aggregate]] = PasswordReset

    async def sent_since(self, email: str, since: datetime) -> int:
        return await self.docs.count(
            {"email": email, "created_at": {"$gt": since}},
            bounded="one address's links in the throttle window",
        )


class RefreshTokens(TenantRepository):
    collection_name: ClassVar[str] = "refresh_tokens"

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        doc = await self.find_one({"token_hash": token_hash})
        if doc is None:
            return None
        doc.setdefault("account_version", 0)
        names = {f.name for f in fields(RefreshToken)}
        return RefreshToken(id=doc["_id"], **{k: v for k, v in doc.items() if k in names - {"id"}})

    async def add(self, token: RefreshToken) -> None:
        doc = asdict(token)
        doc["_id"] = doc.pop("id")
        await self.insert_one(doc)

    async def mark_used(self, token: RefreshToken, at: datetime) -> None:
        token.used_at = at
        await self.update_one({"_id": token.id}, {"$set": {"used_at": at}})

    async def revoke_family(self, family_id: str) -> None:
        await self.update_many({"family_id": family_id}, {"$set": {"revoked": True}})

    async def revoke_account(self, account_id: str) -> int:
        """Revoke every session of the account in this jurisdiction."""
        return await self.update_many(
            {"account_id": account_id, "revoked": False}, {"$set": {"revoked": True}}
        )


class Companies(TenantRepository):
    """Companies as documents, for the read side (lists, look-ups)."""

    collection_name: ClassVar[str] = "companies"


class CompanyRepository(DataclassRepository[Company]):
    """Companies as aggregates; a license number is unique in a jurisdiction."""

    collection_name: ClassVar[str] = "companies"
    not_found: ClassVar[str] = "no such company"
    aggregate_type: ClassVar[type[Aggregate]] = Company

    async def by_license(self, license_number: str) -> Company | None:
        return await self.find_one({"license_number": license_number})

    async def add(self, aggregate: Company) -> None:
        with _license_taken(aggregate):
            await super().add(aggregate)

    async def save(self, aggregate: Company) -> None:
        with _license_taken(aggregate):
            await super().save(aggregate)


@contextmanager
def _license_taken(company: Company) -> Iterator[None]:
    try:
        yield
    except DuplicateKeyError as exc:
        raise LicenseTaken(company.license_number) from exc


class ApiClientRepository(DataclassRepository[ApiClient]):
    """A jurisdiction's API clients (issue 26); at most ``MAX_CLIENTS`` active."""

    collection_name: ClassVar[str] = "api_clients"
    not_found: ClassVar[str] = "no such API client"
    aggregate_type: ClassVar[type[Aggregate]] = ApiClient

    async def active(self) -> list[ApiClient]:
        return await self.find({"status": "active"}, bounded="a jurisdiction's active API clients")

    async def touch(self, client_id: str, at: datetime) -> None:
        """Its last-used time, written at most once a minute (not a change
        of the client: its version stays)."""
        await self.docs.update_one(
            {"_id": client_id, "touch_after": {"$lte": at}},
            {"$set": {"last_used_at": at, "touch_after": at + LAST_USED_EVERY}},
        )


class AuditLog(TenantRepository):
    collection_name: ClassVar[str] = "audit_log"


class LoginAttempts:
    """Throttle state per account key and per client address.

    Global by design: an account is global, and so is an attacker's address.
    """

    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.collection = db["login_attempts"]

    async def get(self, key: str) -> Doc | None:
        return await self.collection.find_one({"_id": key})

    async def put(self, key: str, state: Doc) -> None:
        await self.collection.replace_one({"_id": key}, {"_id": key, **state}, upsert=True)

    async def clear(self, key: str) -> None:
        await self.collection.delete_one({"_id": key})
