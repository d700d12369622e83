"""A jurisdiction's history for the whole-suite benchmarks: the demo grown
to many permits of other people's finished work, copied from one the
services wrote, so that what the demo's people see stays what it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient

START = datetime(2024, 1, 1, tzinfo=UTC)
STATUSES = ("ISSUED", "FINALED", "EXPIRED")


def _copy(template: dict[str, Any], n: int) -> dict[str, Any]:
    street = f"{n % 9973} HISTORY ST"
    return {
        **template,
        "_id": f"hist-{n}",
        "number": f"HIST-{n:06}",
        "status": STATUSES[n % 3],
        "applied_at": START + timedelta(minutes=7 * n),
        "applicant": {"name": f"Owner {n}", "email": f"owner{n}@example.org"},
        "owner": None,
        "company_ids": [],
        "linked_accounts": [],
        "party_emails": [f"owner{n}@example.org"],
        "street_key": street,
        "site": {**template.get("site", {}), "street": street, "parcel": f"H{n}"},
    }


async def grow_history(mongo_url: str, count: int, first: int = 0) -> None:
    """Permits ``first`` … ``first + count - 1`` of the demo's history (issued,
    finished or expired, over two years), in batches of 5,000."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        permits = client["permits"]["permits"]
        template = await permits.find_one({"jurisdiction_id": "demo", "status": "ISSUED"})
        assert template is not None, "the demo has an issued permit"
        for at in range(first, first + count, 5000):
            batch = [_copy(template, n) for n in range(at, min(at + 5000, first + count))]
            await permits.insert_many(batch)
    finally:
        await client.close()
