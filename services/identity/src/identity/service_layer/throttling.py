"""Login throttling (per pair, account, address): the attempts kept, the
lock-outs decided by ``domain/throttle.py``."""

from __future__ import annotations

from datetime import datetime

from chassis.clock import as_utc
from chassis.refusals import TooManyAttempts
from identity.domain.throttle import (
    AttemptState,
    LoginKeys,
    LoginThrottlePolicy,
    ThrottlePolicy,
    after_failure,
    blocked_until,
    is_known,
    just_locked,
)
from identity.service_layer.common import Doc
from identity.service_layer.unit_of_work import IdentityUnitOfWork


# -- throttling -------------------------------------------------------------
def _state(doc: Doc | None) -> AttemptState:
    if doc is None:
        return AttemptState()
    return AttemptState(
        failures=doc["failures"],
        first_failure_at=_aware(doc.get("first_failure_at")),
        next_allowed_at=_aware(doc.get("next_allowed_at")),
        locked_until=_aware(doc.get("locked_until")),
    )


def _aware(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


async def known_pair(uow: IdentityUnitOfWork, keys: LoginKeys, policy: LoginThrottlePolicy) -> bool:
    doc = await uow.login_attempts.get(keys.known)
    return is_known(_aware(doc.get("at")) if doc else None, uow.now, policy)


async def check_throttle(uow: IdentityUnitOfWork, keys: list[tuple[str, ThrottlePolicy]]) -> None:
    now = uow.now
    for key, _policy in keys:
        until = blocked_until(_state(await uow.login_attempts.get(key)), now)
        if until is not None:
            wait = max(1, int((until - now).total_seconds() + 0.999))
            raise TooManyAttempts(
                f"too many failed attempts; try again in {wait} seconds", retry_after=wait
            )


async def record_failure(uow: IdentityUnitOfWork, keys: list[tuple[str, ThrottlePolicy]]) -> None:
    """Counted at once (the attempts are written outside any transaction); a
    lock-out enters the audit trail of the jurisdiction logged in to."""
    now = uow.now
    for key, policy in keys:
        before = _state(await uow.login_attempts.get(key))
        after = after_failure(before, now, policy)
        await uow.login_attempts.put(key, after.__dict__)
        if just_locked(before, after):
            await uow.audit.record(
                "login_lockout",
                actor=None,
                subject=key,
                failures=after.failures,
                locked_until=after.locked_until,
            )


async def record_success(uow: IdentityUnitOfWork, keys: LoginKeys) -> None:
    await uow.login_attempts.clear(keys.pair)
    await uow.login_attempts.clear(keys.account)
    await uow.login_attempts.put(keys.known, {"at": uow.now})


async def clear_account_throttle(uow: IdentityUnitOfWork, email: str) -> None:
    """After a password reset: the account's own counts start again."""
    await uow.login_attempts.clear(LoginKeys.of(email, None).account)
