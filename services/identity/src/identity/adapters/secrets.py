"""Passwords (argon2id) and opaque single-use secrets (links, refresh tokens)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-work check: an unknown account still costs one argon2 verify."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_scoped_token(jurisdiction_id: str) -> str:
    """``<jurisdiction>.<secret>``: the lookup stays tenant-scoped."""
    return f"{jurisdiction_id}.{secrets.token_urlsafe(32)}"


def split_scoped_token(token: str) -> tuple[str, str] | None:
    jurisdiction_id, sep, secret = token.partition(".")
    if not sep or not jurisdiction_id or len(secret) < 20:
        return None
    return jurisdiction_id, secret


def token_hash(token: str) -> str:
    """Stored instead of the token: a database leak does not leak live links."""
    return hashlib.sha256(token.encode()).hexdigest()
