"""The batched event path (issue 14.4) against the real database and broker:
one poll of one partition is one unit of work and one publish flush, and every
delivery guarantee of the one-record path still holds inside a batch."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from devstack.testing import TestScope, read_records

from chassis.app import ServiceRuntime, build_runtime
from chassis.clock import ManualClock
from chassis.consumer import EventConsumer, EventContext, PermanentError
from chassis.outbox import SENT
from chassis.settings import ServiceSettings
from chassis.testing.delivery import deliver_poll
from contracts import Envelope
from contracts.identity import AccountActivated, JurisdictionCreated

pytestmark = pytest.mark.integration

TOPIC = "identity.events"


def _envelope(event_id: str, jid: str, name: str = "Demo") -> Envelope:
    return Envelope(
        id=event_id,
        source="/permitsuite/test",
        type=JurisdictionCreated.event_type,
        time=datetime(2026, 1, 1, tzinfo=UTC),
        subject=jid,
        jurisdiction=jid,
        correlationid=f"corr-{event_id}",
        data={"jurisdiction_id": jid, "name": name, "time_zone": "UTC"},
    )


@pytest.fixture
async def runtime(scope: TestScope, manual_clock: ManualClock) -> AsyncIterator[ServiceRuntime]:
    await scope.create_topics(partitions=1)
    rt = build_runtime(ServiceSettings(**scope.settings_kwargs("batchtest")), manual_clock)
    await rt.outbox.ensure_indexes()
    consumer = EventConsumer("batchtest.effects", TOPIC)
    calls: list[str] = []

    @consumer.on(JurisdictionCreated)
    async def on_created(event: JurisdictionCreated, ctx: EventContext) -> None:
        calls.append(ctx.envelope.id)
        if event.name == "poison":
            raise PermanentError("this event can never be handled")
        if event.name == "flaky" and calls.count(ctx.envelope.id) < 2:
            raise ConnectionError("transient failure")
        effects = ctx.tx.db["effects"]
        await effects.insert_one({"event_id": ctx.envelope.id}, session=ctx.tx.session)
        # the order of effects per key (the jurisdiction is the record key)
        await effects.update_one(
            {"_id": f"order:{event.jurisdiction_id}"},
            {"$push": {"events": ctx.envelope.id}},
            upsert=True,
            session=ctx.tx.session,
        )
        ctx.tx.emit(
            AccountActivated(
                account_id=f"acc-{ctx.envelope.id}",
                membership_id="m",
                email="a@example.org",
                jurisdiction_id=event.jurisdiction_id,
                kind="staff",
                display_name="A",
            ),
            jurisdiction_id=event.jurisdiction_id,
        )

    rt.extras["consumers"] = [consumer]
    rt.extras["calls"] = calls
    transactions: list[int] = []
    run = rt.uow.run

    async def counted_run(fn: Any) -> Any:
        transactions.append(1)
        return await run(fn)

    rt.uow.run = counted_run  # type: ignore[method-assign]
    rt.extras["transactions"] = transactions
    await rt.broker.start()  # publishing only: no subscriber joins a group
    yield rt
    await rt.broker.stop()
    await rt.client.drop_database(rt.db.name)
    await rt.client.close()


async def _effects(rt: ServiceRuntime) -> list[str]:
    return [d["event_id"] async for d in rt.db["effects"].find({"event_id": {"$exists": True}})]


async def _order(rt: ServiceRuntime, jid: str) -> list[str]:
    doc = await rt.db["effects"].find_one({"_id": f"order:{jid}"})
    return list(doc["events"]) if doc else []


async def test_one_poll_is_one_transaction_and_one_publish_flush(
    runtime: ServiceRuntime, scope: TestScope
) -> None:
    flushes: list[int] = []
    publish_records = runtime.publisher.publish_records

    async def counted(records: Any, *, path: str) -> Any:
        flushes.append(len(records))
        return await publish_records(records, path=path)

    runtime.publisher.publish_records = counted  # type: ignore[method-assign]
    envelopes = [_envelope(f"evt-{i}", "alpha") for i in range(5)]

    assert await deliver_poll(runtime, envelopes, TOPIC) == [["processed"] * 5]

    assert runtime.extras["transactions"] == [1]
    assert flushes == [5]
    assert sorted(await _effects(runtime)) == [f"evt-{i}" for i in range(5)]
    assert await _order(runtime, "alpha") == [f"evt-{i}" for i in range(5)]
    outbox = [d async for d in runtime.db["outbox"].find({})]
    assert len(outbox) == 5 and {d["status"] for d in outbox} == {SENT}  # marked in bulk
    published = await read_records(
        scope.infra.kafka_bootstrap, scope.topic(TOPIC), count=5, settle=0.3
    )
    assert [dict(r.headers)["ce_causationid"] for r in published] == [
        f"evt-{i}".encode() for i in range(5)
    ]


async def test_a_poison_record_in_a_batch_goes_alone_to_the_dlq(
    runtime: ServiceRuntime, scope: TestScope
) -> None:
    """The batch falls back to one record per transaction; the record whose
    handler failed for good is dead-lettered without a second call, the others
    are applied once and in their order."""
    envelopes = [
        _envelope("evt-a", "alpha"),
        _envelope("evt-poison", "alpha", name="poison"),
        _envelope("evt-b", "alpha"),
    ]

    outcomes = await deliver_poll(runtime, envelopes, TOPIC)

    assert outcomes == [["processed", "dead_lettered", "processed"]]
    assert runtime.extras["calls"].count("evt-poison") == 1
    assert sorted(await _effects(runtime)) == ["evt-a", "evt-b"]
    assert await _order(runtime, "alpha") == ["evt-a", "evt-b"]
    dead = await read_records(
        scope.infra.kafka_bootstrap, scope.topic("identity.events.dlq"), count=1, settle=0.3
    )
    assert [dict(r.headers)["ce_id"] for r in dead] == [b"evt-poison"]


async def test_dead_letters_keep_the_offset_order(
    runtime: ServiceRuntime, scope: TestScope
) -> None:
    bad = _envelope("evt-bad", "beta")
    broken = bad.model_copy(update={"data": {"jurisdiction_id": 5}})
    envelopes = [
        _envelope("evt-poison", "alpha", name="poison"),
        _envelope("evt-ok", "beta"),
        broken,
    ]

    outcomes = await deliver_poll(runtime, envelopes, TOPIC)

    assert outcomes == [["dead_lettered", "processed", "dead_lettered"]]
    dead = await read_records(
        scope.infra.kafka_bootstrap, scope.topic("identity.events.dlq"), count=2, settle=0.3
    )
    assert [dict(r.headers)["ce_id"] for r in dead] == [b"evt-poison", b"evt-bad"]


async def test_a_transient_failure_in_a_batch_is_retried_alone(runtime: ServiceRuntime) -> None:
    envelopes = [
        _envelope("evt-a", "alpha"),
        _envelope("evt-flaky", "alpha", name="flaky"),
        _envelope("evt-b", "alpha"),
    ]

    outcomes = await deliver_poll(runtime, envelopes, TOPIC, retries=2)

    assert outcomes == [["processed"] * 3]
    assert runtime.extras["calls"].count("evt-flaky") == 2
    assert await _order(runtime, "alpha") == ["evt-a", "evt-flaky", "evt-b"]


async def test_a_redelivered_poll_has_one_effect_per_event(runtime: ServiceRuntime) -> None:
    """A crash after the batch committed and before the offsets did: the poll
    comes again with more behind it; the markers make the old records duplicates."""
    first = [_envelope("evt-a", "alpha"), _envelope("evt-b", "alpha")]
    assert await deliver_poll(runtime, first, TOPIC) == [["processed"] * 2]

    again = [*first, _envelope("evt-c", "alpha")]
    outcomes = await deliver_poll(runtime, again, TOPIC)

    assert outcomes == [["duplicate", "duplicate", "processed"]]
    assert sorted(await _effects(runtime)) == ["evt-a", "evt-b", "evt-c"]
    assert await runtime.db["outbox"].count_documents({}) == 3


async def test_the_same_event_twice_in_one_poll_has_one_effect(runtime: ServiceRuntime) -> None:
    envelopes = [
        _envelope("evt-a", "alpha"),
        _envelope("evt-a", "alpha"),
        _envelope("evt-b", "beta"),
    ]

    assert await deliver_poll(runtime, envelopes, TOPIC) == [
        ["processed", "duplicate", "processed"]
    ]
    assert runtime.extras["transactions"] == [1]
    assert sorted(await _effects(runtime)) == ["evt-a", "evt-b"]
