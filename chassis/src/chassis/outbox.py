"""Transactional outbox: events saved with the state change, published after commit.

Each event is stored already encoded (topic, key, value, headers). After the
transaction commits, the writer publishes its own events at once; a relay
loop also claims unpublished documents with a lease (``find_one_and_update``)
so a crash between commit and publish loses nothing, and two relays never own
the same document at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any
from uuid import uuid4

from aiokafka.errors import MessageSizeTooLargeError, RecordTooLargeError
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import Clock, as_utc
from chassis.errors import ProblemError
from chassis.kafka import EventPublisher
from chassis.leases import claim_one
from chassis.marks import Marks
from chassis.metrics import OUTBOX_DEAD_LETTERED, OUTBOX_LAG, OUTBOX_PENDING
from contracts import Envelope

log = logging.getLogger(__name__)

OUTBOX = "outbox"
PENDING = "pending"
SENT = "sent"
DEAD = "dead"  # the broker refused it for good: kept, with the reason, for an operator

# Apache Kafka takes records up to about 1 MB by default (message.max.bytes,
# the producer's max.request.size); an event is refused well before that.
MAX_EVENT_BYTES = 512 * 1024
# errors no retry can help: the record itself is what the broker refuses
PERMANENT = (MessageSizeTooLargeError, RecordTooLargeError)
# the relay's lag and pending gauges take two queries: every fifth tick, not every one
# (an idle suite's database answered them for every service every second)
LAG_EVERY_TICKS = 5


class EventTooLarge(ProblemError):
    """A command whose event the event stream could not carry: refused inside
    its transaction, so nothing of it is written."""

    status = 422
    slug = "event-too-large"
    title = "This change is too large"


OUTBOX_INDEXES = [
    IndexModel([("status", ASCENDING), ("created_at", ASCENDING)], name="status_created"),
    IndexModel([("status", ASCENDING), ("sent_at", ASCENDING)], name="status_sent"),
]


class Outbox:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        publisher: EventPublisher | None,
        clock: Clock,
        *,
        service: str,
        lease: timedelta = timedelta(seconds=30),
        retention: timedelta = timedelta(hours=24),
        max_event_bytes: int = MAX_EVENT_BYTES,
    ) -> None:
        self.collection = db[OUTBOX]
        self.publisher = publisher
        self.clock = clock
        self.service = service
        self.lease = lease
        self.retention = retention
        self.max_event_bytes = max_event_bytes
        self.owner = f"{service}-{uuid4().hex[:12]}"
        self.marks = Marks()  # what the broker acknowledged last, per partition

    async def ensure_indexes(self) -> None:
        await self.collection.create_indexes(OUTBOX_INDEXES)

    # -- writing (inside the caller's transaction) -------------------------
    def document(self, envelope: Envelope, topic: str) -> dict[str, Any]:
        """The event as the broker will take it; one larger than
        ``max_event_bytes`` refuses the command (:class:`EventTooLarge`)."""
        key, value, headers = envelope.kafka_key(), envelope.kafka_value(), envelope.kafka_headers()
        size = len(key) + len(value) + sum(len(k) + len(v) for k, v in headers.items())
        if size > self.max_event_bytes:
            raise EventTooLarge(
                f"this change would publish a {envelope.type} event of {size:,} bytes, more "
                f"than the {self.max_event_bytes:,} the event stream carries; make it smaller "
                "(for example fewer lines at a time)"
            )
        return {
            "_id": envelope.id,
            "topic": topic,
            "key": key,
            "value": value,
            "headers": headers,
            "event_type": envelope.type,
            "jurisdiction_id": envelope.jurisdiction,
            "created_at": self.clock.now(),
            "status": PENDING,
            # Born leased by the writer, which publishes it right after commit;
            # if the writer dies first, the lease runs out and a relay takes it.
            "lease_until": self.clock.now() + self.lease,
            "lease_owner": self.owner,
            "attempts": 1,
        }

    async def add(self, docs: list[dict[str, Any]], session: AsyncClientSession) -> None:
        if docs:
            await self.collection.insert_many(docs, session=session)

    # -- publishing ---------------------------------------------------------
    async def _claim(self, extra: dict[str, Any] | None = None) -> dict[str, Any] | None:
        return await claim_one(
            self.collection,
            {"status": PENDING, **(extra or {})},
            now=self.clock.now(),
            lease=self.lease,
            owner=self.owner,
        )

    async def _publish(self, doc: dict[str, Any], path: str) -> str:
        """``sent``, ``dead`` (refused for good, set aside) or ``failed`` (retried)."""
        if self.publisher is None:
            return "failed"
        try:
            metadata = await self.publisher.publish_record(
                doc["topic"],
                bytes(doc["key"]),
                bytes(doc["value"]),
                dict(doc["headers"]),
                path=path,
            )
        except PERMANENT as exc:
            await self._dead_letter(doc, exc)
            return "dead"
        except Exception:
            log.warning(
                "publishing outbox event %s failed; the relay retries", doc["_id"], exc_info=True
            )
            await self._retry_soon([doc["_id"]])
            return "failed"
        self.marks.note(doc["topic"], metadata.partition, metadata.offset, doc["_id"])
        await self.collection.update_one(
            {"_id": doc["_id"], "lease_owner": self.owner},
            {"$set": {"status": SENT, "sent_at": self.clock.now()}},
        )
        return "sent"

    async def _dead_letter(self, doc: dict[str, Any], exc: BaseException) -> None:
        """The broker will never take this row: set it aside so the rows behind
        it go out (one such row held permits' whole relay). Kept, with the
        reason, until an operator deals with it; counted, for an alert."""
        log.error(
            "the broker refused outbox event %s (%s, %s) for good: set aside as %r, not retried",
            doc["_id"],
            doc.get("event_type"),
            type(exc).__name__,
            DEAD,
        )
        await self.collection.update_one(
            {"_id": doc["_id"], "lease_owner": self.owner},
            {"$set": {"status": DEAD, "error": repr(exc), "dead_at": self.clock.now()}},
        )
        OUTBOX_DEAD_LETTERED.labels(self.service, doc["topic"]).inc()

    async def _retry_soon(self, ids: list[str]) -> None:
        """Let the relay retry soon rather than after the full lease."""
        await self.collection.update_many(
            {"_id": {"$in": ids}, "lease_owner": self.owner},
            {"$set": {"lease_until": self.clock.now() + timedelta(seconds=1)}},
        )

    async def publish_now(self, docs: list[dict[str, Any]]) -> int:
        """Publish this writer's events right after their transaction committed:
        one flush to the broker, then one update marks every acknowledged row sent."""
        mine = [doc for doc in docs if doc["lease_owner"] == self.owner]
        if self.publisher is None or not mine:
            return 0
        if len(mine) == 1:
            return int(await self._publish(mine[0], "direct") == "sent")
        try:
            answers = await self.publisher.publish_records(
                [
                    (doc["topic"], bytes(doc["key"]), bytes(doc["value"]), dict(doc["headers"]))
                    for doc in mine
                ],
                path="direct",
            )
        except Exception:
            answers = [RuntimeError("not handed to the producer")] * len(mine)
        sent, failed = [], []
        for doc, answer in zip(mine, answers, strict=True):
            if isinstance(answer, PERMANENT):
                await self._dead_letter(doc, answer)
            elif isinstance(answer, BaseException):
                failed.append(doc["_id"])
            else:
                self.marks.note(doc["topic"], answer.partition, answer.offset, doc["_id"])
                sent.append(doc["_id"])
        if failed:
            log.warning("publishing %d outbox events failed; the relay retries", len(failed))
            await self._retry_soon(failed)
        if sent:
            await self.collection.update_many(
                {"_id": {"$in": sent}, "lease_owner": self.owner},
                {"$set": {"status": SENT, "sent_at": self.clock.now()}},
            )
        return len(sent)

    async def relay_once(self, limit: int = 500) -> int:
        """Claim and publish up to ``limit`` pending events; return how many were sent."""
        sent = 0
        for _ in range(limit):
            doc = await self._claim()
            if doc is None:
                break
            outcome = await self._publish(doc, "relay")
            if outcome == "sent":
                sent += 1
            elif outcome == "failed":
                break  # the broker is away: the relay tries again next time
            # "dead": set aside, the rows behind it go on
        return sent

    async def prune(self) -> int:
        cutoff = self.clock.now() - self.retention
        result = await self.collection.delete_many({"status": SENT, "sent_at": {"$lt": cutoff}})
        return result.deleted_count

    async def lag_seconds(self) -> float:
        oldest = await self.collection.find_one(
            {"status": PENDING}, sort=[("created_at", ASCENDING)], projection={"created_at": 1}
        )
        pending = await self.collection.count_documents({"status": PENDING})
        lag = 0.0
        if oldest is not None:
            lag = max(0.0, (self.clock.now() - as_utc(oldest["created_at"])).total_seconds())
        OUTBOX_LAG.labels(self.service).set(lag)
        OUTBOX_PENDING.labels(self.service).set(pending)
        return lag

    async def run_relay(self, stop: asyncio.Event, interval: float) -> None:
        """The relay loop: publish stragglers, prune, export lag, until ``stop``."""
        ticks = 0
        while not stop.is_set():
            try:
                await self.relay_once()
                if ticks % LAG_EVERY_TICKS == 0:  # a gauge: scraped every 15-30 s anyway
                    await self.lag_seconds()
                ticks += 1
                if ticks % 60 == 0:
                    await self.prune()
            except Exception:
                log.exception("outbox relay iteration failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
