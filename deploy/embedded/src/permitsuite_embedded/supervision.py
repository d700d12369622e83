"""Keeping the embedded suite up: every process that dies is started again,
each on its own clock.

A crashed broker or database is restarted on its port (the services'
clients reconnect on their own; the broker comes back empty and the topics
are created again — the services' outboxes then publish what it lost, see
``chassis.recovery``). A crashed service is restarted as often as it takes,
with growing pauses so a service that cannot start does not spin. A service
that answers its liveness check with "not live" three times in a row (the
gateway does when its upstream calls stop finishing) is restarted too.

Nothing here waits: :meth:`Supervisor.tick` looks at every process once and
moves each along (running → waiting for its restart → starting → running),
so a service that takes a minute to come up never delays the restart of a
dead broker (issue 22, defect 13: the launcher blocked on a starting service
for up to 60 s while the broker stayed dead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Backoff:
    """Pauses before a restart: ``base``, doubling to ``max_delay``; a process
    that stayed up ``healthy_after`` seconds starts again from ``base``."""

    base: float = 1.0
    max_delay: float = 30.0
    healthy_after: float = 60.0
    failures: int = 0
    started_at: float = 0.0
    restart_at: float | None = field(default=None)

    def started(self, now: float) -> None:
        self.started_at = now
        self.restart_at = None

    def exited(self, now: float) -> float:
        """The process was found dead at ``now``: when to start it again."""
        if self.restart_at is not None:
            return self.restart_at
        if now - self.started_at >= self.healthy_after:
            self.failures = 0
        delay = min(self.base * 2**self.failures, self.max_delay)
        self.failures += 1
        self.restart_at = now + delay
        return self.restart_at

    def failed_to_start(self, now: float) -> None:
        """A start attempt did not come up: wait longer before the next."""
        self.restart_at = None
        self.started_at = now
        self.exited(now)


class Process(Protocol):
    def alive(self) -> bool: ...
    def start(self) -> object: ...
    def stop(self) -> object: ...


STARTING, RUNNING, WAITING = "starting", "running", "waiting"
LIVE_FAILURES_TO_RESTART = 3


@dataclass
class Watched:
    """One supervised process and where it is in its life."""

    name: str
    process: Process
    ready: Callable[[], bool]
    start_timeout: float = 60.0
    on_ready: Callable[[], None] | None = None  # e.g. create the topics of a new broker
    live: Callable[[], bool | None] | None = None  # False: "not live"; None: no answer
    live_every: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)
    state: str = RUNNING
    deadline: float = 0.0
    live_failures: int = 0
    next_live_at: float = 0.0

    def launch(self, now: float) -> None:
        self.process.stop()  # reap what is left of the last run, close its log
        self.process.start()
        self.backoff.started(now)
        self.state, self.deadline, self.live_failures = STARTING, now + self.start_timeout, 0


class Supervisor:
    def __init__(self, watched: list[Watched], say: Callable[[str], None]) -> None:
        self.watched = watched
        self.say = say

    def tick(self, now: float) -> None:
        for w in self.watched:
            self.step(w, now)

    def step(self, w: Watched, now: float) -> None:
        if w.state == STARTING:
            if not w.process.alive() or now > w.deadline:
                self.say(f"{w.name} did not come up; trying again later")
                w.process.stop()
                w.backoff.failed_to_start(now)
                w.state = WAITING
            elif w.ready():
                if w.on_ready is not None:
                    w.on_ready()
                w.state, w.next_live_at = RUNNING, now + w.live_every
                self.say(f"{w.name} restarted")
        elif w.state == RUNNING:
            if not w.process.alive():
                self.say(f"{w.name} exited; restarting it")
                w.backoff.exited(now)
                w.state = WAITING
            elif w.live is not None and now >= w.next_live_at:
                w.next_live_at = now + w.live_every
                verdict = w.live()
                w.live_failures = w.live_failures + 1 if verdict is False else 0
                if w.live_failures >= LIVE_FAILURES_TO_RESTART:
                    self.say(f"{w.name} stopped making progress; restarting it")
                    w.process.stop()
                    w.backoff.exited(now)
                    w.state = WAITING
        if w.state == WAITING and w.backoff.restart_at is not None and now >= w.backoff.restart_at:
            self.say(f"starting {w.name} again")
            w.launch(now)
