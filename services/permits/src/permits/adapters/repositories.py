"""Permits' collections (tenant-scoped, jurisdiction first in every index)."""

from __future__ import annotations

import contextlib
from dataclasses import fields
from datetime import datetime
from typing import Any, ClassVar
from uuid import uuid4

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.aggregate import HistoryEntry
from chassis.mongo import TenantRepository, ensure_indexes, tenant_index
from chassis.refusals import Conflicting
from chassis.repository import MongoAggregateRepository
from permits.domain.fee_ledger import FeeLedger
from permits.domain.fees import FeeLine
from permits.domain.permit import Permit
from permits.domain.permit_type import PermitType

Doc = dict[str, Any]
_PERMIT_FIELDS = [f.name for f in fields(Permit) if not f.name.startswith("_")]


class PermitRepository(MongoAggregateRepository[Permit]):
    collection_name: ClassVar[str] = "permits"
    not_found: ClassVar[str] = "no such permit"

    @classmethod
    def to_doc(cls, aggregate: Permit) -> Doc:
        doc = {name: getattr(aggregate, name) for name in _PERMIT_FIELDS}
        doc["_id"] = doc.pop("id")
        doc["history"] = [entry.as_doc() for entry in aggregate.history]
        doc["fees"] = [line.as_doc() for line in aggregate.fees.lines]
        doc["company_ids"] = list(aggregate.company_ids)
        doc["linked_accounts"] = list(aggregate.linked_accounts)
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Permit:
        values = {name: doc[name] for name in _PERMIT_FIELDS if name in doc}
        values["id"] = doc["_id"]
        values["history"] = [HistoryEntry.from_doc(h) for h in doc.get("history", [])]
        values["fees"] = FeeLedger([FeeLine.from_doc(line) for line in doc.get("fees", [])])
        return Permit(**values)

    async def add(self, aggregate: Permit) -> None:
        try:
            await super().add(aggregate)
        except DuplicateKeyError as exc:
            if "number" not in str(exc):
                raise
            # only numbers given out before put_type refused overlapping formats
            raise Conflicting(
                "the next number of this permit type is already taken by another type's permit",
                code="number-taken",
            ) from exc


class PermitTypes(TenantRepository):
    collection_name: ClassVar[str] = "permit_types"

    async def get(self, code: str) -> PermitType | None:
        doc = await self.find_one({"code": code})
        return None if doc is None else PermitType.from_doc(doc)

    BOUNDED: ClassVar[str] = "a jurisdiction's permit types (its configuration, a few dozen)"

    async def all(self) -> list[PermitType]:
        return [PermitType.from_doc(d) for d in await self.find({}, bounded=self.BOUNDED)]

    async def documents(self) -> list[Doc]:
        return await self.find(sort=[("code", 1)], bounded=self.BOUNDED)

    async def put(self, code: str, body: Doc) -> Doc:
        await self.update_one(
            {"code": code},
            {
                "$set": {**body, "code": code},
                "$setOnInsert": {"_id": f"{self.jurisdiction_id}:{code}"},
            },
            upsert=True,
        )
        doc = await self.find_one({"code": code})
        assert doc is not None
        return doc


class Counters(TenantRepository):
    """One sequence per jurisdiction, permit type and year (gap-free numbering)."""

    collection_name: ClassVar[str] = "counters"

    async def ensure(self, type_code: str, year: int) -> None:
        """Create the sequence before the application's transaction: two first
        applications of a year would otherwise both insert it in their
        transactions, and one would fail for good."""
        with contextlib.suppress(DuplicateKeyError):
            await self.update_one(
                {"type_code": type_code, "year": year},
                {"$setOnInsert": {"_id": str(uuid4()), "seq": 0}},
                upsert=True,
            )

    async def next(self, type_code: str, year: int) -> int:
        """The next number, committed with the permit: a failed application
        leaves no hole, and concurrent ones conflict on the counter (a
        transient write conflict the unit of work retries)."""
        counter = await self.find_one_and_update(
            {"type_code": type_code, "year": year}, {"$inc": {"seq": 1}}, upsert=True
        )
        assert counter is not None
        return int(counter["seq"])


class LinkAttempts(TenantRepository):
    """Failed attempts to link a permit, for throttling."""

    collection_name: ClassVar[str] = "link_attempts"

    async def failures_since(self, account_id: str, since: datetime) -> int:
        return await self.count(
            {"account_id": account_id, "at": {"$gt": since}},
            bounded="one account's link attempts in the throttle window",
        )

    async def record_failure(self, account_id: str, at: datetime) -> None:
        await self.insert_one({"_id": str(uuid4()), "account_id": account_id, "at": at})


class Jurisdictions(TenantRepository):
    """Permits' copy of what it needs of each jurisdiction (its time zone)."""

    collection_name: ClassVar[str] = "jurisdictions"

    async def time_zone(self) -> str:
        doc = await self.find_one({"_id": self.jurisdiction_id})
        return str((doc or {}).get("time_zone", "UTC"))

    async def remember(self, name: str, time_zone: str) -> None:
        await self.update_one(
            {"_id": self.jurisdiction_id},
            {"$set": {"name": name, "time_zone": time_zone}},
            upsert=True,
        )


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
        tenant_index("street_key"),
        tenant_index("site.parcel"),
        tenant_index("type_code", "applied_at"),
    ],
    "link_attempts": [tenant_index("account_id", "at")],
    "jurisdictions": [],
}


async def create_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    await ensure_indexes(db, INDEXES)
