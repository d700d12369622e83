"""Keeping the embedded suite up: every process that dies is started again.

A crashed broker or database is restarted on its port (the services'
clients reconnect on their own; the broker comes back empty and the topics
are created again — the services' outboxes then publish what it lost, see
``chassis.recovery``). A crashed service is restarted as often as it takes,
with growing pauses so a service that cannot start does not spin.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
