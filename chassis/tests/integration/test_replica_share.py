"""Two replicas of one worker, side by side (issue 25): one consumer group
splits each topic's partitions between them, and each shows its share on
``/metrics``; a periodic job runs on the replica that holds its lease, and the
other counts its round as skipped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from devstack.testing import TestScope, eventually

from chassis.app import build_runtime
from chassis.clock import ManualClock
from chassis.consumer import EventConsumer, EventContext
from chassis.leases import acquire_named_lease
from chassis.metrics import CONSUMER_PARTITIONS, LEASED_JOB_ROUNDS
from chassis.settings import ServiceSettings
from contracts.identity import JurisdictionCreated

pytestmark = pytest.mark.integration


def share(service: str, topic: str) -> float:
    return CONSUMER_PARTITIONS.labels(service, "sharetest", topic)._value.get()


async def test_two_replicas_of_a_consumer_split_the_partitions_and_show_their_share(
    scope: TestScope, manual_clock: ManualClock
) -> None:
    await scope.create_topics(partitions=3)
    topic = scope.topic("identity.events")
    # one process holds both here, so each "replica" gets its own service label;
    # the group is the consumer's name, the same for both, as for real replicas
    replicas = []
    for service in ("share-a", "share-b"):
        rt = build_runtime(ServiceSettings(**scope.settings_kwargs(service)), manual_clock)
        consumer = EventConsumer("sharetest", "identity.events")

        @consumer.on(JurisdictionCreated)
        async def created(event: JurisdictionCreated, ctx: EventContext) -> None:
            return None

        consumer.attach(rt.broker, rt.uow, rt.publisher, retries=1, backoff_seconds=0.01)
        await rt.broker.start()
        replicas.append(rt)
    try:

        async def split() -> bool:
            a, b = share("share-a", topic), share("share-b", topic)
            return a >= 1 and b >= 1 and a + b == 3

        await eventually(split, timeout=60, what="the two replicas sharing the three partitions")
        await replicas[1].broker.stop()

        async def taken_over() -> bool:
            return share("share-a", topic) == 3

        await eventually(taken_over, timeout=60, what="the remaining replica taking all three")
    finally:
        for rt in replicas:
            await rt.broker.stop()
            await rt.client.close()


async def test_a_leased_job_runs_on_one_replica_and_the_other_skips(
    scope: TestScope, manual_clock: ManualClock
) -> None:
    rt = build_runtime(ServiceSettings(**scope.settings_kwargs("leasetest")), manual_clock)
    leases = rt.db["leases"]
    job = "leasetest.sweep"

    def rounds(outcome: str) -> float:
        return LEASED_JOB_ROUNDS.labels(job, outcome)._value.get()

    lease = timedelta(minutes=5)

    async def take(owner: str) -> bool:
        return await acquire_named_lease(
            leases, job, now=manual_clock.now(), lease=lease, owner=owner
        )

    try:
        assert await take("a")
        assert not await take("b")
        manual_clock.advance(timedelta(minutes=1))  # a renews its own lease
        assert await take("a")
        assert (rounds("ran"), rounds("skipped")) == (2, 1)
        manual_clock.advance(timedelta(minutes=7))  # a is gone: its lease ran out, b takes over
        assert await take("b")
        assert (await leases.find_one({"_id": job}))["owner"] == "b"
    finally:
        await rt.client.drop_database(rt.db.name)
        await rt.client.close()
