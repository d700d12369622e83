"""The event feed's rules without a database (issue 26, item 1): opaque
cursors, pages as bounded windows of positions, type filters, and what
retention removed said rather than skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from integrations.domain.feed import UnknownCursor, Window, cursor_for, position_of, wanted
from integrations.service_layer import feed

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_a_cursor_round_trips_and_says_nothing_readable() -> None:
    for position in (0, 1, 499, 10**9):
        assert position_of(cursor_for(position)) == position
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor_for(10**9))  # safe in a query string
    assert position_of(None) == 0 and position_of("") == 0


@pytest.mark.parametrize("bad", ["!!", "ZjI6MTA", "Zm9vOmJhcg", "ZjE6LTE", "ZjE6eA"])
def test_a_cursor_the_feed_did_not_give_out_is_refused_naming_after(bad: str) -> None:
    with pytest.raises(UnknownCursor) as refused:
        position_of(bad)
    assert refused.value.part == "after"


def test_a_window_never_reaches_past_the_newest_position() -> None:
    assert Window(10, 100).within(50) == Window(10, 40)
    assert Window(10, 100).within(10).size == 0
    assert Window(10, 5).within(1000) == Window(10, 5)


def test_types_match_exactly_or_by_a_prefix_ending_in_a_dot() -> None:
    issued = "permitsuite.permits.PermitIssued.v1"
    assert wanted(issued, frozenset())
    assert wanted(issued, frozenset({issued}))
    assert wanted(issued, frozenset({"permitsuite.permits."}))
    assert not wanted(issued, frozenset({"permitsuite.permits"}))  # no dot: a whole type
    assert not wanted(issued, frozenset({"permitsuite.payments."}))


@dataclass
class FakeFeed:
    """Positions 1…head of one jurisdiction; ``gone`` removed by retention."""

    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    reads: list[tuple[str, int, int]] = field(default_factory=list)
    last: int = 0

    async def next_position(self) -> int:
        self.last += 1
        return self.last

    async def append(self, event: dict[str, Any]) -> None:
        self.events[event["position"]] = event

    async def head(self) -> int:
        return self.last

    async def exists(self, position: int) -> bool:
        self.reads.append(("one", position, position))
        return position in self.events

    async def window(self, after: int, last: int) -> list[dict[str, Any]]:
        self.reads.append(("window", after, last))
        return [self.events[p] for p in range(after + 1, last + 1) if p in self.events]


@dataclass
class FakeUnit:
    feed: FakeFeed = field(default_factory=FakeFeed)
    jurisdiction_id: str = "alpha"
    now: datetime = NOW


async def filled(count: int, kind: str = "permitsuite.permits.PermitIssued.v1") -> FakeUnit:
    uow = FakeUnit()
    for n in range(count):
        position = await uow.feed.next_position()
        await uow.feed.append({"position": position, "type": kind, "id": f"e{n}"})
    return uow


async def test_a_page_reads_one_window_and_says_whether_more_is_behind() -> None:
    uow = await filled(12)
    page = await feed.read(feed.ReadFeed("alpha", limit=5), uow)  # type: ignore[arg-type]
    assert page.positions == [1, 2, 3, 4, 5] and page.more
    assert uow.feed.reads[-1] == ("window", 0, 5)
    rest = await feed.read(
        feed.ReadFeed("alpha", after=page.next_cursor, limit=500),
        uow,  # type: ignore[arg-type]
    )
    assert rest.positions == list(range(6, 13)) and not rest.more
    caught_up = await feed.read(
        feed.ReadFeed("alpha", after=rest.next_cursor),
        uow,  # type: ignore[arg-type]
    )
    assert caught_up.items == [] and caught_up.next_cursor == rest.next_cursor


async def test_a_filtered_page_may_be_empty_with_more_behind_it() -> None:
    uow = await filled(8)
    query = feed.ReadFeed("alpha", limit=4, types=frozenset({"permitsuite.payments."}))
    page = await feed.read(query, uow)  # type: ignore[arg-type]
    assert page.items == [] and page.more and position_of(page.next_cursor) == 4


async def test_events_gone_by_retention_are_said_and_found_in_few_reads() -> None:
    uow = await filled(1000)
    for position in range(1, 701):
        del uow.feed.events[position]
    page = await feed.read(feed.ReadFeed("alpha", limit=3), uow)  # type: ignore[arg-type]
    assert page.expired and page.positions == [701, 702, 703]
    single_reads = [r for r in uow.feed.reads if r[0] == "one"]
    assert len(single_reads) <= 12  # halving over 1,000 positions, not a scan


async def test_recording_takes_the_next_position_and_keeps_the_published_id() -> None:
    from contracts import Envelope

    uow = FakeUnit()
    envelope = Envelope(
        id="ce-1",
        source="/permitsuite/permits",
        type="permitsuite.permits.PermitIssued.v1",
        time=NOW,
        subject="p1",
        jurisdiction="alpha",
        correlationid="c",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        data={"permit_id": "p1"},
    )
    await feed.record(envelope, uow)  # type: ignore[arg-type]
    stored = uow.feed.events[1]
    assert (stored["_id"], stored["id"], stored["position"]) == ("ce-1", "ce-1", 1)
    assert "traceparent" not in stored  # our tracing, not the integrator's
