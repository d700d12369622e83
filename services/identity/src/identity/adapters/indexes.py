"""Identity's indexes, declared with its collections and created at start."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import ensure_indexes, tenant_index

Doc = dict[str, Any]

INDEXES = {
    "accounts": [IndexModel([("email", ASCENDING)], unique=True, name="email_uniq")],
    "memberships": [
        tenant_index("account_id", unique=True),
        tenant_index("company_ids"),
        tenant_index("company_admin_of"),
        tenant_index("kind", "email"),  # people by the start of their email
        tenant_index("kind", "status"),
        IndexModel([("account_id", ASCENDING)], name="account_id"),
    ],
    "enrollments": [tenant_index("token_hash", unique=True), tenant_index("email", "created_at")],
    "invitations": [tenant_index("token_hash", unique=True), tenant_index("account_id")],
    "password_resets": [
        tenant_index("token_hash", unique=True),
        tenant_index("email", "created_at"),
    ],
    "companies": [
        tenant_index("license_number", unique=True),
        tenant_index("name_key"),
        tenant_index(
            "registration_id",
            unique=True,
            name="jurisdiction_id_registration_id_partial_uniq",
            partialFilterExpression={"registration_id": {"$type": "string"}},
        ),
    ],
    "audit_log": [tenant_index("at")],
    "api_clients": [tenant_index("status")],
    "refresh_tokens": [
        tenant_index("token_hash", unique=True),
        tenant_index("family_id"),
        tenant_index("account_id"),
    ],
    "jurisdictions": [],
}


async def create_indexes(db: AsyncDatabase[Doc]) -> None:
    await ensure_indexes(db, INDEXES)
    await _registry_as_tenants(db)


async def _registry_as_tenants(db: AsyncDatabase[Doc]) -> None:
    """Jurisdictions written before they were aggregates carry their tenant key."""
    async for doc in db["jurisdictions"].find({"jurisdiction_id": {"$exists": False}}):
        await db["jurisdictions"].update_one(
            {"_id": doc["_id"]}, {"$set": {"jurisdiction_id": doc["_id"]}}
        )
