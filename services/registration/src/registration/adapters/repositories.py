"""Registration's collections (all tenant-scoped)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo.asynchronous.database import AsyncDatabase

from chassis.aggregate import Aggregate
from chassis.mongo import TenantRepository, ensure_indexes, tenant_index
from chassis.repository import (
    DataclassRepository,
)
from registration.domain.confirmation import EmailConfirmation
from registration.domain.registration import Registration
from registration.service_layer.unit_of_work import DEFAULT_CONFIG

Doc = dict[str, Any]


class RegistrationRepository(DataclassRepository[Registration]):
    collection_name: ClassVar[str] = "registrations"
    not_found: ClassVar[str] = "no such registration"

    aggregate_type: ClassVar[type[Aggregate]] = Registration


class ConfirmationRepository(DataclassRepository[EmailConfirmation]):
    """Email confirmations that open a draft (single use, expiring)."""

    collection_name: ClassVar[str] = "starts"

    aggregate_type: ClassVar[type[Aggregate]] = EmailConfirmation

    async def sent_since(self, email: str, since: datetime) -> int:
        return await self.docs.count(
            {"email": email, "created_at": {"$gt": since}},
            bounded="one address's links in the throttle window",
        )


class RegistrationConfig(TenantRepository):
    """One document per jurisdiction: the registration configuration."""

    collection_name: ClassVar[str] = "registration_settings"

    async def load(self) -> Doc:
        doc = await self.find_one({"_id": self.jurisdiction_id})
        return {**DEFAULT_CONFIG, **(doc or {})}

    async def put(self, config: Doc, *, at: datetime, by: str) -> None:
        await self.update_one(
            {"_id": self.jurisdiction_id},
            {"$set": {**config, "updated_at": at, "updated_by": by}},
            upsert=True,
        )


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
    "registration_settings": [],
}


async def create_indexes(db: AsyncDatabase[Doc]) -> None:
    await ensure_indexes(db, INDEXES)
