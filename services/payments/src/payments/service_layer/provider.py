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
from typing import Any, Literal, Protocol

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


INSTALLATION = "installation"
"""The account of a jurisdiction without one of its own: the installation's
(``PAYMENTS_PROVIDER_API_KEY``)."""


@dataclass(frozen=True)
class MerchantAccount:
    """Where payments are paid into, and the provider client that speaks for
    it: its keys are its own, and so is its webhook signing secret."""

    id: str
    provider: PaymentProvider


class MerchantAccounts(Protocol):
    """Each jurisdiction's merchant account (issue 25): its new payments go to
    its own account if it has one, else to the installation's; a payment
    stays with the account it was made on (refunds, reconciliation), even
    after the jurisdiction changes accounts."""

    default: MerchantAccount

    async def of(self, jurisdiction_id: str) -> MerchantAccount:
        """The account a jurisdiction's new payments go to."""
        ...

    async def by_id(self, jurisdiction_id: str, account_id: str | None) -> MerchantAccount:
        """The jurisdiction's account a payment was made on (None: the installation's)."""
        ...

    async def current(self, jurisdiction_id: str) -> dict[str, Any] | None:
        """The record of the jurisdiction's own account now (its keys sealed), if any."""
        ...

    async def replace(
        self,
        jurisdiction_id: str,
        *,
        provider: str,
        api_key: str,
        webhook_secret: str,
        label: str | None,
        by: str,
        at: datetime,
    ) -> dict[str, Any]:
        """A new account of the jurisdiction, current from now on; the old ones are kept."""
        ...

    async def retire(self, jurisdiction_id: str, *, by: str, at: datetime) -> bool:
        """New payments go to the installation's account again; False: they did already."""
        ...
