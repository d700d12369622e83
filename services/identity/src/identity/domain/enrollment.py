"""Public self-enrollment (R-ID-3): an emailed, single-use, expiring link that
makes the person a member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chassis.links import EmailedLink
from contracts.identity import EmailVerificationRequested
from identity.domain.model import EnrollmentKind


@dataclass(kw_only=True, eq=False)
class Enrollment(EmailedLink):
    email: str
    kind: EnrollmentKind

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
        enrollment = cls._open(
            jurisdiction_id=jurisdiction_id,
            token_hash=token_hash,
            at=at,
            expires_at=expires_at,
            email=email,
            kind=kind,
        )
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
