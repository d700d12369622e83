"""The provider's webhooks: only a verified one settles (R-PAY-5), once."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial

from chassis.refusals import Malformed
from payments.service_layer.ledger import fail, settle
from payments.service_layer.provider import InvalidWebhook, ProviderEvent
from payments.service_layer.unit_of_work import (
    DuplicateWebhook,
    PaymentsService,
    PaymentsUnitOfWork,
)

log = logging.getLogger(__name__)


async def _apply(svc: PaymentsService, event: ProviderEvent, uow: PaymentsUnitOfWork) -> str:
    """The provider event's id is recorded in the same transaction as its effect."""
    assert event.payment_id is not None
    await uow.webhook_events.record(
        f"{svc.provider.name}:{event.event_id}", event.payment_id, event.outcome, uow.now
    )
    payment = await uow.payments.require(event.payment_id)
    if event.amount_minor is not None and event.amount_minor != payment.total.minor:
        log.error("webhook amount %s ≠ payment %s", event.amount_minor, payment.id)
        return "amount-mismatch"
    if event.outcome == "succeeded":
        return await settle(svc, payment.id, uow, method=event.method)
    return await fail(payment.id, event.outcome, uow)  # type: ignore[arg-type]


async def handle_webhook(svc: PaymentsService, body: bytes, headers: Mapping[str, str]) -> str:
    try:
        event = svc.provider.parse_webhook(body, headers, svc.clock.now())
    except InvalidWebhook as exc:
        raise Malformed(str(exc), code="invalid-webhook") from None
    if event is None or event.outcome == "pending" or event.payment_id is None:
        return "ignored"
    jurisdiction_id = await svc.locate_payment(event.payment_id)
    if jurisdiction_id is None:
        log.warning("webhook for unknown payment %s ignored", event.payment_id)
        return "unknown-payment"
    try:
        return str(await svc.units.run(jurisdiction_id, partial(_apply, svc, event)))
    except DuplicateWebhook:
        return "duplicate"
