"""Login throttling (R-ID, ARCHITECTURE "Identity and access").

Failures are counted under three keys, each with its own policy:

- **pair** — one account from one client address: growing delays after
  ``free_failures``, then a lockout. This is what stops someone guessing one
  account's password from one place, and it touches nobody else.
- **account** — one account from every address: growing delays only, never a
  lockout, so a distributed guesser is slowed to one try per ``max_delay``
  while the owner, from any address, waits at most that long — someone else's
  failures can never lock the owner out.
- **address** — one address, any account: growing delays, then a lockout, to
  stop spraying many (often made-up) accounts from one place. It does not
  apply to an account that has logged in from that address before (a *known
  pair*), so an office or a load balancer behind one address does not lock
  out its regular users.

Accounts are named by their normalised email whether or not they exist, so an
unknown account behaves exactly like a wrong password. A success clears the
pair and account counts and records the pair as known. Failures older than
``window`` are forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    max_delay: timedelta = timedelta(seconds=60)
    lockout_after: int | None = 10  # None: delays only
    lockout: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class LoginThrottlePolicy:
    pair: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    account: ThrottlePolicy = field(
        default_factory=lambda: ThrottlePolicy(
            free_failures=5, max_delay=timedelta(seconds=30), lockout_after=None
        )
    )
    address: ThrottlePolicy = field(
        default_factory=lambda: ThrottlePolicy(free_failures=10, lockout_after=30)
    )
    known_for: timedelta = timedelta(days=90)


@dataclass(frozen=True)
class LoginKeys:
    pair: str
    account: str
    address: str
    known: str

    @classmethod
    def of(cls, email: str, address: str | None) -> LoginKeys:
        who = email.strip().lower()
        where = address or "unknown"
        return cls(
            pair=f"pair:{who}|{where}",
            account=f"account:{who}",
            address=f"address:{where}",
            known=f"known:{who}|{where}",
        )

    def checked(
        self, policy: LoginThrottlePolicy, *, known_pair: bool
    ) -> list[tuple[str, ThrottlePolicy]]:
        """The keys that may hold this attempt back."""
        keys = [(self.pair, policy.pair), (self.account, policy.account)]
        if not known_pair:
            keys.append((self.address, policy.address))
        return keys

    def counted(self, policy: LoginThrottlePolicy) -> list[tuple[str, ThrottlePolicy]]:
        """The keys a failure counts against."""
        return [
            (self.pair, policy.pair),
            (self.account, policy.account),
            (self.address, policy.address),
        ]


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
        delay = min(timedelta(seconds=2 ** min(extra - 1, 30)), policy.max_delay)
        next_allowed = now + delay
    locked = None
    if policy.lockout_after is not None and failures >= policy.lockout_after:
        locked = now + policy.lockout
    return AttemptState(failures, state.first_failure_at, next_allowed, locked)


def just_locked(before: AttemptState, after: AttemptState) -> bool:
    return after.locked_until is not None and before.locked_until != after.locked_until


def is_known(last_success: datetime | None, now: datetime, policy: LoginThrottlePolicy) -> bool:
    return last_success is not None and now - last_success <= policy.known_for
