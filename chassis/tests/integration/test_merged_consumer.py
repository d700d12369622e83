"""One consumer per service for all of its topics (issue 22: 13 consumers,
each polling the broker, kept an idle suite busy). The merged consumer is one
group and one fetch loop; each topic keeps its old consumer's name for the
de-duplication markers (so what was applied before the merge is not applied
again when the new group starts from the earliest record) and for its dead
letters, which go to that topic's own ``.dlq``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from devstack.testing import TestScope, eventually, read_records

from chassis.app import build_runtime
from chassis.clock import ManualClock
from chassis.consumer import EventConsumer, EventContext, PermanentError
from chassis.settings import ServiceSettings
from contracts import Envelope
from contracts.identity import JurisdictionCreated
from contracts.permits import PermitStatusChanged

pytestmark = pytest.mark.integration


def _envelope(event_id: str, model: Any, data: dict[str, Any]) -> Envelope:
    return Envelope(
        id=event_id,
        source="/permitsuite/test",
        type=model.event_type,
        time=datetime(2026, 1, 1, tzinfo=UTC),
        subject=data["jurisdiction_id"],
        jurisdiction=data["jurisdiction_id"],
        correlationid=f"corr-{event_id}",
        data=data,
    )


async def test_one_consumer_for_two_topics_keeps_each_topics_markers(
    scope: TestScope, manual_clock: ManualClock
) -> None:
    await scope.create_topics(partitions=1)
    rt = build_runtime(ServiceSettings(**scope.settings_kwargs("mergetest")), manual_clock)
    await rt.outbox.ensure_indexes()
    identity = EventConsumer("mergetest.identity", "identity.events")
    permits = EventConsumer("mergetest.permits", "permits.events")

    @identity.on(JurisdictionCreated)
    async def created(event: JurisdictionCreated, ctx: EventContext) -> None:
        await ctx.tx.db["effects"].insert_one({"_id": ctx.envelope.id}, session=ctx.tx.session)

    @permits.on(PermitStatusChanged)
    async def moved(event: PermitStatusChanged, ctx: EventContext) -> None:
        if event.by == "poison":
            raise PermanentError("never")
        await ctx.tx.db["effects"].insert_one({"_id": ctx.envelope.id}, session=ctx.tx.session)

    merged = EventConsumer.merged("mergetest", [identity, permits])
    # applied before the merge, under the old consumer's name: not applied again
    await rt.db["processed_events"].insert_one({"_id": "mergetest.identity:old-1"})
    merged.attach(rt.broker, rt.uow, rt.publisher, retries=1, backoff_seconds=0.01)
    await rt.broker.start()
    try:
        jc = {"jurisdiction_id": "a", "name": "A", "time_zone": "UTC"}
        moved_data = {
            "permit_id": "p1",
            "jurisdiction_id": "a",
            "number": "RES-1",
            "from_status": "SUBMITTED",
            "to_status": "IN_REVIEW",
            "by": "staff",
            "at": "2026-01-01T00:00:00Z",
            "version": 2,
        }
        for event_id, model, data in (
            ("old-1", JurisdictionCreated, jc),
            ("new-1", JurisdictionCreated, jc),
            ("move-1", PermitStatusChanged, moved_data),
            ("move-2", PermitStatusChanged, {**moved_data, "by": "poison"}),
        ):
            env = _envelope(event_id, model, data)
            await rt.publisher.publish_record(
                model.topic, env.kafka_key(), env.kafka_value(), env.kafka_headers(), path="test"
            )

        async def applied() -> bool:
            return {d["_id"] async for d in rt.db["effects"].find({})} == {"new-1", "move-1"}

        await eventually(applied, what="both topics' events applied by one consumer")
        markers = {d["_id"] async for d in rt.db["processed_events"].find({})}
        assert {"mergetest.identity:new-1", "mergetest.permits:move-1"} <= markers
        [dead] = await read_records(
            scope.infra.kafka_bootstrap, scope.topic("permits.events.dlq"), count=1
        )
        headers = {k: v.decode() for k, v in dead.headers}
        assert headers["ce_id"] == "move-2" and headers["dlq_consumer"] == "mergetest.permits"
    finally:
        await rt.broker.stop()
        await rt.client.drop_database(rt.db.name)


async def test_the_fetch_wait_of_a_real_aiokafka_consumer_can_be_paced(scope: TestScope) -> None:
    """Pacing sets a private attribute of aiokafka's fetcher: this fails when
    an aiokafka upgrade renames it, instead of pacing silently stopping."""
    from aiokafka import AIOKafkaConsumer

    from chassis.pacing import set_fetch_wait

    await scope.create_topics(partitions=1)
    kafka = AIOKafkaConsumer(
        scope.topic("identity.events"),
        bootstrap_servers=scope.infra.kafka_bootstrap,
        fetch_max_wait_ms=500,
    )
    await kafka.start()
    try:
        assert set_fetch_wait(kafka, 40)
        assert kafka._fetcher._fetch_max_wait_ms == 40
    finally:
        await kafka.stop()
