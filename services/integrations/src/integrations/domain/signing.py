"""What a webhook delivery carries (Standard Webhooks): the event as a
CloudEvent in JSON, and the headers that identify and sign it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from standardwebhooks.webhooks import Webhook

from integrations.domain.webhooks import signing_secrets

Doc = dict[str, Any]
INTERNAL = ("_id", "position", "stored_at", "jurisdiction_id")


def payload(event: Doc) -> bytes:
    """The body of a delivery: the event as a CloudEvent (JSON), as in the feed."""
    body = {"id": event["_id"], **{k: v for k, v in event.items() if k not in INTERNAL}}
    return json.dumps(body, separators=(",", ":"), default=str).encode()


def signed_headers(event_id: str, body: bytes, held: list[Doc], now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers: every live secret signs (a rotation's overlap)."""
    text = body.decode()
    signatures = " ".join(Webhook(s).sign(event_id, now, text) for s in signing_secrets(held, now))
    return {
        "content-type": "application/json",
        "user-agent": "Permitsuite-Webhooks/1",
        "webhook-id": event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signatures,
    }
