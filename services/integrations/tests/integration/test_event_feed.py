"""Each jurisdiction's event feed (issue 26, item 1), through the real broker
and database: its own events only, as published (same ids as on Kafka), in
commit order; a reader from the start while events are written sees each
once, in order per aggregate, then follows new ones; redelivery stores
nothing twice; what retention removed is said, not silently skipped."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import pytest
from devstack.testing import eventually

from contracts.identity import JurisdictionCreated

pytestmark = pytest.mark.integration


async def read_all(harness: Any, jid: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    after = None
    while True:
        page = await harness.page(jid, **({"after": after} if after else {}), **params)
        items += page["items"]
        after = page["next_cursor"]
        if not page["more"]:
            return items


async def test_each_jurisdiction_reads_only_its_own_events_as_published(harness: Any) -> None:
    for n in range(3):
        await harness.publish(harness.permit_step(f"a{n}", "alpha", n), f"alpha-{n}", "alpha")
    await harness.publish(harness.permit_step("b0", "beta", 0), "beta-0", "beta")
    await harness.publish(harness.permit_step("a0", "alpha", 0), "alpha-0", "alpha")  # redelivered
    created = JurisdictionCreated(jurisdiction_id="gamma", name="Gamma", time_zone="UTC")
    await harness.publish(created, "op-1", None)  # the operator's own: in no feed

    async def handled() -> bool:
        db = harness.runtime.db
        operator = await db["processed_events"].find_one({"_id": "integrations.identity:op-1"})
        return operator is not None and await db["feed_events"].count_documents({}) >= 4

    await eventually(handled, what="every event handled")
    alpha = await read_all(harness, "alpha")
    # three permits on three partitions: in the order they were stored, each once
    assert sorted(e["id"] for e in alpha) == ["alpha-0", "alpha-1", "alpha-2"]
    first = next(e for e in alpha if e["id"] == "alpha-0")
    assert (first["type"], first["subject"], first["jurisdiction"]) == (
        "permitsuite.permits.PermitStatusChanged.v1",
        "a0",
        "alpha",
    )
    assert first["data"]["to_status"] == "IN_REVIEW" and first["correlationid"] == "corr-alpha-0"
    assert [e["id"] for e in await read_all(harness, "beta")] == ["beta-0"]
    assert await harness.runtime.db["feed_events"].count_documents({"_id": "op-1"}) == 0
    # resume from an item's own cursor
    page = await harness.page("alpha", after=alpha[0]["cursor"])
    assert page["items"] == alpha[1:] and not page["more"]


async def test_another_jurisdiction_gets_404_and_staff_without_admin_403(harness: Any) -> None:
    base = "/v1/jurisdictions/alpha/events"
    r = await harness.http.get(base, headers=harness.admin("beta"))
    assert r.status_code == 404
    r = await harness.http.get(base, headers=harness.staff("alpha", "inspector"))
    assert r.status_code == 403
    r = await harness.http.get(base)
    assert r.status_code == 401


async def test_a_cursor_not_given_out_by_the_feed_is_refused_naming_after(harness: Any) -> None:
    for bad in ("nonsense!", "ZjI6MTA", "Zm9vOmJhcg"):  # garbage, f2:10, foo:bar
        r = await harness.http.get(
            "/v1/jurisdictions/alpha/events", params={"after": bad}, headers=harness.admin("alpha")
        )
        assert r.status_code == 422, (bad, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "after" in r.text


async def test_a_reader_from_the_start_while_events_are_written_sees_each_once_in_order(
    harness: Any,
) -> None:
    """Positions follow commit order: paging while three partitions are
    consumed at once, the reader meets every event once, each permit's steps
    in their order, then follows the ones written after it caught up."""
    permits = [f"p{n}" for n in range(12)]  # spread over the topic's partitions

    async def write(first_step: int, last_step: int) -> None:
        for step in range(first_step, last_step):
            for permit in permits:
                await harness.publish(
                    harness.permit_step(permit, "alpha", step), f"{permit}-{step}", "alpha"
                )

    seen: list[dict[str, Any]] = []
    after: str | None = None

    async def stored_beyond(n: int) -> bool:
        head = await harness.runtime.db["feed_heads"].find_one({"_id": "alpha"})
        return head is not None and head["position"] > n

    async def read_until(count: int) -> None:
        nonlocal after
        while len(seen) < count:
            page = await harness.page("alpha", limit=7, **({"after": after} if after else {}))
            seen.extend(page["items"])
            after = page["next_cursor"]
            if not page["more"] and len(seen) < count:  # caught up: wait for more, as a follower
                await eventually(lambda n=len(seen): stored_beyond(n), what="more events")

    writing = asyncio.create_task(write(0, 3))
    await asyncio.wait_for(read_until(len(permits) * 3), timeout=120)
    await writing
    await write(3, 4)  # written after the reader caught up
    await asyncio.wait_for(read_until(len(permits) * 4), timeout=120)

    ids = [e["id"] for e in seen]
    assert len(ids) == len(set(ids)) == len(permits) * 4
    steps: dict[str, list[str]] = defaultdict(list)
    for event in seen:
        steps[event["subject"]].append(event["data"]["to_status"])
    assert all(
        steps[p] == ["IN_REVIEW", "PENDING_APPROVAL", "READY_TO_ISSUE", "ISSUED"] for p in permits
    )


async def test_the_type_filter_keeps_pages_bounded(harness: Any) -> None:
    for n in range(4):
        await harness.publish(harness.permit_step(f"t{n}", "alpha", 0), f"t-{n}", "alpha")
    created = JurisdictionCreated(jurisdiction_id="alpha", name="Alpha", time_zone="UTC")
    await harness.publish(created, "jc-alpha", "alpha")

    async def stored() -> bool:
        return await harness.runtime.db["feed_events"].count_documents({}) >= 5

    await eventually(stored, what="five events")
    only = await read_all(harness, "alpha", types="permitsuite.identity.", limit=2)
    assert [e["id"] for e in only] == ["jc-alpha"]
    exact = await read_all(harness, "alpha", types="permitsuite.permits.PermitStatusChanged.v1")
    assert len(exact) == 4


async def test_events_past_retention_are_said_to_be_gone(harness: Any) -> None:
    for n in range(6):
        await harness.publish(harness.permit_step("old", "alpha", n % 4), f"old-{n}", "alpha")

    async def stored() -> bool:
        return await harness.runtime.db["feed_events"].count_documents({}) >= 6

    await eventually(stored, what="six events")
    # what the TTL index does after the retention: the oldest leave first
    await harness.runtime.db["feed_events"].delete_many({"position": {"$lte": 4}})
    page = await harness.page("alpha")
    assert page["expired"] is True
    assert [e["id"] for e in page["items"]] == ["old-4", "old-5"]
    again = await harness.page("alpha", after=page["items"][0]["cursor"])
    assert again["expired"] is False and [e["id"] for e in again["items"]] == ["old-5"]
