"""Payments' adapter for the sandbox provider (``deploy/sandboxpay``), over HTTP."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from payments.adapters.providers import signing
from payments.service_layer.provider import (
    CheckoutRequest,
    HostedCheckout,
    InvalidWebhook,
    Outcome,
    ProviderError,
    ProviderEvent,
    ProviderStatus,
)

OUTCOMES: dict[str, Outcome] = {
    "open": "pending",
    "succeeded": "succeeded",
    "declined": "declined",
    "canceled": "canceled",
    "expired": "expired",
}


class SandboxProvider:
    name = "sandbox"

    def __init__(
        self,
        base_url: str,
        api_key: str,
        webhook_secret: str,
        *,
        tolerance_seconds: int = 300,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.webhook_secret = webhook_secret
        self.tolerance = tolerance_seconds
        self.http = http or httpx.AsyncClient(timeout=10)
        self.headers = {"Authorization": f"Bearer {api_key}"}

    async def _call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            r = await self.http.request(
                method, f"{self.base_url}{path}", headers=self.headers, **kw
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"sandbox unreachable: {exc}") from exc
        if not r.is_success:
            raise ProviderError(f"sandbox refused {method} {path}: {r.status_code} {r.text}")
        return dict(r.json())

    async def create_checkout(self, request: CheckoutRequest) -> HostedCheckout:
        doc = await self._call(
            "POST",
            "/v1/checkouts",
            json={
                "payment_id": request.payment_id,
                "amount_minor": request.amount_minor,
                "currency": request.currency,
                "method": request.method,
                "description": request.description,
                "return_url": request.return_url,
                "expires_at": request.expires_at.isoformat(),
            },
        )
        return HostedCheckout(provider_ref=doc["id"], url=doc["url"])

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> ProviderEvent | None:
        signing.verify(self.webhook_secret, body, headers.get(signing.HEADER), now, self.tolerance)
        try:
            event = json.loads(body)
            kind = event["type"].removeprefix("checkout.")
            data = event["data"]
            if kind not in OUTCOMES.values():
                return None
            return ProviderEvent(
                event_id=event["id"],
                outcome=kind,
                payment_id=data["payment_id"],
                provider_ref=data["checkout_id"],
                method=data.get("method"),
                amount_minor=data.get("amount_minor"),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidWebhook(f"malformed event: {exc}") from exc

    async def status(self, provider_ref: str) -> ProviderStatus:
        doc = await self._call("GET", f"/v1/checkouts/{provider_ref}")
        return ProviderStatus(OUTCOMES[doc["status"]], doc.get("method"))

    async def expire(self, provider_ref: str) -> ProviderStatus:
        doc = await self._call("POST", f"/v1/checkouts/{provider_ref}/expire")
        return ProviderStatus(OUTCOMES[doc["status"]], doc.get("method"))

    async def refund(self, provider_ref: str, amount_minor: int, idempotency_key: str) -> str:
        doc = await self._call(
            "POST",
            "/v1/refunds",
            json={
                "checkout_id": provider_ref,
                "amount_minor": amount_minor,
                "idempotency_key": idempotency_key,
            },
        )
        return str(doc["id"])
