"""A password reset (R-ID-7): a single-use, expiring link, by email or by a
company's license number; a security answer where the jurisdiction asks for
one, with a limit on wrong answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from chassis.aggregate import Aggregate
from chassis.clock import as_utc
from contracts.identity import PasswordResetRequested

MAX_ANSWER_FAILURES = 5


@dataclass(kw_only=True, eq=False)
class PasswordReset(Aggregate):
    account_id: str
    email: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    answer_failures: int = 0

    @classmethod
    def request(
        cls,
        *,
        jurisdiction_id: str,
        jurisdiction_name: str,
        account_id: str,
        email: str,
        token: str,
        token_hash: str,
        at: datetime,
        expires_at: datetime,
    ) -> PasswordReset:
        reset = cls(
            id=str(uuid4()),
            jurisdiction_id=jurisdiction_id,
            account_id=account_id,
            email=email,
            token_hash=token_hash,
            created_at=at,
            expires_at=expires_at,
        )
        reset._change()
        reset._record(
            PasswordResetRequested(
                reset_id=reset.id,
                account_id=account_id,
                jurisdiction_id=jurisdiction_id,
                jurisdiction_name=jurisdiction_name,
                email=email,
                token=token,
                expires_at=expires_at,
            )
        )
        return reset

    def usable(self, now: datetime) -> bool:
        return (
            self.used_at is None
            and now < as_utc(self.expires_at)
            and self.answer_failures < MAX_ANSWER_FAILURES
        )

    def wrong_answer(self) -> None:
        self._change()
        self.answer_failures += 1

    def use(self, now: datetime) -> None:
        self._change()
        self.used_at = now
