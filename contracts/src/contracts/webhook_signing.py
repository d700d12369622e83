"""Webhook signatures between the sandbox payment provider and payments:
HMAC-SHA256 over ``"<timestamp>.<body>"``, sent as
``Sandbox-Signature: t=<unix>,v1=<hex>`` (the scheme Stripe uses). A timestamp
outside the tolerance is refused, so a captured request cannot be replayed."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

HEADER = "Sandbox-Signature"


class SignatureError(ValueError):
    """A signature that is missing, malformed, wrong or too old."""


def sign(secret: str, body: bytes, at: datetime) -> str:
    timestamp = int(at.timestamp())
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, body: bytes, header: str | None, now: datetime, tolerance: int) -> None:
    if not header:
        raise SignatureError(f"missing {HEADER} header")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise SignatureError("the signature has no timestamp") from None
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise SignatureError("the signature does not match")
    if abs(now.timestamp() - timestamp) > tolerance:
        raise SignatureError("the signature's timestamp is outside the replay window")
