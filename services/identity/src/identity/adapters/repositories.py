"""Identity's Mongo collections.

``jurisdictions`` (the tenant registry) and ``accounts`` (one per email) are
global by design; everything else is tenant-scoped through
:class:`chassis.mongo.TenantRepository`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import TenantRepository, ensure_indexes, tenant_index

Doc = dict[str, Any]


class JurisdictionRegistry:
    """The tenant registry. Global: it is the list of tenants itself."""

    def __init__(self, db: AsyncDatabase[Doc], session: AsyncClientSession | None = None) -> None:
        self.collection = db["jurisdictions"]
        self.session = session

    async def get(self, jurisdiction_id: str) -> Doc | None:
        return await self.collection.find_one({"_id": jurisdiction_id}, session=self.session)

    async def insert(self, doc: Doc) -> None:
        await self.collection.insert_one(doc, session=self.session)

    async def list(self) -> list[Doc]:
        return [
            d async for d in self.collection.find({}, session=self.session).sort("_id", ASCENDING)
        ]


class Accounts:
    """Global accounts: one login works in every jurisdiction the person belongs to."""

    def __init__(self, db: AsyncDatabase[Doc], session: AsyncClientSession | None = None) -> None:
        self.collection = db["accounts"]
        self.session = session

    async def by_email(self, email_normalized: str) -> Doc | None:
        return await self.collection.find_one({"email": email_normalized}, session=self.session)

    async def by_id(self, account_id: str) -> Doc | None:
        return await self.collection.find_one({"_id": account_id}, session=self.session)

    async def insert(self, doc: Doc) -> None:
        await self.collection.insert_one(doc, session=self.session)

    async def set_password_hash(self, account_id: str, password_hash: str) -> None:
        await self.collection.update_one(
            {"_id": account_id}, {"$set": {"password_hash": password_hash}}, session=self.session
        )


class Memberships(TenantRepository):
    collection_name: ClassVar[str] = "memberships"

    async def of_account(self, account_id: str) -> Doc | None:
        return await self.find_one({"account_id": account_id})


async def jurisdictions_of_account(db: AsyncDatabase[Doc], account_id: str) -> list[str]:
    """The jurisdictions an account is an active member of.

    Deliberately account-scoped rather than tenant-scoped: a person may see
    the list of their own memberships across jurisdictions.
    """
    cursor = db["memberships"].find(
        {"account_id": account_id, "status": "active"}, {"jurisdiction_id": 1}
    )
    return sorted({d["jurisdiction_id"] async for d in cursor})


class Enrollments(TenantRepository):
    collection_name: ClassVar[str] = "enrollments"


class RefreshTokens(TenantRepository):
    collection_name: ClassVar[str] = "refresh_tokens"


INDEXES = {
    "accounts": [IndexModel([("email", ASCENDING)], unique=True, name="email_uniq")],
    "memberships": [
        tenant_index("account_id", unique=True),
        IndexModel([("account_id", ASCENDING)], name="account_id"),
    ],
    "enrollments": [tenant_index("token_hash", unique=True)],
    "refresh_tokens": [
        tenant_index("token_hash", unique=True),
        tenant_index("family_id"),
    ],
}


async def create_indexes(db: AsyncDatabase[Doc]) -> None:
    await ensure_indexes(db, INDEXES)
