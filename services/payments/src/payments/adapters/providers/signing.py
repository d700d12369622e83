"""The sandbox provider's webhook signatures (``contracts.webhook_signing``),
failing as payments' :class:`InvalidWebhook`."""

from __future__ import annotations

from datetime import datetime

from contracts.webhook_signing import HEADER, SignatureError, sign
from payments.service_layer.provider import InvalidWebhook

__all__ = ["HEADER", "sign", "verify"]


def verify(secret: str, body: bytes, header: str | None, now: datetime, tolerance: int) -> None:
    from contracts import webhook_signing

    try:
        webhook_signing.verify(secret, body, header, now, tolerance)
    except SignatureError as exc:
        raise InvalidWebhook(str(exc)) from None
