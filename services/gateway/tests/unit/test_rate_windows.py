"""The rate limits' sliding window counter (issue 25): on the suite's clock,
the same for every store; replicas sharing one store share one count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from limits import parse

from chassis.clock import ManualClock
from gateway.ratelimits import MemoryCounters, SlidingWindows

START = datetime(2026, 12, 6, 17, 0, 0, tzinfo=UTC)  # a window's start


async def test_replicas_sharing_counters_share_the_limit() -> None:
    clock = ManualClock(START)
    shared = MemoryCounters()
    one, two = SlidingWindows(shared, clock), SlidingWindows(shared, clock)
    item = parse("10/minute")
    answers = [await (one if n % 2 else two).hit("login", "198.51.100.7", item) for n in range(11)]
    assert answers[:10] == [None] * 10  # ten in all, whichever replica took them
    assert answers[10] == 60  # the eleventh waits for the window to slide on
    assert await one.hit("login", "203.0.113.9", item) is None  # another address


async def test_the_window_slides_the_last_windows_count_weighs_less_as_it_goes() -> None:
    clock = ManualClock(START)
    windows = SlidingWindows(MemoryCounters(), clock)
    item = parse("10/minute")
    for _ in range(10):
        assert await windows.hit("login", "a", item) is None
    clock.advance(timedelta(seconds=60))  # a new window: last minute's 10 weigh fully
    assert await windows.hit("login", "a", item) == 60
    clock.advance(timedelta(seconds=30))  # half-way: they weigh 5, a refusal counts nothing
    assert [await windows.hit("login", "a", item) for _ in range(6)] == [None] * 5 + [30]


async def test_expired_counters_are_swept_in_passes() -> None:
    clock = ManualClock(START)
    counters = MemoryCounters(sweep_every=3)
    windows = SlidingWindows(counters, clock)
    item = parse("100/minute")
    await windows.hit("login", "old", item)
    clock.advance(timedelta(minutes=5))
    for client in ("b", "c"):
        await windows.hit("login", client, item)  # the third add sweeps
    assert not any(key.startswith("login|old|") for key in counters.counts)
