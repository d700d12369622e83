"""Emailed secrets (confirmation, invitation, reset, resume links, refresh tokens).

A token has the form ``<jurisdiction>.<random>``: looking it up stays
tenant-scoped even though the caller has no session. Only its SHA-256 is
stored, so a database leak does not leak live links.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime


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
