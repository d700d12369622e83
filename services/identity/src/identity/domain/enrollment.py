"""Public self-enrollment (R-ID-3): an emailed, single-use, expiring link that
makes the person a member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from chassis.aggregate import Aggregate
from chassis.clock import as_utc
from contracts.identity import EmailVerificationRequested
from identity.domain.model import EnrollmentKind


@dataclass(kw_only=True, eq=False)
class Enrollment(Aggregate):
    email: str
    kind: EnrollmentKind
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def request(
        cls,
        *,
        jurisdiction_id: str,
        jurisdiction_name: str,
        email: str,
        kind: EnrollmentKind,
        token: str,
        token_hash: str,
        at: datetime,
        expires_at: datetime,
    ) -> Enrollment:
        enrollment = cls(
            id=str(uuid4()),
            jurisdiction_id=jurisdiction_id,
            email=email,
            kind=kind,
            token_hash=token_hash,
            created_at=at,
            expires_at=expires_at,
        )
        enrollment._change()
        enrollment._record(
            EmailVerificationRequested(
                enrollment_id=enrollment.id,
                jurisdiction_id=jurisdiction_id,
                jurisdiction_name=jurisdiction_name,
                email=email,
                kind=kind,
                token=token,
                expires_at=expires_at,
            )
        )
        return enrollment

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < as_utc(self.expires_at)

    def use(self, now: datetime) -> None:
        self._change()
        self.used_at = now
