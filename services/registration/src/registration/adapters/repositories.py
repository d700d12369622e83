"""Registration's collections (all tenant-scoped)."""

from __future__ import annotations

from typing import ClassVar

from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import TenantRepository, ensure_indexes, tenant_index


class RegistrationSettingsRepo(TenantRepository):
    """One document per jurisdiction: the registration configuration."""

    collection_name: ClassVar[str] = "registration_settings"


class Starts(TenantRepository):
    """Email confirmations that open a draft (single use, expiring)."""

    collection_name: ClassVar[str] = "starts"


class Registrations(TenantRepository):
    collection_name: ClassVar[str] = "registrations"


INDEXES = {
    "starts": [tenant_index("token_hash", unique=True), tenant_index("email", "created_at")],
    "registrations": [
        tenant_index("draft_token_hash", unique=True),
        tenant_index(
            "resume_token_hash",
            unique=True,
            partialFilterExpression={"resume_token_hash": {"$type": "string"}},
        ),
        tenant_index("status", "submitted_at"),
        tenant_index("trades"),
        tenant_index("email"),
    ],
}


async def create_indexes(db: AsyncDatabase[dict[str, object]]) -> None:  # type: ignore[type-var]
    await ensure_indexes(db, INDEXES)  # type: ignore[arg-type]
