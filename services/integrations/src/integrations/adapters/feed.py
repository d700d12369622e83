"""The feed in MongoDB: ``feed_events`` (one document per event, ``_id`` the
CloudEvents id, unique position per jurisdiction) and ``feed_heads`` (each
jurisdiction's newest position). Old events leave by a TTL index on
``stored_at`` (``INTEGRATIONS_FEED_RETENTION_DAYS``)."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import ensure_indexes, tenant_index
from chassis.repository import documents
from chassis.uow import ReadOnly, Transaction

Doc = dict[str, Any]
EVENTS, HEADS = "feed_events", "feed_heads"
TTL_PREFIX = "stored_at_ttl_"


class MongoFeed:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.db = tx.db
        self.session = tx.session
        self.jurisdiction_id = jurisdiction_id
        self.events = documents(tx.db, jurisdiction_id, tx.session, EVENTS)

    async def next_position(self) -> int:
        head = await self.db[HEADS].find_one_and_update(
            {"_id": self.jurisdiction_id},
            {"$inc": {"position": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )
        assert head is not None  # an upsert returns the document after
        return int(head["position"])

    async def append(self, event: Doc) -> None:
        await self.db[EVENTS].insert_one(
            {**event, "jurisdiction_id": self.jurisdiction_id}, session=self.session
        )

    async def head(self) -> int:
        head = await self.db[HEADS].find_one({"_id": self.jurisdiction_id}, session=self.session)
        return int(head["position"]) if head else 0

    async def exists(self, position: int) -> bool:
        found = await self.events.find_one({"position": position}, projection={"_id": 1})
        return found is not None

    async def at(self, position: int) -> Doc | None:
        return await self.events.find_one({"position": position})

    async def by_id(self, event_id: str) -> Doc | None:
        return await self.events.find_one({"_id": event_id}, projection={"position": 1})

    async def stored_at(self, position: int) -> Any:
        found = await self.events.find_one({"position": position}, projection={"stored_at": 1})
        return found["stored_at"] if found else None

    async def window(self, after: int, last: int) -> list[Doc]:
        if last <= after:
            return []
        return await self.events.find(
            {"position": {"$gt": after, "$lte": last}},
            sort=[("position", ASCENDING)],
            projection={"jurisdiction_id": 0, "stored_at": 0},
            bounded="a window of consecutive positions, at most a page",
        )


async def create_indexes(db: AsyncDatabase[Doc], retention_days: int) -> None:
    """The feed's indexes; the retention's TTL index replaced when it changed."""
    ttl = f"{TTL_PREFIX}{retention_days}d"
    async for index in await db[EVENTS].list_indexes():
        if index["name"].startswith(TTL_PREFIX) and index["name"] != ttl:
            await db[EVENTS].drop_index(index["name"])
    await ensure_indexes(
        db,
        {
            EVENTS: [
                tenant_index("position", unique=True),
                IndexModel(
                    [("stored_at", ASCENDING)], name=ttl, expireAfterSeconds=retention_days * 86400
                ),
            ]
        },
    )
