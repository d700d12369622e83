"""A consumer process killed in the middle of a batch (issue 14.4): kill -9
before the batch's transaction commits, or after it and before the offsets are
committed; after a restart every event has exactly one effect."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from devstack.processes import ManagedProcess
from devstack.testing import TestScope, eventually
from pymongo import AsyncMongoClient

from chassis.app import build_runtime
from chassis.clock import ManualClock
from chassis.settings import ServiceSettings
from contracts import Envelope
from contracts.identity import JurisdictionCreated

pytestmark = pytest.mark.integration

WORKER = Path(__file__).with_name("crash_worker.py")
EVENTS = 12


class Worker:
    def __init__(self, scope: TestScope, log_dir: Path) -> None:
        self.scope = scope
        self.log_dir = log_dir
        # the restarted worker gets the partition once the killed one's session ends
        self.settings = scope.settings_kwargs("crashtest", kafka_session_timeout_ms=2_000)
        self.process: ManagedProcess | None = None

    def start(self, failpoint: str = "") -> ManagedProcess:
        self.process = ManagedProcess(
            "crash-worker",
            [sys.executable, str(WORKER)],
            log_path=self.log_dir / "crash-worker.log",
            env={
                "CRASH_WORKER_SETTINGS": json.dumps(self.settings),
                "PERMITSUITE_FAILPOINTS": failpoint,
            },
        ).start()
        return self.process

    def wait_exit(self, timeout: float = 60) -> int | None:
        assert self.process is not None and self.process.proc is not None
        try:
            return self.process.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    async def publish(self, ids: list[str]) -> None:
        """Events for one key (one partition) before the worker reads them."""
        rt = build_runtime(ServiceSettings(**self.scope.settings_kwargs("crashpub")), ManualClock())
        await rt.broker.start()
        try:
            for event_id in ids:
                env = Envelope(
                    id=event_id,
                    source="/permitsuite/test",
                    type=JurisdictionCreated.event_type,
                    time=datetime(2026, 1, 1, tzinfo=UTC),
                    subject="alpha",
                    jurisdiction="alpha",
                    correlationid=f"corr-{event_id}",
                    data={"jurisdiction_id": "alpha", "name": "Alpha", "time_zone": "UTC"},
                )
                await rt.publisher.publish_record(
                    "identity.events",
                    env.kafka_key(),
                    env.kafka_value(),
                    env.kafka_headers(),
                    path="test",
                )
        finally:
            await rt.broker.stop()
            await rt.client.close()

    async def end_orphaned_transactions(self) -> None:
        """The killed process's open transaction still holds its writes: the
        database aborts it when its lifetime runs out (60 s, like MongoDB's
        ``transactionLifetimeLimitSeconds``), and until then the redelivered
        batch's markers conflict and ``with_transaction`` keeps retrying. The
        test ends it at once, as that timeout would (tests run one at a time)."""
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(self.settings["mongodb_url"])
        try:
            await client.admin.command("killAllSessions", [])
        finally:
            await client.close()

    async def counts(self) -> tuple[Counter[str], int, int]:
        """Effects per event id, de-duplication markers, outbox rows."""
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(self.settings["mongodb_url"])
        try:
            db = client[self.settings["mongodb_database"]]
            effects = Counter([d["event_id"] async for d in db["effects"].find({})])
            markers = await db["processed_events"].count_documents({})
            outbox = await db["outbox"].count_documents({})
            return effects, markers, outbox
        finally:
            await client.close()


@pytest.fixture
def worker(scope: TestScope, log_dir: Path) -> Iterator[Worker]:
    w = Worker(scope, log_dir)
    yield w
    if w.process is not None:
        w.process.stop()


async def _restart_and_drain(worker: Worker, ids: list[str]) -> Counter[str]:
    worker.start()
    await worker.publish(["evt-after"])  # behind every redelivered record

    async def drained() -> bool:
        effects, _, _ = await worker.counts()
        return "evt-after" in effects

    await eventually(drained, timeout=60)
    effects, markers, outbox = await worker.counts()
    assert effects == Counter([*ids, "evt-after"])  # each exactly once
    assert markers == outbox == len(ids) + 1
    return effects


async def test_kill_mid_batch_commits_nothing_and_redelivery_applies_each_once(
    scope: TestScope, worker: Worker
) -> None:
    await scope.create_topics(partitions=1)
    ids = [f"evt-{i}" for i in range(EVENTS)]
    await worker.publish(ids)

    worker.start(failpoint="consumer_mid_batch")
    assert worker.wait_exit() == 137, worker.process.tail() if worker.process else ""

    effects, markers, outbox = await worker.counts()
    # the killed batch left nothing; only single-record polls before it (if any) stay
    assert sum(effects.values()) == markers == outbox < EVENTS
    await worker.end_orphaned_transactions()
    await _restart_and_drain(worker, ids)


async def test_kill_after_the_batch_commit_before_the_offset_commit_applies_each_once(
    scope: TestScope, worker: Worker
) -> None:
    await scope.create_topics(partitions=1)
    ids = [f"evt-{i}" for i in range(EVENTS)]
    await worker.publish(ids)

    worker.start(failpoint="consumer_after_commit_before_ack")
    assert worker.wait_exit() == 137, worker.process.tail() if worker.process else ""

    effects, markers, outbox = await worker.counts()
    assert sum(effects.values()) == markers == outbox > 0  # a poll committed, its offsets not
    assert max(effects.values()) == 1
    await _restart_and_drain(worker, ids)
