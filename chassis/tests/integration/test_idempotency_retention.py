"""Idempotency-Key records are kept for ``RETENTION`` and then forgotten by
the database (a TTL index), so the collection holds a week of commands, not
every command ever made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from devstack.testing import TestScope

from chassis import idempotency
from chassis.app import build_runtime
from chassis.clock import ManualClock
from chassis.settings import ServiceSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(scope: TestScope, manual_clock: ManualClock) -> Any:
    rt = build_runtime(ServiceSettings(**scope.settings_kwargs("keystest")), manual_clock)
    yield rt.db
    await rt.client.drop_database(rt.db.name)
    await rt.client.close()


async def test_keys_older_than_the_retention_are_forgotten(db: Any) -> None:
    await idempotency.ensure_indexes(db)
    # the database's TTL monitor compares with its own clock: real time here
    now = datetime.now(UTC)
    keys = db[idempotency.COLLECTION]
    await keys.insert_many(
        [
            {"_id": "old", "created_at": now - idempotency.RETENTION - timedelta(hours=1)},
            {"_id": "recent", "created_at": now - idempotency.RETENTION + timedelta(hours=1)},
        ]
    )
    # SecantusDB sweeps every 60 s; this runs the same sweep now (MongoDB: its TTL monitor)
    await db.client.admin.command("secantusAdmin.pruneTtl")
    assert [d["_id"] async for d in keys.find({})] == ["recent"]
