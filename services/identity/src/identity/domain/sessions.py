"""Who may log in, and the refresh tokens that keep a session going
(rotation, reuse detection, ending every session on a password change)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from chassis.clock import as_utc

ACTIVE = "active"


@dataclass(frozen=True, kw_only=True)
class LoginAttempt:
    """What a password grant found; unknown account and wrong password look
    the same to the caller."""

    account_found: bool
    operator: bool
    jurisdiction_id: str | None
    membership_status: str | None
    password_ok: bool
    pin_ok: bool  # a usable first-login PIN was given instead (R-ID-2)

    @property
    def allowed(self) -> bool:
        if not self.account_found:
            return False
        if self.jurisdiction_id is None:  # the platform: operators only
            return self.password_ok and self.operator
        if self.pin_ok:
            return self.membership_status in ("invited", ACTIVE)
        return self.password_ok and self.membership_status == ACTIVE


@dataclass(kw_only=True)
class RefreshToken:
    """One refresh token of a family (a login and its rotations), stored hashed."""

    id: str
    token_hash: str
    family_id: str
    account_id: str
    account_version: int  # the account's token version when issued
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked: bool = False

    @classmethod
    def new(
        cls,
        *,
        token_hash: str,
        account_id: str,
        account_version: int,
        at: datetime,
        lifetime: timedelta,
        family_id: str | None = None,
    ) -> RefreshToken:
        return cls(
            id=str(uuid4()),
            token_hash=token_hash,
            family_id=family_id or str(uuid4()),
            account_id=account_id,
            account_version=account_version,
            created_at=at,
            expires_at=at + lifetime,
        )

    def live(self, now: datetime) -> bool:
        return not self.revoked and now < as_utc(self.expires_at)

    @property
    def reused(self) -> bool:
        """Presented again after it was rotated: someone else holds the family."""
        return self.used_at is not None

    def outlived(self, token_version: int) -> bool:
        """The password changed since it was issued: every session ended."""
        return self.account_version != token_version
