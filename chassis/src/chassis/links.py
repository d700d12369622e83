"""Emailed secrets (confirmation, invitation, reset, resume links, refresh tokens).

A token has the form ``<jurisdiction>.<random>``: looking it up stays
tenant-scoped even though the caller has no session. Only its SHA-256 is
stored, so a database leak does not leak live links.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import uuid4

from chassis.aggregate import Aggregate
from chassis.clock import as_utc


def new_scoped_token(jurisdiction_id: str) -> str:
    return f"{jurisdiction_id}.{secrets.token_urlsafe(32)}"


def split_scoped_token(token: str) -> tuple[str, str] | None:
    """``(jurisdiction, secret)``, or None for anything that is not such a token."""
    jurisdiction_id, sep, secret = token.partition(".")
    if not sep or not jurisdiction_id or len(secret) < 20:
        return None
    return jurisdiction_id, secret


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_usable(*, used_at: datetime | None, expires_at: datetime, now: datetime) -> bool:
    """A link works once and only until it expires."""
    return used_at is None and now < expires_at


@dataclass(kw_only=True, eq=False)
class EmailedLink(Aggregate):
    """An aggregate that is an emailed, single-use, expiring link (only its
    token's hash is kept). Subclasses add their fields and the event that
    sends the link."""

    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def _open(
        cls: type[L],
        *,
        jurisdiction_id: str,
        token_hash: str,
        at: datetime,
        expires_at: datetime,
        **fields: Any,
    ) -> L:
        link = cls(
            id=str(uuid4()),
            jurisdiction_id=jurisdiction_id,
            token_hash=token_hash,
            created_at=at,
            expires_at=expires_at,
            **fields,
        )
        link._change()
        return link

    def usable(self, now: datetime) -> bool:
        return link_usable(used_at=self.used_at, expires_at=as_utc(self.expires_at), now=now)

    def use(self, now: datetime) -> bool:
        """Once, and only until it expires."""
        if not self.usable(now):
            return False
        self._change()
        self.used_at = now
        return True


L = TypeVar("L", bound=EmailedLink)
