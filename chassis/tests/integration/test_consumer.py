"""Idempotent consumers and the dead-letter topic against the real broker."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from devstack.testing import TestScope, eventually, read_records

from chassis.app import ServiceRuntime, build_runtime
from chassis.clock import ManualClock
from chassis.consumer import EventConsumer, EventContext, PermanentError
from chassis.settings import ServiceSettings
from contracts import Envelope
from contracts.identity import AccountActivated, JurisdictionCreated

pytestmark = pytest.mark.integration

TYPE = JurisdictionCreated.event_type


def _envelope(event_id: str, jid: str, name: str = "Demo") -> Envelope:
    return Envelope(
        id=event_id,
        source="/permitsuite/test",
        type=TYPE,
        time=datetime(2026, 1, 1, tzinfo=UTC),
        subject=jid,
        jurisdiction=jid,
        correlationid=f"corr-{event_id}",
        data={"jurisdiction_id": jid, "name": name, "time_zone": "UTC"},
    )


async def _publish(rt: ServiceRuntime, env: Envelope) -> None:
    await rt.publisher.publish_record(
        "identity.events", env.kafka_key(), env.kafka_value(), env.kafka_headers(), path="test"
    )


@pytest.fixture
async def runtime(scope: TestScope, manual_clock: ManualClock) -> Any:
    await scope.create_topics(partitions=1)
    rt = build_runtime(
        ServiceSettings(**scope.settings_kwargs("consumertest", kafka_consumer_retries=2)),
        manual_clock,
    )
    await rt.outbox.ensure_indexes()
    consumer = EventConsumer("consumertest.effects", "identity.events")
    calls: list[str] = []

    @consumer.on(JurisdictionCreated)
    async def on_jurisdiction_created(event: JurisdictionCreated, ctx: EventContext) -> None:
        calls.append(ctx.envelope.id)
        if event.name == "poison":
            raise PermanentError("this event can never be handled")
        if event.name == "flaky" and calls.count(ctx.envelope.id) < 2:
            raise ConnectionError("transient failure")
        await ctx.tx.db["effects"].insert_one(
            {"event_id": ctx.envelope.id, "jid": event.jurisdiction_id}, session=ctx.tx.session
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

    consumer.attach(rt.broker, rt.uow, rt.publisher, retries=2, backoff_seconds=0.01)
    await rt.broker.start()
    rt.extras["calls"] = calls
    yield rt
    await rt.broker.stop()
    await rt.client.drop_database(rt.db.name)
    await rt.client.close()


async def test_same_event_delivered_twice_has_one_effect(runtime: ServiceRuntime) -> None:
    """Idempotent consumer: a redelivered event (same ce_id) changes nothing."""
    env = _envelope("evt-1", "alpha")
    await _publish(runtime, env)
    await _publish(runtime, env)
    await _publish(runtime, _envelope("evt-2", "beta"))
    effects = runtime.db["effects"]

    async def both_seen() -> bool:
        return await effects.count_documents({"jid": "beta"}) == 1

    await eventually(both_seen)
    assert await effects.count_documents({"event_id": "evt-1"}) == 1
    assert await runtime.db["processed_events"].count_documents({"event_id": "evt-1"}) == 1


async def test_poison_message_goes_to_dlq_and_partition_moves_on(
    runtime: ServiceRuntime, scope: TestScope
) -> None:
    # not a CloudEvent at all
    await runtime.publisher.publish_record(
        "identity.events", b"k", b"not json", {"ce_specversion": "1.0"}, path="test"
    )
    # a valid envelope whose handler fails permanently
    await _publish(runtime, _envelope("evt-poison", "gamma", name="poison"))
    # a valid envelope whose data does not match the schema
    bad = _envelope("evt-bad", "delta")
    await runtime.publisher.publish_record(
        "identity.events", b"delta", b'{"jurisdiction_id": 5}', bad.kafka_headers(), path="test"
    )
    # then a healthy event on the same (single) partition
    await _publish(runtime, _envelope("evt-ok", "epsilon"))

    async def healthy_processed() -> bool:
        return await runtime.db["effects"].count_documents({"event_id": "evt-ok"}) == 1

    await eventually(healthy_processed)
    dead = await read_records(
        scope.infra.kafka_bootstrap, scope.topic("identity.events.dlq"), count=3, settle=0.5
    )
    assert len(dead) == 3
    errors = [dict(r.headers)["dlq_error"].decode() for r in dead]
    assert "EnvelopeError" in errors[0]
    assert "PermanentError" in errors[1]
    assert "ValidationError" in errors[2]
    assert dict(dead[1].headers)["ce_id"] == b"evt-poison"
    assert dict(dead[1].headers)["dlq_consumer"] == b"consumertest.effects"
    assert runtime.extras["calls"].count("evt-poison") == 1  # permanent: not retried


async def test_transient_error_is_retried_then_succeeds(runtime: ServiceRuntime) -> None:
    await _publish(runtime, _envelope("evt-flaky", "zeta", name="flaky"))

    async def done() -> bool:
        return await runtime.db["effects"].count_documents({"event_id": "evt-flaky"}) == 1

    await eventually(done)
    assert runtime.extras["calls"].count("evt-flaky") == 2


async def test_correlation_and_causation_flow_from_event_to_event(runtime: ServiceRuntime) -> None:
    """An event emitted while handling another keeps its correlation id and
    names it as the cause."""
    await _publish(runtime, _envelope("evt-cause", "eta"))

    async def emitted() -> bool:
        return await runtime.db["outbox"].count_documents({}) == 1

    await eventually(emitted)
    doc = await runtime.db["outbox"].find_one({})
    assert doc is not None
    assert doc["headers"]["ce_correlationid"] == "corr-evt-cause"
    assert doc["headers"]["ce_causationid"] == "evt-cause"
    assert doc["headers"]["ce_type"] == AccountActivated.event_type
