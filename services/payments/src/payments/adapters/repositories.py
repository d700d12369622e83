"""Payments' collections (tenant-scoped, jurisdiction first in every index)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.aggregate import Aggregate
from chassis.clock import as_utc
from chassis.money import Money
from chassis.mongo import TenantRepository, ensure_indexes, tenant_index
from chassis.repository import (
    DataclassRepository,
    MongoAggregateRepository,
    aggregate_values,
    plain_doc,
)
from payments.domain.cart import DEFAULT_SETTINGS
from payments.domain.payment import Payment
from payments.domain.receivable import Receivable, ReceivableLine
from payments.domain.refund import Refund
from payments.service_layer.unit_of_work import DuplicateWebhook, FeesReserved

Doc = dict[str, Any]


MONEY_FIELDS = {
    "fees": "fees_minor",
    "convenience_fee": "convenience_fee_minor",
    "total": "total_minor",
    "absorbed_fee": "absorbed_fee_minor",
    "refunded_total": "refunded_minor",
}


class PaymentRepository(DataclassRepository[Payment]):
    """Payments as stored: each amount as integer minor units beside the one
    currency (what the API and the events carry), Money in the aggregate."""

    collection_name: ClassVar[str] = "payments"
    not_found: ClassVar[str] = "no such payment"

    aggregate_type: ClassVar[type[Aggregate]] = Payment

    @classmethod
    def to_doc(cls, aggregate: Payment) -> Doc:
        doc = plain_doc(aggregate)
        for name, stored in MONEY_FIELDS.items():
            doc[stored] = doc.pop(name).minor
        doc["currency"] = aggregate.currency
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Payment:
        stored = dict(doc)
        currency = stored.pop("currency")
        for name, key in MONEY_FIELDS.items():
            stored[name] = Money(int(stored.pop(key, 0) or 0), currency)
        return Payment(**aggregate_values(Payment, stored))


class RefundRepository(DataclassRepository[Refund]):
    collection_name: ClassVar[str] = "refunds"
    not_found: ClassVar[str] = "no such refund"

    aggregate_type: ClassVar[type[Aggregate]] = Refund


class ReceivableRepository(MongoAggregateRepository[Receivable]):
    collection_name: ClassVar[str] = "receivables"
    not_found: ClassVar[str] = "no such permit with fees"

    @classmethod
    def to_doc(cls, aggregate: Receivable) -> Doc:
        doc = plain_doc(aggregate)
        doc["lines"] = {
            lid: {k: v for k, v in vars(line).items() if k != "amount"}
            | {"amount_minor": line.amount.minor}
            for lid, line in aggregate.lines.items()
        }
        return doc

    @classmethod
    def from_doc(cls, doc: Doc) -> Receivable:
        values = aggregate_values(Receivable, doc)
        currency = doc.get("currency") or "USD"
        values["lines"] = {
            lid: ReceivableLine(
                amount=Money(int(ln["amount_minor"]), currency),
                **{k: v for k, v in ln.items() if k != "amount_minor"},
            )
            for lid, ln in doc.get("lines", {}).items()
        }
        # before receivables had their own version, "version" was the permit's
        values.setdefault("source_version", doc.get("version", 0))
        values.setdefault("version", doc.get("version", 0))
        return Receivable(**values)


class PaymentSettings(TenantRepository):
    collection_name: ClassVar[str] = "payment_settings"

    async def load(self) -> Doc:
        doc = await self.find_one({"_id": self.jurisdiction_id})
        return {**DEFAULT_SETTINGS, **(doc or {})}

    async def put(self, body: Doc) -> None:
        await self.update_one({"_id": self.jurisdiction_id}, {"$set": body}, upsert=True)


class Carts(TenantRepository):
    """One cart per account: permit id → the chosen fee lines."""

    collection_name: ClassVar[str] = "carts"

    def _key(self, account_id: str) -> str:
        return f"{self.jurisdiction_id}:{account_id}"

    async def items(self, account_id: str) -> dict[str, list[str]]:
        doc = await self.find_one({"_id": self._key(account_id)}) or {}
        return dict(doc.get("items") or {})

    async def put(self, account_id: str, permit_id: str, line_ids: list[str]) -> None:
        await self.update_one(
            {"_id": self._key(account_id)},
            {"$set": {f"items.{permit_id}": line_ids, "account_id": account_id}},
            upsert=True,
        )

    async def drop(self, account_id: str, permit_ids: list[str]) -> None:
        if permit_ids:
            await self.update_one(
                {"_id": self._key(account_id)},
                {"$unset": {f"items.{permit_id}": "" for permit_id in permit_ids}},
            )


class Reservations(TenantRepository):
    """One document per reserved fee line (``<permit_id>:<line_id>``): the unique
    ``_id`` is what keeps two open checkouts from taking the same line."""

    collection_name: ClassVar[str] = "reservations"

    @staticmethod
    def key(permit_id: str, line_id: str) -> str:
        return f"{permit_id}:{line_id}"

    async def hold(
        self, lines: list[tuple[str, str]], payment_id: str, *, until: datetime, now: datetime
    ) -> None:
        keys = [self.key(*line) for line in lines]
        held = await self.find({"_id": {"$in": keys}}, projection={"expires_at": 1})
        expired = [h["_id"] for h in held if as_utc(h["expires_at"]) <= now]
        if expired:  # by id: a second operator field would read the whole jurisdiction
            await self.delete_many({"_id": {"$in": expired}})
        try:
            for k in keys:
                await self.insert_one({"_id": k, "payment_id": payment_id, "expires_at": until})
        except DuplicateKeyError as exc:
            raise FeesReserved() from exc

    async def holder(self, permit_id: str, line_id: str, now: datetime) -> str | None:
        hold = await self.find_one({"_id": self.key(permit_id, line_id)})
        return hold["payment_id"] if hold and hold["expires_at"] > now else None

    async def release(self, payment_id: str) -> None:
        await self.delete_many({"payment_id": payment_id})


class Receipts(TenantRepository):
    collection_name: ClassVar[str] = "counters"

    async def next_number(self, year: int) -> str:
        """Unique per jurisdiction: a per-year counter in the settlement's transaction."""
        counter = await self.find_one_and_update(
            {"_id": f"{self.jurisdiction_id}:receipt:{year}"}, {"$inc": {"seq": 1}}, upsert=True
        )
        assert counter is not None
        return f"R{year}-{counter['seq']:06d}"


class WebhookEvents(TenantRepository):
    collection_name: ClassVar[str] = "webhook_events"

    async def record(self, event_id: str, payment_id: str, outcome: str, at: datetime) -> None:
        try:
            await self.insert_one(
                {"_id": event_id, "payment_id": payment_id, "outcome": outcome, "received_at": at}
            )
        except DuplicateKeyError as exc:
            raise DuplicateWebhook(event_id) from exc


async def locate_payment(db: AsyncDatabase[Doc], payment_id: str) -> str | None:
    """Payment ids are unguessable and global; the payment names its jurisdiction."""
    raw = await db["payments"].find_one({"_id": payment_id}, {"jurisdiction_id": 1})
    return None if raw is None else str(raw["jurisdiction_id"])


INDEXES = {
    "carts": [tenant_index("account_id")],
    "receivables": [tenant_index("number")],
    "payments": [
        tenant_index("account_id", ("created_at", -1)),
        tenant_index(
            "receipt_number",
            unique=True,
            partialFilterExpression={"receipt_number": {"$type": "string"}},
        ),
        tenant_index("items.number"),
        tenant_index(("created_at", -1)),
        tenant_index("status", "created_at"),  # the queue of payments in progress
        tenant_index("settled_at"),  # a settlement window
    ],
    "reservations": [tenant_index("payment_id")],
    "refunds": [tenant_index("payment_id")],
    "counters": [],
    "payment_settings": [],
    "webhook_events": [],
}


async def create_indexes(db: AsyncDatabase[Doc]) -> None:
    await ensure_indexes(db, INDEXES)
    # reconciliation looks across tenants by status and age
    await db["payments"].create_index([("status", 1), ("created_at", 1)], name="reconcile")
    await db["refunds"].create_index([("status", 1), ("created_at", 1)], name="reconcile")
