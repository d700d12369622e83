"""Provider adapters offline: signatures and event mapping (R-PAY-5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import stripe

from payments.adapters.providers import signing
from payments.adapters.providers.sandbox import SandboxProvider
from payments.adapters.providers.stripe_checkout import StripeProvider
from payments.service_layer.provider import InvalidWebhook

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SECRET = "whsec_test_0123456789"


def stripe_event(kind: str, **session: Any) -> bytes:
    obj = {
        "id": "cs_test_1",
        "object": "checkout.session",
        "client_reference_id": "pay_1",
        "amount_total": 105470,
        "payment_status": "paid",
        "status": "complete",
        "metadata": {"method": "card", "payment_id": "pay_1"},
        **session,
    }
    return json.dumps({"id": "evt_1", "type": kind, "data": {"object": obj}}).encode()


def stripe_headers(body: bytes, at: datetime = NOW, secret: str = SECRET) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode(), secret, int(at.timestamp())
    )
    return {"Stripe-Signature": header}


@pytest.fixture
def provider() -> StripeProvider:
    return StripeProvider("sk_test_offline", SECRET, tolerance_seconds=300)


def test_stripe_completed_paid_session_settles(provider: StripeProvider) -> None:
    body = stripe_event("checkout.session.completed")
    event = provider.parse_webhook(body, stripe_headers(body), NOW)
    assert event is not None
    assert (event.outcome, event.payment_id, event.provider_ref) == (
        "succeeded",
        "pay_1",
        "cs_test_1",
    )
    assert event.amount_minor == 105470 and event.method == "card"


@pytest.mark.parametrize(
    ("kind", "session", "outcome"),
    [
        ("checkout.session.completed", {"payment_status": "unpaid"}, "pending"),
        ("checkout.session.async_payment_succeeded", {}, "succeeded"),
        ("checkout.session.async_payment_failed", {"payment_status": "unpaid"}, "declined"),
        ("checkout.session.expired", {"status": "expired", "payment_status": "unpaid"}, "expired"),
    ],
)
def test_stripe_event_mapping(
    provider: StripeProvider, kind: str, session: dict[str, Any], outcome: str
) -> None:
    body = stripe_event(kind, **session)
    event = provider.parse_webhook(body, stripe_headers(body), NOW)
    assert event is not None and event.outcome == outcome


def test_stripe_other_events_are_ignored(provider: StripeProvider) -> None:
    body = stripe_event("customer.created")
    assert provider.parse_webhook(body, stripe_headers(body), NOW) is None


def test_stripe_bad_signature_tampered_body_and_stale_timestamp_are_refused(
    provider: StripeProvider,
) -> None:
    body = stripe_event("checkout.session.completed")
    with pytest.raises(InvalidWebhook):
        provider.parse_webhook(body, stripe_headers(body, secret="whsec_other"), NOW)
    with pytest.raises(InvalidWebhook):
        provider.parse_webhook(body.replace(b"105470", b"1"), stripe_headers(body), NOW)
    with pytest.raises(InvalidWebhook):
        provider.parse_webhook(body, {}, NOW)
    old = stripe_headers(body, NOW - timedelta(minutes=6))
    with pytest.raises(InvalidWebhook, match="replay window"):
        provider.parse_webhook(body, old, NOW)
    assert provider.parse_webhook(body, stripe_headers(body, NOW - timedelta(minutes=4)), NOW)


def test_sandbox_signature_round_trip_and_refusals() -> None:
    provider = SandboxProvider("http://sandbox", "key", SECRET)
    body = json.dumps(
        {
            "id": "evt_9",
            "type": "checkout.succeeded",
            "data": {"checkout_id": "cs_9", "payment_id": "pay_9", "method": "echeck"},
        }
    ).encode()
    good = {signing.HEADER: signing.sign(SECRET, body, NOW)}
    event = provider.parse_webhook(body, good, NOW + timedelta(seconds=299))
    assert event is not None and event.outcome == "succeeded" and event.method == "echeck"
    with pytest.raises(InvalidWebhook, match="replay window"):
        provider.parse_webhook(body, good, NOW + timedelta(seconds=301))
    with pytest.raises(InvalidWebhook, match="does not match"):
        provider.parse_webhook(body + b" ", good, NOW)
    with pytest.raises(InvalidWebhook, match="missing"):
        provider.parse_webhook(body, {}, NOW)
    with pytest.raises(InvalidWebhook, match="timestamp"):
        provider.parse_webhook(body, {signing.HEADER: "v1=abc"}, NOW)
