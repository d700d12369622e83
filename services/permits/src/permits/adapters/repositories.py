"""Permits' collections (tenant-scoped, jurisdiction first in every index)."""

from __future__ import annotations

from typing import Any, ClassVar

from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import TenantRepository, ensure_indexes, tenant_index


class PermitTypes(TenantRepository):
    collection_name: ClassVar[str] = "permit_types"


class Counters(TenantRepository):
    """One sequence per jurisdiction, permit type and year (gap-free numbering)."""

    collection_name: ClassVar[str] = "counters"


class Permits(TenantRepository):
    collection_name: ClassVar[str] = "permits"


class LinkAttempts(TenantRepository):
    """Failed attempts to link a permit, for throttling."""

    collection_name: ClassVar[str] = "link_attempts"


class Jurisdictions(TenantRepository):
    """Permits' copy of what it needs of each jurisdiction (its time zone)."""

    collection_name: ClassVar[str] = "jurisdictions"


INDEXES = {
    "permit_types": [tenant_index("code", unique=True)],
    "counters": [tenant_index("type_code", "year", unique=True)],
    "permits": [
        tenant_index("number", unique=True),
        tenant_index("applicant.email", "status"),
        tenant_index("owner.email", "status"),
        tenant_index("company_ids", "status"),
        tenant_index("linked_accounts", "status"),
        tenant_index("status", "applied_at"),
        tenant_index("applied_at"),
        tenant_index("site.street"),
        tenant_index("site.parcel"),
        tenant_index("type_code", "applied_at"),
    ],
    "link_attempts": [tenant_index("account_id", "at")],
}


async def create_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    await ensure_indexes(db, INDEXES)
