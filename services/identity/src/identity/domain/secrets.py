"""Credentials: passwords hashed with argon2id (pure computation, no I/O);
emailed secrets come from :mod:`chassis.links`."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chassis.links import new_scoped_token, split_scoped_token, token_hash

__all__ = [
    "hash_password",
    "new_scoped_token",
    "split_scoped_token",
    "token_hash",
    "verify_password",
]

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
