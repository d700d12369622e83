"""Webhook endpoints and their delivery log in MongoDB.

``webhook_endpoints`` holds each endpoint's settings and its place in the
feed: ``cursor`` (last position acknowledged), ``due_at`` (when a worker
should look at it: :data:`~integrations.domain.webhooks.IDLE` when caught up,
the retry time after a failure, the lease's end while a worker sends) and
``owner``. ``due_at`` is the lease: a worker takes an endpoint by moving it
from the past to its lease's end in one write, so one worker at a time sends
to an endpoint, and an endpoint whose worker died is due again when its lease
ends. Events wake only idle endpoints, so a worker sending, or waiting out a
back-off, is never written to by the consumers.

``admin_contacts`` keeps each jurisdiction's admins' addresses (from
identity's membership events), to tell them of an endpoint disabled.

``webhook_attempts`` is the delivery log, numbered per endpoint (``seq``),
read in windows of numbers (reads stay flat).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import ensure_indexes, tenant_index
from chassis.repository import documents
from chassis.uow import ReadOnly, Transaction
from integrations.adapters.sealing import Sealer
from integrations.domain.webhooks import IDLE, MAX_ENDPOINTS, MAX_REPLAYS

Doc = dict[str, Any]
ENDPOINTS, ATTEMPTS, CONTACTS = "webhook_endpoints", "webhook_attempts", "admin_contacts"


class MongoEndpoints:
    """One jurisdiction's endpoints and their log (the routes' side)."""

    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str, sealer: Sealer) -> None:
        self.sealer = sealer
        self.session = tx.session
        self.raw = tx.db[ENDPOINTS]
        self.endpoints = documents(tx.db, jurisdiction_id, tx.session, ENDPOINTS)
        self.attempts = documents(tx.db, jurisdiction_id, tx.session, ATTEMPTS)
        self.contacts = documents(tx.db, jurisdiction_id, tx.session, CONTACTS)

    def seal(self, secret: str) -> Doc:
        return self.sealer.seal(secret)

    async def all(self) -> list[Doc]:
        return await self.endpoints.find(
            {}, bounded=f"a jurisdiction's endpoints, at most {MAX_ENDPOINTS}"
        )

    async def get(self, endpoint_id: str) -> Doc | None:
        return await self.endpoints.find_one({"_id": endpoint_id})

    async def add(self, doc: Doc) -> None:
        await self.endpoints.insert_one(doc)

    async def change(self, endpoint_id: str, update: Doc) -> Doc | None:
        return await self.endpoints.find_one_and_update({"_id": endpoint_id}, update)

    async def remove(self, endpoint_id: str) -> bool:
        return bool(await self.endpoints.delete_one({"_id": endpoint_id}))

    async def wake(self, endpoint_ids: list[str], now: datetime) -> None:
        """Make idle endpoints due now; one sending or backing off is left be."""
        if endpoint_ids:
            await self.raw.update_many(
                {"_id": {"$in": endpoint_ids}, "due_at": IDLE, "enabled": True},
                {"$set": {"due_at": now}},
                session=self.session,
            )

    async def replay(self, endpoint_id: str, position: int) -> bool:
        """Queue one event to be sent again; False when the queue is full."""
        done = await self.raw.update_one(
            {"_id": endpoint_id, f"replay.{MAX_REPLAYS - 1}": {"$exists": False}},
            {"$addToSet": {"replay": position}},
            session=self.session,
        )
        return done.matched_count == 1

    async def rewind(self, endpoint_id: str, position: int) -> None:
        """Send again every event after ``position`` (taken up by the worker)."""
        await self.raw.update_one(
            {"_id": endpoint_id}, {"$min": {"rewind": position}}, session=self.session
        )

    async def held_change(self, endpoint_id: str, owner: str, update: Doc) -> Doc | None:
        """A worker's change of an endpoint it holds (in this transaction)."""
        return await self.raw.find_one_and_update(
            {"_id": endpoint_id, "owner": owner},
            update,
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )

    async def admins(self) -> list[str]:
        """The jurisdiction's admins' addresses (kept from identity's events)."""
        found = await self.contacts.find({}, bounded="a jurisdiction's admins")
        return sorted(doc["email"] for doc in found)

    async def admin(self, membership_id: str, email: str | None) -> None:
        """Keep (``email``) or forget (None) one admin's address."""
        if email is None:
            await self.contacts.delete_one({"_id": membership_id})
        else:
            await self.contacts.update_one(
                {"_id": membership_id}, {"$set": {"email": email}}, upsert=True
            )

    async def log(self, endpoint_id: str, low: int, high: int) -> list[Doc]:
        """The attempts numbered ``low`` to ``high - 1``."""
        return await self.attempts.find(
            {"endpoint_id": endpoint_id, "seq": {"$gte": low, "$lt": high}},
            projection={"jurisdiction_id": 0},
            bounded="a window of attempt numbers, at most a page",
        )


class DeliveryState:
    """The worker's side: every jurisdiction's endpoints, by ``_id`` and ``due_at``."""

    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.endpoints = db[ENDPOINTS]
        self.attempts = db[ATTEMPTS]

    async def due(self, now: datetime, limit: int) -> list[str]:
        found = self.endpoints.find({"due_at": {"$lte": now}}, {"_id": 1}, limit=limit)
        return [doc["_id"] async for doc in found]

    async def claim(
        self, endpoint_id: str, owner: str, now: datetime, lease: timedelta
    ) -> Doc | None:
        """Take a due endpoint until ``now + lease``; None if another took it."""
        return await self.endpoints.find_one_and_update(
            {"_id": endpoint_id, "due_at": {"$lte": now}},
            {"$set": {"due_at": now + lease, "owner": owner}},
            return_document=ReturnDocument.AFTER,
        )

    async def hold(self, endpoint_id: str, owner: str, update: Doc) -> Doc | None:
        """Write what the owner did (and renew its lease); None if it lost the endpoint."""
        return await self.endpoints.find_one_and_update(
            {"_id": endpoint_id, "owner": owner},
            update,
            return_document=ReturnDocument.AFTER,
        )

    async def wake_if_idle(self, endpoint_id: str, now: datetime) -> None:
        await self.wake([endpoint_id], now)

    async def wake(self, endpoint_ids: list[str], now: datetime) -> None:
        """Make the idle ones of ``endpoint_ids`` due now (after a commit)."""
        await self.endpoints.update_many(
            {"_id": {"$in": endpoint_ids}, "due_at": IDLE, "enabled": True},
            {"$set": {"due_at": now}},
        )

    async def idle(self) -> list[tuple[str, str, int]]:
        """Every idle, enabled endpoint of the installation (the repair: at
        start and every minute)."""
        found = self.endpoints.find(
            {"due_at": IDLE, "enabled": True}, {"jurisdiction_id": 1, "cursor": 1}
        )
        return [(d["_id"], d["jurisdiction_id"], int(d.get("cursor", 0))) async for d in found]

    async def record(self, attempts: list[Doc]) -> None:
        if attempts:
            await self.attempts.insert_many(attempts, ordered=False)


async def create_indexes(db: AsyncDatabase[Doc], retention_days: int) -> None:
    await ensure_indexes(
        db,
        {
            ENDPOINTS: [
                tenant_index("created_at"),
                IndexModel([("due_at", ASCENDING)], name="due_at"),
            ],
            ATTEMPTS: [
                tenant_index("endpoint_id", "seq"),
                IndexModel(
                    [("at", ASCENDING)], name="at_ttl", expireAfterSeconds=retention_days * 86400
                ),
            ],
            CONTACTS: [],
        },
    )
