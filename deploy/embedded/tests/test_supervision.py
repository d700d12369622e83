"""Restarts without a limit, with growing pauses (issue 12.13)."""

from __future__ import annotations

from permitsuite_embedded.supervision import (
    RUNNING,
    STARTING,
    WAITING,
    Backoff,
    Supervisor,
    Watched,
)


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


class FakeProcess:
    def __init__(self, alive: bool = True) -> None:
        self.up = alive
        self.starts = 0

    def alive(self) -> bool:
        return self.up

    def start(self) -> None:
        self.starts += 1
        self.up = True

    def stop(self) -> None:
        self.up = False


def test_a_dead_broker_is_restarted_while_a_service_is_still_starting() -> None:
    """Issue 22, defect 13: the launcher waited up to 60 s on a starting service
    before it restarted a dead broker. Each process is on its own clock now."""
    broker, service = FakeProcess(alive=False), FakeProcess()
    topics: list[str] = []
    said: list[str] = []
    watched_broker = Watched(
        "kafka", broker, ready=lambda: True, on_ready=lambda: topics.append("created")
    )
    watched_service = Watched("permits", service, ready=lambda: False, start_timeout=60)
    watched_service.launch(0.0)  # starting, and not ready for a long while
    supervisor = Supervisor([watched_broker, watched_service], said.append)
    supervisor.tick(0.0)  # the broker is found dead: restart after the first pause
    assert watched_broker.state == WAITING and broker.starts == 0
    supervisor.tick(1.0)
    assert broker.starts == 1 and watched_broker.state == STARTING
    supervisor.tick(1.5)
    assert watched_broker.state == RUNNING and topics == ["created"]
    assert watched_service.state == STARTING  # still coming up, untouched
    supervisor.tick(61.0)  # past its start timeout: tried again later, with a pause
    assert watched_service.state == WAITING and "permits did not come up" in said[-1]


def test_a_gateway_that_stops_making_progress_is_restarted() -> None:
    gateway = FakeProcess()
    verdicts = iter([False, None, False, False, False])
    watched = Watched("gateway", gateway, ready=lambda: True, live=lambda: next(verdicts))
    supervisor = Supervisor([watched], lambda _: None)
    for now in (10.0, 20.0, 30.0, 40.0):
        supervisor.tick(now)
        assert watched.state == RUNNING  # one "not live", a silence, then two in a row
    supervisor.tick(50.0)  # the third in a row
    assert watched.state == WAITING and not gateway.up
    supervisor.tick(51.0)
    assert gateway.starts == 1 and watched.state == STARTING
