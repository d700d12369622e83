"""A password reset (R-ID-7): a single-use, expiring link, by email or by a
company's license number; a security answer where the jurisdiction asks for
one, with a limit on wrong answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chassis.links import EmailedLink
from contracts.identity import PasswordResetRequested

MAX_ANSWER_FAILURES = 5


@dataclass(kw_only=True, eq=False)
class PasswordReset(EmailedLink):
    account_id: str
    email: str
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
        reset = cls._open(
            jurisdiction_id=jurisdiction_id,
            token_hash=token_hash,
            at=at,
            expires_at=expires_at,
            account_id=account_id,
            email=email,
        )
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
        return super().usable(now) and self.answer_failures < MAX_ANSWER_FAILURES

    def wrong_answer(self) -> None:
        self._change()
        self.answer_failures += 1
