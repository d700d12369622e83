"""Claim work items with a lease, so exactly one worker replica owns each.

Used by the outbox relay and by every "send later" queue (emails, webhooks):
a worker atomically takes the oldest due item whose lease has expired and
stamps its own lease; if it dies, the lease runs out and another takes over.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from chassis.metrics import LEASED_JOB_ROUNDS

NEVER = datetime(1970, 1, 1, tzinfo=UTC)
"""Initial ``lease_until`` of an unclaimed item (compares below any real time)."""


async def claim_one(
    collection: AsyncCollection[dict[str, Any]],
    filter_: dict[str, Any],
    *,
    now: datetime,
    lease: timedelta,
    owner: str,
    sort_field: str = "created_at",
) -> dict[str, Any] | None:
    return await collection.find_one_and_update(
        {**filter_, "lease_until": {"$lt": now}},
        {"$set": {"lease_until": now + lease, "lease_owner": owner}, "$inc": {"attempts": 1}},
        sort=[(sort_field, ASCENDING)],
        return_document=ReturnDocument.AFTER,
    )


async def acquire_named_lease(
    collection: AsyncCollection[dict[str, Any]],
    name: str,
    *,
    now: datetime,
    lease: timedelta,
    owner: str,
) -> bool:
    """Take (or renew) the lease ``name`` unless another owner holds it: periodic
    jobs run on exactly one replica at a time."""
    from pymongo.errors import DuplicateKeyError

    taken = await collection.find_one_and_update(
        {"_id": name, "$or": [{"lease_until": {"$lt": now}}, {"owner": owner}]},
        {"$set": {"lease_until": now + lease, "owner": owner}},
    )
    if taken is None:
        try:
            await collection.insert_one({"_id": name, "lease_until": now + lease, "owner": owner})
        except DuplicateKeyError:
            LEASED_JOB_ROUNDS.labels(name, "skipped").inc()
            return False  # held by someone else
    LEASED_JOB_ROUNDS.labels(name, "ran").inc()
    return True
