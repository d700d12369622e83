"""The payment provider port: one implementation per provider.

Payments talks to a provider only through :class:`PaymentProvider`. The
provider hosts the payment page (card data never touches Permitsuite), tells
payments the outcome through a signed webhook, answers status queries for
reconciliation and takes refunds. Every call that moves money carries an
idempotency key, so a retried call has one effect at the provider too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

Outcome = Literal["succeeded", "declined", "canceled", "expired", "pending"]


class ProviderError(Exception):
    """The provider could not be reached or refused the call."""


class InvalidWebhook(Exception):
    """A webhook whose signature, timestamp or body does not verify."""


@dataclass(frozen=True)
class CheckoutRequest:
    payment_id: str
    jurisdiction_id: str
    amount_minor: int
    currency: str
    method: str
    description: str
    return_url: str
    expires_at: datetime


@dataclass(frozen=True)
class HostedCheckout:
    provider_ref: str
    url: str


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook, mapped to what payments needs."""

    event_id: str
    outcome: Outcome
    payment_id: str | None
    provider_ref: str
    method: str | None = None
    amount_minor: int | None = None


@dataclass(frozen=True)
class ProviderStatus:
    outcome: Outcome
    method: str | None = None


class PaymentProvider(Protocol):
    name: str

    async def create_checkout(self, request: CheckoutRequest) -> HostedCheckout:
        """Create (idempotently, by ``payment_id``) a hosted payment page."""
        ...

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> ProviderEvent | None:
        """Verify and map a webhook; ``None`` for an event type payments ignores.
        Raises :class:`InvalidWebhook`."""
        ...

    async def status(self, provider_ref: str) -> ProviderStatus:
        """Where the checkout stands now (reconciliation)."""
        ...

    async def expire(self, provider_ref: str) -> ProviderStatus:
        """Close an open checkout so it can no longer be paid; returns the final
        status (it may have succeeded meanwhile)."""
        ...

    async def refund(self, provider_ref: str, amount_minor: int, idempotency_key: str) -> str:
        """Refund part or all of a succeeded checkout; returns the refund's reference."""
        ...
