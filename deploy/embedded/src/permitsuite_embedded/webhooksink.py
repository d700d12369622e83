"""The embedded stack's webhook receiver, beside the dev mailbox: a new user
sees a jurisdiction's deliveries arrive (``GET /dev/webhooks`` on the
gateway), each checked with the endpoint's secret as a receiver would check it
(the ``standardwebhooks`` package). The demo seeding makes an endpoint here
for the demo jurisdiction and leaves its secret in ``--webhook-secrets``."""

from __future__ import annotations

import json
import threading
from collections import deque
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from chassis.clock import SystemClock

KEPT = 500  # the newest deliveries, in memory


class WebhookSink:
    def __init__(self, secrets: Path | None) -> None:
        self.secrets = secrets
        self.received: deque[dict[str, Any]] = deque(maxlen=KEPT)
        self.lock = threading.Lock()

    def secret(self, name: str) -> str | None:
        if self.secrets is None or not self.secrets.exists():
            return None
        found = json.loads(self.secrets.read_text()).get(name)
        return str(found) if found else None

    def take(self, name: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        secret = self.secret(name)
        verified: bool | None = None
        if secret is not None:
            try:
                Webhook(secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
        try:
            event: Any = json.loads(body)
        except ValueError:
            event = body.decode(errors="replace")
        item = {
            "endpoint": name,
            "received_at": SystemClock().now().isoformat(),
            "webhook_id": headers.get("webhook-id"),
            "webhook_timestamp": headers.get("webhook-timestamp"),
            "signature_verified": verified,
            "event": event,
        }
        with self.lock:
            self.received.appendleft(item)
        return item


def router(sink: WebhookSink) -> APIRouter:
    api = APIRouter()

    @api.post("/webhooks/{name}", status_code=204)
    async def receive(name: str, request: Request) -> Response:
        sink.take(name, await request.body(), dict(request.headers))
        return Response(status_code=204)

    @api.get("/webhooks")
    async def received() -> list[dict[str, Any]]:
        with sink.lock:
            return list(sink.received)

    return api
