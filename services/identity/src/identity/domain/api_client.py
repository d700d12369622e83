"""An API client (issue 26): another system of one jurisdiction — its GIS, its
finance ledger, a state reporting feed — that logs in with OAuth2 client
credentials instead of a person's password.

A jurisdiction's admin creates it with named scopes (``contracts.scopes``);
its secret is shown once and kept as a hash only. Rotating the secret or
revoking the client takes effect at once: the secret's generation is in
every token issued with it, and the gateway checks the client's standing on
each call (:func:`ApiClient.standing`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from chassis.aggregate import Aggregate
from chassis.refusals import Conflicting, Refused
from contracts.scopes import SCOPES

SECRET_PREFIX = "pscs_"
DEFAULT_RATE_LIMIT = 600  # requests a minute, at the gateway
MAX_RATE_LIMIT = 6000
MAX_CLIENTS = 50  # per jurisdiction
LAST_USED_EVERY = timedelta(minutes=1)  # last-used time is written at most this often


class ClientRefused(Refused):
    """A client's settings that the rules refuse, with the field named."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(message, parts=[(part, message)])


class ClientRevoked(Conflicting):
    code = "client-revoked"

    def __init__(self) -> None:
        super().__init__("this API client is revoked; create a new one")


def client_id(jurisdiction_id: str) -> str:
    """``<jurisdiction>.<random>``: the token endpoint finds the client's
    jurisdiction from its id alone (``chassis.links``)."""
    return f"{jurisdiction_id}.{uuid4().hex}"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """SHA-256 is enough: the secret is 256 random bits, not a password."""
    return hashlib.sha256(secret.encode()).hexdigest()


def checked_scopes(scopes: list[str]) -> list[str]:
    """Known scopes, at least one, each once (in the table's order)."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ClientRefused("scopes", f"unknown scopes {unknown}; known: {sorted(SCOPES)}")
    if not scopes:
        raise ClientRefused("scopes", "give at least one scope")
    return [s for s in SCOPES if s in scopes]


def checked_rate(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_RATE_LIMIT:
        raise ClientRefused(
            "rate_limit_per_minute", f"a whole number of requests a minute, 1 to {MAX_RATE_LIMIT}"
        )
    return value


def checked_name(value: Any) -> str:
    name = str(value or "").strip()
    if not name or len(name) > 200:
        raise ClientRefused("name", "a name of 1 to 200 characters")
    return name


CHECKS: dict[str, Any] = {
    "name": checked_name,
    "scopes": checked_scopes,
    "rate_limit_per_minute": checked_rate,
}


@dataclass(kw_only=True, eq=False)
class ApiClient(Aggregate):
    name: str
    scopes: list[str]
    secret_hash: str
    created_at: datetime
    created_by: str
    secret_version: int = 1
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    last_used_at: datetime | None = None
    touch_after: datetime | None = None  # when its last-used time may be written again
    status: str = "active"  # or "revoked"

    @classmethod
    def new(
        cls,
        *,
        jurisdiction_id: str,
        name: str,
        scopes: list[str],
        rate_limit_per_minute: int,
        by: str,
        at: datetime,
    ) -> tuple[ApiClient, str]:
        """The client and its secret, which leaves by this answer only."""
        secret = new_secret()
        client = cls(
            id=client_id(jurisdiction_id),
            jurisdiction_id=jurisdiction_id,
            name=checked_name(name),
            scopes=checked_scopes(scopes),
            rate_limit_per_minute=checked_rate(rate_limit_per_minute),
            secret_hash=secret_hash(secret),
            created_at=at,
            created_by=by,
            touch_after=at,
        )
        client._change()
        client._note(at=at, by=by, from_status=None, to="created", comment=None)
        return client, secret

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def accepts(self, secret: str) -> bool:
        """The current secret, compared in constant time; never once revoked."""
        return not self.revoked and hmac.compare_digest(secret_hash(secret), self.secret_hash)

    def standing(self, version: int) -> bool:
        """A token of this client may still be used: not revoked, and issued
        with the current secret (rotation ends the old secret's tokens)."""
        return not self.revoked and version == self.secret_version

    def granted(self, requested: str | None) -> list[str]:
        """The scopes a token gets: those asked for (RFC 6749 §3.3), which
        must be the client's, or all of them."""
        if not requested or not requested.strip():
            return list(self.scopes)
        asked = requested.split()
        if not set(asked) <= set(self.scopes):
            raise ClientRefused("scope", f"this client may have only {self.scopes}")
        return [s for s in self.scopes if s in asked]

    def update(self, changes: dict[str, Any], *, by: str, at: datetime) -> bool:
        if self.revoked:
            raise ClientRevoked()
        new = {k: CHECKS[k](v) for k, v in changes.items() if k in CHECKS}
        new = {k: v for k, v in new.items() if getattr(self, k) != v}
        if not new:
            return False
        self._set_fields(new, at=at, by=by, to="updated")
        return True

    def rotate(self, *, by: str, at: datetime) -> str:
        """A new secret; the old one, and every token it got, stop at once."""
        if self.revoked:
            raise ClientRevoked()
        secret = new_secret()
        self._change()
        self.secret_hash = secret_hash(secret)
        self.secret_version += 1
        self.rotated_at = at
        self._note(at=at, by=by, from_status=None, to="secret rotated", comment=None)
        return secret

    def revoke(self, *, by: str, at: datetime) -> bool:
        """For good: its secret and every token it holds stop at once."""
        if self.revoked:
            return False
        self._change()
        self.revoked_at, self.revoked_by, self.status = at, by, "revoked"
        self._note(at=at, by=by, from_status="active", to="revoked", comment=None)
        return True
