"""Noticing a broker that lost what was published, and publishing it again.

The outbox is the source of truth for events: sent rows are kept for the
retention window. A broker can come back without them — the embedded broker
keeps topics in memory, and a real cluster can lose an unreplicated
partition — and every consumer would then wait for events that will never
come.

Each successful publish leaves a **mark**: the partition and offset the
broker gave the record, and the event's id. Every ``check`` (run by the
outbox relay) looks at the broker: if the record at a mark's offset is gone
(the partition ends before it) or is another record (the broker restarted
empty and has taken new records since), the broker lost the topic's events,
and every row of that topic sent within the retention window is set pending
again. The relay then publishes them in their original order; consumers'
de-duplication (``processed_events``) gives each one effect. Marks that check
out are saved to the database, so a restarted service still has one.

A mark older than the broker's own retention (the partition now starts after
it) is dropped, not taken for a loss.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError, OffsetOutOfRangeError
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import Clock
from chassis.kafka import client_security
from chassis.marks import Mark, Marks
from chassis.metrics import OUTBOX_REPUBLISHED

log = logging.getLogger(__name__)

MARKS = "outbox_marks"
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


class WatchedRuntime(Protocol):
    """What the watch takes of a service's runtime (``chassis.app.ServiceRuntime``)."""

    db: AsyncDatabase[dict[str, Any]]
    clock: Clock
    outbox: Any  # chassis.outbox.Outbox, which takes its Marks from here
    publisher: Any
    settings: Any

    @property
    def service(self) -> str: ...


class BrokerWatch:
    # a check, or the closing of its connection, that takes longer is abandoned:
    # against a dying broker either can hang, and the watch must run again
    check_seconds: float = 120.0
    close_seconds: float = 5.0

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        marks: Marks,
        clock: Clock,
        *,
        service: str,
        bootstrap_servers: str,
        physical: Any,
        retention: Any,
        security: dict[str, Any] | None = None,
    ) -> None:
        self.collection = db[MARKS]
        self.outbox = db["outbox"]
        self.marks = marks
        self.clock = clock
        self.service = service
        self.bootstrap_servers = bootstrap_servers
        self.security = security or {}  # the cluster's TLS and SASL (chassis.kafka)
        self.physical = physical  # logical topic → broker topic
        self.retention = retention
        self._probe: AIOKafkaConsumer | None = None
        self._loaded = False
        self._saved: dict[str, Mark] = {}  # what the database has, so idle checks write nothing

    @classmethod
    def of(cls, runtime: WatchedRuntime) -> BrokerWatch:
        """The watch over what ``runtime``'s outbox published."""
        return cls(
            runtime.db,
            runtime.outbox.marks,
            runtime.clock,
            service=runtime.service,
            bootstrap_servers=runtime.settings.kafka_bootstrap_servers,
            physical=runtime.publisher.physical,
            retention=runtime.outbox.retention,
            security=client_security(runtime.settings),
        )

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        """Check every ``interval`` seconds until ``stop`` (every process that
        publishes runs one: its marks are its own)."""
        try:
            while not stop.is_set():
                try:
                    async with asyncio.timeout(self.check_seconds):
                        await self.check()
                except TimeoutError:
                    log.warning(
                        "outbox broker check took over %s s; starting afresh next time",
                        self.check_seconds,
                    )
                    await self.close()
                except Exception:
                    log.exception("outbox broker check failed")
                    await self.close()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)
        finally:
            await self.close()

    async def save_marks(self) -> None:
        """At shutdown: the broker acknowledged them, so the next start (``make
        run`` again, with an empty broker) compares against the newest."""
        for mark in self.marks.all():
            await self._save(mark)

    async def close(self) -> None:
        """Let the broker connection go. It is forgotten first, so the next
        check opens a fresh one even if closing this one hangs (it did, against
        a dying broker, and the watch never ran again)."""
        probe, self._probe = self._probe, None
        if probe is None:
            return
        try:
            async with asyncio.timeout(self.close_seconds):
                await probe.stop()
        except TimeoutError:
            log.warning("the outbox check's broker connection did not close in time; let go")
        except Exception:  # closing a broken connection may fail; it is gone either way
            log.info("closing the outbox check's broker connection failed", exc_info=True)

    async def check(self) -> list[str]:
        """Compare every mark with the broker; re-publish lost topics. Returns them."""
        if not self._loaded:
            async for doc in self.collection.find({"service": self.service}):
                saved = Mark(doc["topic"], doc["partition"], doc["offset"], doc["event"])
                self.marks.adopt(saved)
                self._saved[self._id(saved)] = saved
            self._loaded = True
        marks = self.marks.all()
        if not marks:
            return []
        try:
            verdicts = await self._look(marks)
        except (KafkaError, OSError, TimeoutError) as exc:
            log.info("broker not reachable for the outbox check (%s); next time", exc)
            await self.close()
            return []
        lost = sorted({m.topic for m, verdict in verdicts if verdict == "lost"})
        for topic in lost:
            await self._republish(topic)
        for mark, verdict in verdicts:
            if mark.topic in lost:
                continue
            if verdict == "ok":
                await self._save(mark)
            else:  # expired by the broker's retention
                await self.collection.delete_one({"_id": self._id(mark)})
                self._saved.pop(self._id(mark), None)
        return lost

    async def _look(self, marks: list[Mark]) -> list[tuple[Mark, str]]:
        probe = await self._consumer()
        tps = {m: TopicPartition(self.physical(m.topic), m.partition) for m in marks}
        ends = await probe.end_offsets(list(tps.values()))
        starts = await probe.beginning_offsets(list(tps.values()))
        verdicts: list[tuple[Mark, str]] = []
        for mark, tp in tps.items():
            if starts.get(tp, 0) > mark.offset:
                verdicts.append((mark, "expired"))
                continue
            # The embedded broker reports the end of a partition whose last
            # write was a several-record batch as the batch's first offset + 1,
            # so an end at or before the mark is confirmed by reading.
            past_end = ends.get(tp, 0) <= mark.offset
            record = await self._record_at(probe, tp, mark.offset, wait=1.0 if past_end else 5.0)
            if record is None and not past_end:
                raise TimeoutError(f"no record at {tp.topic}[{tp.partition}]@{mark.offset} in time")
            same = record is not None and dict(record.headers or []).get("ce_id") == (
                mark.event_id.encode()
            )
            verdicts.append((mark, "ok" if same else "lost"))
        return verdicts

    @staticmethod
    async def _record_at(
        probe: AIOKafkaConsumer, tp: TopicPartition, offset: int, *, wait: float
    ) -> Any:
        """The record at ``offset``, or None if there is none within ``wait``
        seconds. A fetch from inside a record batch (events published in one
        flush) may start at the batch's first record: those before are skipped."""
        probe.assign([tp])
        probe.seek(tp, offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        try:
            while (left := deadline - loop.time()) > 0:
                try:
                    batch = await probe.getmany(tp, timeout_ms=int(left * 1000), max_records=100)
                except OffsetOutOfRangeError:
                    return None
                for record in batch.get(tp, []):
                    if record.offset == offset:
                        return record
                    if record.offset > offset:
                        return None
            return None
        finally:
            # an assigned partition is fetched on and on in the background (every
            # 50 ms): paused until the next check, the probe costs nothing at rest
            probe.pause(tp)

    async def _consumer(self) -> AIOKafkaConsumer:
        if self._probe is None:
            probe = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers,
                **self.security,
                client_id=f"{self.service}-outbox-check",
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="none",
                fetch_max_wait_ms=50,
                request_timeout_ms=10_000,
            )
            await probe.start()
            self._probe = probe
        return self._probe

    async def _republish(self, topic: str) -> None:
        since = self.clock.now() - self.retention
        result = await self.outbox.update_many(
            {"status": "sent", "topic": topic, "sent_at": {"$gte": since}},
            {"$set": {"status": "pending", "lease_until": NEVER, "lease_owner": None}},
        )
        self.marks.forget(topic)
        await self.collection.delete_many({"service": self.service, "topic": topic})
        for key in [k for k, m in self._saved.items() if m.topic == topic]:
            del self._saved[key]
        OUTBOX_REPUBLISHED.labels(self.service, topic).inc(result.modified_count)
        log.warning(
            "the broker lost %s's events: publishing the %d sent within the retention window again",
            topic,
            result.modified_count,
        )

    def _id(self, mark: Mark) -> str:
        return f"{self.service}:{mark.topic}:{mark.partition}"

    async def _save(self, mark: Mark) -> None:
        if self._saved.get(self._id(mark)) == mark:
            return
        await self.collection.update_one(
            {"_id": self._id(mark)},
            {
                "$set": {
                    "service": self.service,
                    "topic": mark.topic,
                    "partition": mark.partition,
                    "offset": mark.offset,
                    "event": mark.event_id,
                    "checked_at": self.clock.now(),
                }
            },
            upsert=True,
        )
        self._saved[self._id(mark)] = mark
