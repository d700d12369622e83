"""Unit of work, transactional outbox and tenant-scoped repositories against
the real database and broker processes."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from devstack.testing import TestScope, read_records
from prometheus_client import REGISTRY

from chassis.app import ServiceRuntime, build_runtime
from chassis.clock import ManualClock
from chassis.mongo import TenancyViolation, TenantRepository
from chassis.outbox import EventTooLarge, Outbox
from chassis.settings import ServiceSettings
from chassis.uow import Transaction
from contracts.identity import JurisdictionCreated

pytestmark = pytest.mark.integration


class Widgets(TenantRepository):
    collection_name: ClassVar[str] = "widgets"


@pytest.fixture
async def runtime(scope: TestScope, manual_clock: ManualClock) -> Any:
    await scope.create_topics()
    rt = build_runtime(ServiceSettings(**scope.settings_kwargs("chassistest")), manual_clock)
    await rt.outbox.ensure_indexes()
    await rt.broker.start()
    yield rt
    await rt.broker.stop()
    await rt.client.drop_database(rt.db.name)
    await rt.client.close()


def _event(n: int) -> JurisdictionCreated:
    return JurisdictionCreated(jurisdiction_id=f"j{n}", name=f"J {n}", time_zone="UTC")


async def test_repository_cannot_read_or_write_another_jurisdiction(
    runtime: ServiceRuntime,
) -> None:
    """Tenancy: every query is scoped; naming another tenant is refused."""
    a = Widgets(runtime.db, "alpha")
    b = Widgets(runtime.db, "beta")
    await a.insert_one({"_id": "w1", "name": "alpha widget"})
    await b.insert_one({"_id": "w2", "name": "beta widget"})

    assert await a.find_one({"_id": "w2"}) is None
    tiny = "a test's two widgets"
    assert [d["_id"] for d in await a.find(bounded=tiny)] == ["w1"]
    assert await a.count(bounded=tiny) == 1
    assert await a.update_one({"_id": "w2"}, {"$set": {"name": "hijacked"}}) == 0
    assert await a.delete_one({"_id": "w2"}) == 0
    assert [d["_id"] for d in await a.aggregate([{"$project": {"_id": 1}}], bounded=tiny)] == ["w1"]
    assert (await b.find_one({"_id": "w2"}) or {})["name"] == "beta widget"

    with pytest.raises(TenancyViolation):
        await a.find_one({"jurisdiction_id": "beta"})
    with pytest.raises(TenancyViolation):
        await a.insert_one({"_id": "w3", "jurisdiction_id": "beta"})
    with pytest.raises(TenancyViolation):
        await a.update_one({"_id": "w1"}, {"$set": {"jurisdiction_id": "beta"}})
    with pytest.raises(TenancyViolation):
        Widgets(runtime.db, "")


async def test_rolled_back_transaction_leaves_no_outbox_document(runtime: ServiceRuntime) -> None:
    async def work(tx: Transaction) -> None:
        await tx.repo(Widgets, "alpha").insert_one({"_id": "w1"})
        tx.emit(_event(1), jurisdiction_id="alpha")
        raise RuntimeError("handler failed after emitting")

    with pytest.raises(RuntimeError):
        await runtime.uow.run(work)
    assert await runtime.db["outbox"].count_documents({}) == 0
    assert await runtime.db["widgets"].count_documents({}) == 0


async def test_committed_event_is_published_once_with_cloudevents_headers(
    runtime: ServiceRuntime, scope: TestScope
) -> None:
    async def work(tx: Transaction) -> str:
        await tx.repo(Widgets, "alpha").insert_one({"_id": "w1"})
        return tx.emit(_event(1), jurisdiction_id="alpha").id

    event_id = await runtime.uow.run(work)
    doc = await runtime.db["outbox"].find_one({"_id": event_id})
    assert doc is not None and doc["status"] == "sent"

    records = await read_records(
        scope.infra.kafka_bootstrap, scope.topic("identity.events"), count=1, settle=0.5
    )
    assert len(records) == 1
    headers = {k: v.decode() for k, v in records[0].headers}
    assert headers["ce_id"] == event_id
    assert headers["ce_type"] == "permitsuite.identity.JurisdictionCreated.v1"
    assert headers["ce_source"] == "/permitsuite/chassistest"
    assert headers["ce_jurisdiction"] == "alpha"
    assert headers["ce_specversion"] == "1.0"
    assert records[0].key == b"j1"
    assert json.loads(records[0].value)["jurisdiction_id"] == "j1"


async def test_relay_publishes_what_the_writer_did_not(
    runtime: ServiceRuntime, scope: TestScope, manual_clock: ManualClock
) -> None:
    """A commit whose direct publish never happened is picked up by the relay
    once the writer's lease has run out."""
    runtime.outbox.publisher = None  # the writer crashes before publishing

    async def work(tx: Transaction) -> None:
        tx.emit(_event(7), jurisdiction_id="alpha")

    await runtime.uow.run(work)
    assert await runtime.db["outbox"].count_documents({"status": "pending"}) == 1

    relay = Outbox(runtime.db, runtime.publisher, runtime.clock, service="relay")
    assert await relay.relay_once() == 0  # the writer's lease still holds
    manual_clock.advance(timedelta(seconds=31))
    assert await relay.relay_once() == 1
    assert await runtime.db["outbox"].count_documents({"status": "pending"}) == 0
    records = await read_records(
        scope.infra.kafka_bootstrap, scope.topic("identity.events"), count=1
    )
    assert [r.key for r in records] == [b"j7"]


async def test_two_relays_never_publish_the_same_document_twice(
    runtime: ServiceRuntime, scope: TestScope, manual_clock: ManualClock
) -> None:
    runtime.outbox.publisher = None
    total = 40

    async def work(tx: Transaction) -> None:
        for n in range(total):
            tx.emit(_event(n), jurisdiction_id="alpha")

    await runtime.uow.run(work)
    manual_clock.advance(timedelta(seconds=31))
    relays = [
        Outbox(runtime.db, runtime.publisher, runtime.clock, service=f"relay{i}") for i in range(2)
    ]
    sent = await asyncio.gather(*(r.relay_once() for r in relays))
    assert sum(sent) == total

    records = await read_records(
        scope.infra.kafka_bootstrap, scope.topic("identity.events"), count=total, settle=1.0
    )
    ids = [dict(r.headers)["ce_id"] for r in records]
    assert len(ids) == total
    assert len(set(ids)) == total


async def test_expired_lease_is_reclaimed_and_sent_documents_are_pruned(
    runtime: ServiceRuntime, manual_clock: ManualClock
) -> None:
    runtime.outbox.publisher = None

    async def work(tx: Transaction) -> None:
        tx.emit(_event(1), jurisdiction_id="alpha")

    await runtime.uow.run(work)
    manual_clock.advance(timedelta(seconds=31))
    crashed = Outbox(runtime.db, None, manual_clock, service="crashed")
    assert await crashed._claim() is not None  # a relay claims it, then dies
    live = Outbox(runtime.db, runtime.publisher, manual_clock, service="live")
    assert await live.relay_once() == 0  # the dead relay's lease still holds
    manual_clock.advance(timedelta(seconds=31))
    assert await live.relay_once() == 1
    manual_clock.advance(timedelta(hours=25))
    assert await live.prune() == 1
    assert await runtime.db["outbox"].count_documents({}) == 0


def _huge_event() -> JurisdictionCreated:
    return JurisdictionCreated(jurisdiction_id="big", name="x" * 1_200_000, time_zone="UTC")


async def test_an_event_too_large_for_the_broker_is_refused_before_anything_is_written(
    runtime: ServiceRuntime,
) -> None:
    """Issue 22, defect 10: a valid command whose event (1.2 MB) exceeded the
    broker's message size answered 200 and could never be published. Now the
    command is refused with a 422 and its transaction writes nothing."""

    async def work(tx: Transaction) -> None:
        await tx.repo(Widgets, "alpha").insert_one({"_id": "w-big"})
        tx.emit(_huge_event(), jurisdiction_id="alpha")

    with pytest.raises(EventTooLarge) as refused:
        await runtime.uow.run(work)
    assert refused.value.status == 422
    assert await runtime.db["widgets"].count_documents({}) == 0
    assert await runtime.db["outbox"].count_documents({}) == 0


async def test_a_row_the_broker_refuses_for_good_is_dead_lettered_and_the_relay_moves_on(
    runtime: ServiceRuntime, scope: TestScope, manual_clock: ManualClock
) -> None:
    """Issue 22, defect 10: permits' relay stayed stuck behind one row the broker
    would never take, and every later event waited too. Such a row is set
    aside (status ``dead``, the reason kept, an error logged and counted) and
    the events behind it go out."""
    runtime.outbox.publisher = None  # both left to the relay
    runtime.outbox.max_event_bytes = 10_000_000  # as a row written before the limit existed

    async def big(tx: Transaction) -> None:
        tx.emit(_huge_event(), jurisdiction_id="alpha")

    async def small(tx: Transaction) -> None:
        tx.emit(_event(8), jurisdiction_id="alpha")

    await runtime.uow.run(big)
    manual_clock.advance(timedelta(seconds=1))
    await runtime.uow.run(small)
    manual_clock.advance(timedelta(seconds=31))
    relay = Outbox(runtime.db, runtime.publisher, runtime.clock, service="relay")
    dead_before = _dead_lettered("relay")
    assert await relay.relay_once() == 1
    dead = await runtime.db["outbox"].find_one({"status": "dead"})
    assert dead is not None and "MessageSizeTooLarge" in dead["error"]
    assert _dead_lettered("relay") == dead_before + 1
    assert await runtime.db["outbox"].count_documents({"status": "pending"}) == 0
    records = await read_records(
        scope.infra.kafka_bootstrap, scope.topic("identity.events"), count=1
    )
    assert [r.key for r in records] == [b"j8"]
    assert await relay.relay_once() == 0  # and it is not tried again


def _dead_lettered(service: str) -> float:
    value = REGISTRY.get_sample_value(
        "permitsuite_outbox_dead_lettered_total", {"service": service, "topic": "identity.events"}
    )
    return value or 0.0
