"""Step 1 of R-REG-2: the emailed confirmation that opens a draft — its own
aggregate, a single-use, expiring link (``chassis.links.EmailedLink``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chassis.links import EmailedLink
from contracts.registration import RegistrationEmailConfirmationRequested


@dataclass(kw_only=True, eq=False)
class EmailConfirmation(EmailedLink):
    """Step 1 of R-REG-2: a single-use, expiring link that opens a draft."""

    email: str

    @classmethod
    def request(
        cls,
        *,
        jurisdiction_id: str,
        email: str,
        token: str,
        token_hash: str,
        at: datetime,
        expires_at: datetime,
    ) -> EmailConfirmation:
        sent = cls._open(
            jurisdiction_id=jurisdiction_id,
            token_hash=token_hash,
            at=at,
            expires_at=expires_at,
            email=email,
        )
        sent._record(
            RegistrationEmailConfirmationRequested(
                start_id=sent.id,
                jurisdiction_id=jurisdiction_id,
                email=email,
                token=token,
                expires_at=expires_at,
            )
        )
        return sent
