"""Login throttling (R-ID, ARCHITECTURE "Identity and access").

Failures are counted per account (normalised email, whether or not it exists,
so an unknown account behaves exactly like a wrong password) and per client
address. After ``free_failures`` each further failure makes the next attempt
wait longer (1 s, 2 s, 4 s … capped); after ``lockout_after`` failures the key
is locked for ``lockout``. A success clears the account's count. Failures
older than ``window`` are forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    max_delay: timedelta = timedelta(seconds=60)
    lockout_after: int = 10
    lockout: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=1)


@dataclass
class AttemptState:
    failures: int = 0
    first_failure_at: datetime | None = None
    next_allowed_at: datetime | None = None
    locked_until: datetime | None = None


def blocked_until(state: AttemptState, now: datetime) -> datetime | None:
    """When the next attempt is allowed, or None if it is allowed now."""
    for until in (state.locked_until, state.next_allowed_at):
        if until is not None and now < until:
            return until
    return None


def after_failure(state: AttemptState, now: datetime, policy: ThrottlePolicy) -> AttemptState:
    if state.first_failure_at is None or now - state.first_failure_at > policy.window:
        state = AttemptState(failures=0, first_failure_at=now)
    failures = state.failures + 1
    extra = failures - policy.free_failures
    next_allowed = None
    if extra > 0:
        delay = min(timedelta(seconds=2 ** (extra - 1)), policy.max_delay)
        next_allowed = now + delay
    locked = now + policy.lockout if failures >= policy.lockout_after else None
    return AttemptState(failures, state.first_failure_at, next_allowed, locked)


def just_locked(before: AttemptState, after: AttemptState) -> bool:
    return after.locked_until is not None and before.locked_until != after.locked_until
