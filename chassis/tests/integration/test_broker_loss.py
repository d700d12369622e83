"""A broker that comes back without its topics (issue 12.11): the outbox notices
and publishes the lost events again; consumers apply each one once.

Runs its own Tansu broker (the embedded broker keeps topics in memory), kills
it with SIGKILL and starts it again on the same port.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from devstack.processes import ManagedProcess, free_port, start_broker
from devstack.testing import TestScope, eventually

from chassis.app import ServiceRuntime, build_runtime
from chassis.clock import ManualClock
from chassis.consumer import EventConsumer, EventContext
from chassis.kafka import ensure_topics
from chassis.recovery import BrokerWatch
from chassis.settings import ServiceSettings
from chassis.uow import Transaction
from contracts import ALL_TOPICS
from contracts.identity import JurisdictionCreated

pytestmark = pytest.mark.integration


@dataclass
class Stack:
    runtime: ServiceRuntime
    broker: ManagedProcess
    bootstrap: str
    scope: TestScope

    async def topics(self) -> None:
        await ensure_topics(self.bootstrap, [self.scope.topic(t) for t in ALL_TOPICS], partitions=1)

    def restart_broker_empty(self) -> None:
        host, port = self.bootstrap.split(":")
        self.broker.kill9()
        self.broker = start_broker(host, int(port), self.scope.infra.log_dir)

    def watch(self) -> BrokerWatch:
        return BrokerWatch.of(self.runtime)

    async def emit(self, *jids: str) -> None:
        """One transaction; its events share a key, so a partition and (in one
        publish flush) a record batch."""

        async def work(tx: Transaction) -> None:
            for jid in jids:
                tx.emit(
                    JurisdictionCreated(jurisdiction_id=jid, name=jid.title(), time_zone="UTC"),
                    jurisdiction_id="same-key",
                )

        await self.runtime.uow.run(work)

    async def effects(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        async for doc in self.runtime.db["effects"].find({}):
            counts[doc["jid"]] = counts.get(doc["jid"], 0) + 1
        return counts


@pytest.fixture
async def stack(scope: TestScope, manual_clock: ManualClock) -> AsyncIterator[Stack]:
    port = free_port()
    broker = start_broker("127.0.0.1", port, scope.infra.log_dir)
    bootstrap = f"127.0.0.1:{port}"
    rt = build_runtime(
        ServiceSettings(**scope.settings_kwargs("losstest", kafka_bootstrap_servers=bootstrap)),
        manual_clock,
    )
    stack = Stack(rt, broker, bootstrap, scope)
    await stack.topics()
    await rt.outbox.ensure_indexes()
    consumer = EventConsumer("losstest.effects", "identity.events")

    @consumer.on(JurisdictionCreated)
    async def on_created(event: JurisdictionCreated, ctx: EventContext) -> None:
        await ctx.tx.db["effects"].insert_one(
            {"event_id": ctx.envelope.id, "jid": event.jurisdiction_id}, session=ctx.tx.session
        )

    consumer.attach(
        rt.broker, rt.uow, rt.publisher, retries=2, backoff_seconds=0.01, fetch_max_wait_ms=50
    )
    await rt.broker.start()
    yield stack
    await rt.broker.stop()
    await rt.client.drop_database(rt.db.name)
    await rt.client.close()
    stack.broker.stop()


async def test_events_lost_by_the_broker_are_published_again_and_applied_once(
    stack: Stack,
) -> None:
    for jid in ("a", "b", "c"):
        await stack.emit(jid)

    async def applied(expected: dict[str, int]) -> bool:
        return await stack.effects() == expected

    await eventually(lambda: applied({"a": 1, "b": 1, "c": 1}), what="first three applied")
    watch = stack.watch()
    assert await watch.check() == []  # the broker still has them

    stack.restart_broker_empty()
    await stack.topics()
    await stack.emit("d")  # the new broker's offset 0 is now another event
    assert await watch.check() == ["identity.events"]
    outbox = stack.runtime.db["outbox"]
    # the whole retained window, "d" too: consumers' de-duplication sorts it out
    assert await outbox.count_documents({"status": "pending"}) == 4
    assert await stack.runtime.outbox.relay_once() == 4

    await eventually(
        lambda: applied({"a": 1, "b": 1, "c": 1, "d": 1}), timeout=60, what="all applied once"
    )
    assert await watch.check() == []  # what the broker has now checks out
    await watch.close()
    processed = stack.runtime.db["processed_events"]
    assert await processed.count_documents({}) == 4


async def test_a_mark_inside_a_record_batch_checks_out(stack: Stack) -> None:
    """Bug: events published in one flush share a record batch, and a fetch
    from the mark's offset returns the batch from its first record; the check
    took that record for another event and published the topic again."""
    await stack.emit("a", "b", "c")
    [mark] = stack.runtime.outbox.marks.all()
    assert mark.offset > 0  # the newest of the batch, not its first record
    watch = stack.watch()
    assert await watch.check() == []
    await watch.close()
    assert await stack.runtime.db["outbox"].count_documents({"status": "pending"}) == 0


async def test_a_restarted_service_still_notices(stack: Stack) -> None:
    """The marks are saved: a new watch (a restarted process) loads them."""
    await stack.emit("a")
    first = stack.watch()
    assert await first.check() == []  # saves the mark
    await first.close()
    stack.runtime.outbox.marks.forget("identity.events")  # as after a restart
    stack.restart_broker_empty()
    await stack.topics()
    restarted = stack.watch()
    assert await restarted.check() == ["identity.events"]
    await restarted.close()
    assert await stack.runtime.db["outbox"].count_documents({"status": "pending"}) == 1


async def test_marks_are_saved_at_shutdown(stack: Stack) -> None:
    """A `make run` stopped right after publishing still notices an empty
    broker at the next start: the newest marks are saved on the way out."""
    await stack.emit("a")
    watch = stack.watch()
    await watch.save_marks()
    saved = await stack.runtime.db["outbox_marks"].find_one({"topic": "identity.events"})
    assert saved is not None
    [mark] = stack.runtime.outbox.marks.all()
    assert (saved["offset"], saved["event"]) == (mark.offset, mark.event_id)


async def test_an_idle_check_writes_nothing(stack: Stack) -> None:
    """A mark that checked out and has not moved is not written again every
    few seconds (idle services would otherwise write forever)."""
    await stack.emit("a")
    watch = stack.watch()
    assert await watch.check() == []
    marks = stack.runtime.db["outbox_marks"]
    first = await marks.find_one({"topic": "identity.events"})
    assert first is not None
    stack.runtime.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    assert await watch.check() == []
    again = await marks.find_one({"topic": "identity.events"})
    assert again == first  # checked_at unchanged: no write
    # nor does the probe fetch between checks: an idle suite spent a core's
    # percent per service and more of the broker's on a probe fetching on
    probe = watch._probe
    assert probe is not None and probe.assignment() and probe.paused() == probe.assignment()
    await watch.close()


async def test_the_watch_keeps_watching_across_two_broker_losses(stack: Stack) -> None:
    """Issue 22, defect 8: the broker killed twice in one run, with events in
    flight between the kills. The watch and the relay run as their loops do in a
    service; after each loss every event is applied once — the second loss is
    noticed as the first was."""
    stop = asyncio.Event()
    watch = stack.watch()
    loops = [
        asyncio.create_task(watch.run(stop, interval=0.2)),
        asyncio.create_task(stack.runtime.outbox.run_relay(stop, interval=0.2)),
    ]

    async def applied(expected: dict[str, int]) -> bool:
        return await stack.effects() == expected

    try:
        await stack.emit("a")
        await eventually(lambda: applied({"a": 1}), timeout=60, what="a applied")
        for kill, jids in enumerate((("b", "c"), ("d", "e")), start=1):
            stack.restart_broker_empty()
            await stack.topics()
            for jid in jids:  # in flight while the broker came back empty
                await stack.emit(jid)
            expected = {j: 1 for j in "abcde"[: 1 + 2 * kill]}
            await eventually(
                lambda expected=expected: applied(expected),  # type: ignore[misc]
                timeout=90,
                what=f"every event applied once after loss {kill}",
            )
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*loops), 30)
    assert await stack.runtime.db["processed_events"].count_documents({}) == 5
