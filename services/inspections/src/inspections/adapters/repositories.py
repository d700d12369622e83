"""Inspections' collections (tenant-scoped, jurisdiction first in every index)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pymongo.asynchronous.database import AsyncDatabase

from chassis.aggregate import Aggregate
from chassis.mongo import TenantRepository, ensure_indexes, tenant_index
from chassis.repository import (
    DataclassRepository,
    MongoAggregateRepository,
    aggregate_values,
    plain_doc,
)
from inspections.domain.calendar import DEFAULT_SETTINGS
from inspections.domain.inspection import Inspection
from inspections.domain.permit import InspectablePermit

Doc = dict[str, Any]


class InspectionRepository(DataclassRepository[Inspection]):
    collection_name: ClassVar[str] = "inspections"
    not_found: ClassVar[str] = "no such inspection"

    aggregate_type: ClassVar[type[Aggregate]] = Inspection


class PermitRepository(MongoAggregateRepository[InspectablePermit]):
    """Inspections' copy of each permit (from events)."""

    collection_name: ClassVar[str] = "permits"
    not_found: ClassVar[str] = "no such permit"

    @classmethod
    def to_doc(cls, aggregate: InspectablePermit) -> Doc:
        return plain_doc(aggregate)

    @classmethod
    def from_doc(cls, doc: Doc) -> InspectablePermit:
        values = aggregate_values(InspectablePermit, doc)
        # before this copy had its own version, "version" was the permit's
        values.setdefault("source_version", doc.get("version", 0))
        values.setdefault("version", doc.get("version", 0))
        return InspectablePermit(**values)


class Settings(TenantRepository):
    collection_name: ClassVar[str] = "inspection_settings"

    async def load(self) -> Doc:
        doc = await self.find_one({"_id": self.jurisdiction_id}) or {}
        zone = await Zones(self.collection.database, self.jurisdiction_id, self.session).find_one(
            {"_id": self.jurisdiction_id}
        )
        merged = {**DEFAULT_SETTINGS, **doc}
        merged["effective_time_zone"] = (
            merged["time_zone"] or (zone or {}).get("time_zone") or "UTC"
        )
        return merged

    async def put(self, body: Doc) -> None:
        await self.update_one({"_id": self.jurisdiction_id}, {"$set": body}, upsert=True)


class Zones(TenantRepository):
    """Each jurisdiction's time zone, from identity's events."""

    collection_name: ClassVar[str] = "zones"

    async def remember(self, name: str, time_zone: str) -> None:
        await self.update_one(
            {"_id": self.jurisdiction_id},
            {"$set": {"time_zone": time_zone, "name": name}},
            upsert=True,
        )


class Slots(TenantRepository):
    """Booked count per key (an inspection type, or ``area=<zip>``) and local
    date: ``<jurisdiction_id>:<key>:<date>``."""

    collection_name: ClassVar[str] = "slots"

    def _id(self, key: str, day: date) -> str:
        return f"{self.jurisdiction_id}:{key}:{day.isoformat()}"

    async def ensure(self, key: str, day: date) -> None:
        await self.update_one(
            {"_id": self._id(key, day)},
            {"$setOnInsert": {"type": key, "date": day.isoformat(), "count": 0}},
            upsert=True,
        )

    async def booked(self, key: str) -> dict[date, int]:
        return {date.fromisoformat(s["date"]): s["count"] for s in await self.find({"type": key})}

    async def taken(self, key: str, day: date) -> int:
        slot = await self.find_one({"_id": self._id(key, day)})
        return int((slot or {}).get("count", 0))

    async def add(self, key: str, day: date, n: int) -> None:
        await self.update_one({"_id": self._id(key, day)}, {"$inc": {"count": n}})


INDEXES = {
    "inspections": [
        tenant_index("permit_id", "status"),
        tenant_index("requested_by.account_id", "status"),
        tenant_index("date", "area"),
        tenant_index("number"),
        tenant_index("status", "date"),  # the queue of inspections still to do
        tenant_index("status", "permit_id"),  # my inspections: SCHEDULED on my permits
    ],
    "permits": [
        # my inspections: the caller's permits that can still be inspected
        tenant_index("company_ids", "status"),
        tenant_index("party_emails", "status"),
        tenant_index("linked_accounts", "status"),
    ],
    "slots": [tenant_index("type", "date")],
    "inspection_settings": [],
    "zones": [],
}


async def create_indexes(db: AsyncDatabase[Doc]) -> None:
    await ensure_indexes(db, INDEXES)
