"""Fetch pacing (issue 22: an idle embedded suite kept its broker answering
about 25 fetches a second per consumer): quick fetches while records flow,
long ones after a quiet spell."""

from __future__ import annotations

from types import SimpleNamespace

from chassis.pacing import FetchPacing, set_fetch_wait


def consumer(wait_ms: int) -> SimpleNamespace:
    return SimpleNamespace(_fetcher=SimpleNamespace(_fetch_max_wait_ms=wait_ms))


async def test_records_make_fetches_quick_and_a_quiet_spell_makes_them_long() -> None:
    now = [100.0]
    pacing = FetchPacing(busy_ms=40, idle_ms=500, idle_after=30, monotonic=lambda: now[0])
    kafka = consumer(500)  # subscribed idle
    pacing.active(kafka)
    assert kafka._fetcher._fetch_max_wait_ms == 40 and pacing.busy
    now[0] += 20
    pacing.active(kafka)  # still flowing
    now[0] += 25
    assert pacing.cool(kafka) == 5  # 25 s quiet: not yet
    assert kafka._fetcher._fetch_max_wait_ms == 40
    now[0] += 5
    assert pacing.cool(kafka) == 0
    assert kafka._fetcher._fetch_max_wait_ms == 500 and not pacing.busy
    pacing.active(kafka)
    assert kafka._fetcher._fetch_max_wait_ms == 40


def test_a_consumer_without_the_attribute_is_left_alone() -> None:
    assert set_fetch_wait(SimpleNamespace(_fetcher=None), 500) is False
    assert set_fetch_wait(object(), 500) is False
