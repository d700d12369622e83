"""Login throttling (per pair, account, address): the attempts kept, the
lock-outs decided by ``domain/throttle.py``."""

from __future__ import annotations

from datetime import datetime

from chassis.clock import as_utc
from chassis.errors import ProblemError
from chassis.uow import Transaction
from identity.adapters.repositories import (
    LoginAttempts,
)
from identity.domain.throttle import (
    AttemptState,
    LoginKeys,
    ThrottlePolicy,
    after_failure,
    blocked_until,
    is_known,
    just_locked,
)
from identity.service_layer.common import Doc, Identity, audit


class TooManyAttempts(ProblemError):
    status = 429
    slug = "too-many-attempts"
    title = "Too many failed attempts"


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


async def known_pair(idn: Identity, keys: LoginKeys) -> bool:
    doc = await LoginAttempts(idn.runtime.db).get(keys.known)
    return is_known(_aware(doc.get("at")) if doc else None, idn.now, idn.throttle)


async def check_throttle(idn: Identity, keys: list[tuple[str, ThrottlePolicy]]) -> None:
    attempts = LoginAttempts(idn.runtime.db)
    now = idn.now
    for key, _policy in keys:
        until = blocked_until(_state(await attempts.get(key)), now)
        if until is not None:
            wait = max(1, int((until - now).total_seconds() + 0.999))
            raise TooManyAttempts(
                f"too many failed attempts; try again in {wait} seconds",
                headers={"Retry-After": str(wait)},
            )


async def record_failure(
    idn: Identity, keys: list[tuple[str, ThrottlePolicy]], jurisdiction_id: str | None
) -> None:
    attempts = LoginAttempts(idn.runtime.db)
    now = idn.now
    for key, policy in keys:
        before = _state(await attempts.get(key))
        after = after_failure(before, now, policy)
        await attempts.put(key, after.__dict__)
        if just_locked(before, after):

            async def record(tx: Transaction, key: str = key, after: AttemptState = after) -> None:
                await audit(
                    tx,
                    jurisdiction_id,
                    "login_lockout",
                    actor=None,
                    subject=key,
                    failures=after.failures,
                    locked_until=after.locked_until,
                )

            await idn.runtime.uow.run(record)


async def record_success(idn: Identity, keys: LoginKeys) -> None:
    attempts = LoginAttempts(idn.runtime.db)
    await attempts.clear(keys.pair)
    await attempts.clear(keys.account)
    await attempts.put(keys.known, {"at": idn.now})


async def clear_account_throttle(idn: Identity, email: str) -> None:
    """After a password reset: the account's own counts start again."""
    await LoginAttempts(idn.runtime.db).clear(LoginKeys.of(email, None).account)


# -- issuing ----------------------------------------------------------------
