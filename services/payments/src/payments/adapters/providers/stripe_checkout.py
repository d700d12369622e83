"""Stripe adapter: Checkout Sessions and webhook signatures with the official SDK.

Webhooks: ``checkout.session.completed`` with ``payment_status=paid`` and
``checkout.session.async_payment_succeeded`` settle; ``…async_payment_failed``
fails; ``checkout.session.expired`` expires; a completed session still
``unpaid`` (a bank debit in flight) stays pending. The session's
``client_reference_id`` is the Permitsuite payment id. Signatures are checked
by ``stripe.WebhookSignature``; the replay window is measured with
Permitsuite's clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import stripe

from payments.service_layer.provider import (
    CheckoutRequest,
    HostedCheckout,
    InvalidWebhook,
    Outcome,
    ProviderError,
    ProviderEvent,
    ProviderStatus,
)

METHOD_TYPES = {"card": ["card"], "echeck": ["us_bank_account"]}


def _session_outcome(session: Any) -> Outcome:
    if session.get("payment_status") in ("paid", "no_payment_required"):
        return "succeeded"
    if session.get("status") == "expired":
        return "expired"
    return "pending"


def _method(session: Any) -> str | None:
    return (session.get("metadata") or {}).get("method")


class StripeProvider:
    name = "stripe"

    def __init__(
        self,
        api_key: str,
        webhook_secret: str,
        *,
        tolerance_seconds: int = 300,
        client: stripe.StripeClient | None = None,
    ) -> None:
        self.client = client or stripe.StripeClient(api_key, max_network_retries=2)
        self.webhook_secret = webhook_secret
        self.tolerance = tolerance_seconds

    async def create_checkout(self, request: CheckoutRequest) -> HostedCheckout:
        sep = "&" if "?" in request.return_url else "?"
        params: Any = {
            "mode": "payment",
            "client_reference_id": request.payment_id,
            "payment_method_types": METHOD_TYPES.get(request.method, ["card"]),
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount_minor,
                        "product_data": {"name": request.description[:250]},
                    },
                }
            ],
            "metadata": {
                "payment_id": request.payment_id,
                "jurisdiction_id": request.jurisdiction_id,
                "method": request.method,
            },
            "expires_at": int(request.expires_at.timestamp()),
            "success_url": f"{request.return_url}{sep}outcome=succeeded",
            "cancel_url": f"{request.return_url}{sep}outcome=canceled",
        }
        try:
            session = await self.client.v1.checkout.sessions.create_async(
                params=params,
                options={"idempotency_key": f"checkout-{request.payment_id}"},
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return HostedCheckout(provider_ref=session.id, url=str(session.url))

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> ProviderEvent | None:
        header = headers.get("Stripe-Signature")
        try:
            stripe.WebhookSignature.verify_header(body, header, self.webhook_secret)
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"the signature does not verify: {exc.user_message}") from exc
        timestamp = next(
            (int(p[2:]) for p in (header or "").split(",") if p.startswith("t=")), None
        )
        if timestamp is None or abs(now.timestamp() - timestamp) > self.tolerance:
            raise InvalidWebhook("the signature's timestamp is outside the replay window")
        try:
            event = json.loads(body)
            session = event["data"]["object"]
            kind = event["type"]
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidWebhook(f"malformed event: {exc}") from exc
        outcome: Outcome
        if kind == "checkout.session.completed":
            outcome = _session_outcome(session)
        elif kind == "checkout.session.async_payment_succeeded":
            outcome = "succeeded"
        elif kind == "checkout.session.async_payment_failed":
            outcome = "declined"
        elif kind == "checkout.session.expired":
            outcome = "expired"
        else:
            return None
        return ProviderEvent(
            event_id=event["id"],
            outcome=outcome,
            payment_id=session.get("client_reference_id"),
            provider_ref=session["id"],
            method=_method(session),
            amount_minor=session.get("amount_total"),
        )

    async def status(self, provider_ref: str) -> ProviderStatus:
        try:
            session = await self.client.v1.checkout.sessions.retrieve_async(provider_ref)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return ProviderStatus(_session_outcome(session), _method(session))

    async def expire(self, provider_ref: str) -> ProviderStatus:
        try:
            session = await self.client.v1.checkout.sessions.expire_async(provider_ref)
        except stripe.InvalidRequestError:
            return await self.status(provider_ref)  # already complete or expired
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return ProviderStatus(_session_outcome(session), _method(session))

    async def refund(self, provider_ref: str, amount_minor: int, idempotency_key: str) -> str:
        try:
            session = await self.client.v1.checkout.sessions.retrieve_async(provider_ref)
            refund = await self.client.v1.refunds.create_async(
                params={"payment_intent": str(session.payment_intent), "amount": amount_minor},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return str(refund.id)
