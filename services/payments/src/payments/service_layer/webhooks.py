"""The provider's webhooks: only a verified one settles (R-PAY-5), once."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial

from chassis.refusals import Malformed, Missing
from chassis.tracing import continued
from payments.service_layer.ledger import fail, settle
from payments.service_layer.provider import (
    INSTALLATION,
    InvalidWebhook,
    MerchantAccount,
    ProviderEvent,
)
from payments.service_layer.unit_of_work import (
    DuplicateWebhook,
    PaymentsService,
    PaymentsUnitOfWork,
)

log = logging.getLogger(__name__)


async def _apply(
    svc: PaymentsService, account: MerchantAccount, event: ProviderEvent, uow: PaymentsUnitOfWork
) -> str:
    """The provider event's id is recorded in the same transaction as its effect."""
    assert event.payment_id is not None
    await uow.webhook_events.record(
        f"{account.provider.name}:{event.event_id}", event.payment_id, event.outcome, uow.now
    )
    payment = await uow.payments.require(event.payment_id)
    if (payment.merchant_account_id or INSTALLATION) != account.id:
        raise Malformed(
            "this webhook's merchant account did not take this payment", code="wrong-account"
        )
    if event.amount_minor is not None and event.amount_minor != payment.total.minor:
        log.error("webhook amount %s ≠ payment %s", event.amount_minor, payment.id)
        return "amount-mismatch"
    with continued(f"payment {event.outcome}", payment.traceparent):  # the checkout's trace
        if event.outcome == "succeeded":
            return await settle(svc, payment.id, uow, method=event.method)
        return await fail(payment.id, event.outcome, uow)  # type: ignore[arg-type]


async def handle_webhook(
    svc: PaymentsService,
    provider: str,
    body: bytes,
    headers: Mapping[str, str],
    jurisdiction_id: str | None = None,
) -> str:
    """A provider's webhook, verified with the signing secret of the account it
    was sent for: a jurisdiction's own (``/v1/webhooks/payments/{provider}/{jid}``)
    or the installation's; it settles only a payment that account took."""
    account = await svc.accounts.of(jurisdiction_id) if jurisdiction_id else svc.accounts.default
    if account.provider.name != provider:
        raise Missing("no such provider for this account")
    try:
        event = account.provider.parse_webhook(body, headers, svc.clock.now())
    except InvalidWebhook as exc:
        raise Malformed(str(exc), code="invalid-webhook") from None
    if event is None or event.outcome == "pending" or event.payment_id is None:
        return "ignored"
    located = await svc.locate_payment(event.payment_id)
    if located is None or (jurisdiction_id is not None and located != jurisdiction_id):
        log.warning("webhook for unknown payment %s ignored", event.payment_id)
        return "unknown-payment"
    try:
        return str(await svc.units.run(located, partial(_apply, svc, account, event)))
    except DuplicateWebhook:
        return "duplicate"
