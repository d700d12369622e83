"""Restarts without a limit, with growing pauses (issue 12.13)."""

from __future__ import annotations

from permitsuite_embedded.supervision import Backoff


def test_pauses_double_to_a_ceiling_and_restart_after_a_healthy_run() -> None:
    backoff = Backoff(base=1, max_delay=8, healthy_after=60)
    backoff.started(0)
    pauses = []
    now = 0.0
    for _ in range(6):  # crashes at once, every time
        restart_at = backoff.exited(now)
        pauses.append(restart_at - now)
        now = restart_at
        backoff.started(now)
    assert pauses == [1, 2, 4, 8, 8, 8]  # never gives up
    now += 61  # ran fine for a minute, then crashed
    assert backoff.exited(now) - now == 1


def test_seeing_the_same_exit_twice_keeps_one_restart_time() -> None:
    backoff = Backoff()
    backoff.started(0)
    first = backoff.exited(5)
    assert backoff.exited(5.5) == first


def test_a_start_that_does_not_come_up_waits_longer() -> None:
    backoff = Backoff(base=1, max_delay=30)
    backoff.started(0)
    backoff.exited(0)
    backoff.failed_to_start(10)
    assert backoff.restart_at == 12  # second failure: 2 s
