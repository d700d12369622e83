"""Checkout (R-PAY-3/5): the cart's lines reserved while the provider's hosted
payment page is open; the page opened outside the transaction."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import quote
from uuid import uuid4

from chassis.access import require_member
from chassis.refusals import Conflicting
from chassis.tracing import current_traceparent
from payments.domain.errors import CartEmpty, ProviderUnavailable
from payments.domain.payment import Payment
from payments.service_layer.cart import online_settings, summary
from payments.service_layer.commands import Checkout
from payments.service_layer.provider import (
    CheckoutRequest,
    HostedCheckout,
    MerchantAccount,
    ProviderError,
)
from payments.service_layer.unit_of_work import PaymentsService, PaymentsUnitOfWork

log = logging.getLogger(__name__)
Doc = dict[str, Any]


async def _create(
    svc: PaymentsService,
    cmd: Checkout,
    payment_id: str,
    account: MerchantAccount,
    uow: PaymentsUnitOfWork,
) -> Payment:
    cart = await summary(cmd.actor, cmd.method, uow)
    await online_settings(uow)
    if not cart.permits:
        raise CartEmpty()
    expected = cmd.expected_total_minor
    if expected is not None and cart.total_due.minor != expected:
        raise Conflicting(
            f"the total due for this method is now {cart.total_due} {cart.currency}, not "
            "what was shown; nothing was charged — check the summary and pay again",
            code="total-changed",
        )
    expires = uow.now + timedelta(minutes=svc.reservation_minutes)
    payment = Payment.start(
        payment_id=payment_id,
        jurisdiction_id=uow.jurisdiction_id,
        channel="online",
        summary=cart,
        payer={"email": cmd.actor.email, "name": None},
        account_id=cmd.actor.account_id,
        at=uow.now,
        by=cmd.actor.account_id,
        provider=account.provider.name,
        merchant_account_id=account.id,
        traceparent=current_traceparent()[0],  # settled later, in the same trace
        expires_at=expires,
    )
    await uow.reservations.hold(payment.line_keys, payment.id, until=expires, now=uow.now)
    await uow.payments.add(payment)
    return payment


async def start_checkout(svc: PaymentsService, cmd: Checkout) -> Payment:
    """The payment (CREATED, its lines reserved) commits first — with the
    request's Idempotency-Key — then the provider opens its page."""
    require_member(cmd.actor, cmd.jurisdiction_id)
    payment_id = "pay_" + uuid4().hex
    account = await svc.accounts.of(cmd.jurisdiction_id)  # its own, or the installation's
    created = await svc.units.run(
        cmd.jurisdiction_id, partial(_create, svc, cmd, payment_id, account)
    )
    return await open_with_provider(svc, created)


async def _undo(payment_id: str, uow: PaymentsUnitOfWork) -> None:
    payment = await uow.payments.require(payment_id)
    if payment.fail("provider-error", at=uow.now):
        await uow.reservations.release(payment_id)
        await uow.payments.save(payment)
    await uow.release_idempotency_key()  # nothing was charged: a retry starts afresh


async def _opened(payment_id: str, hosted: HostedCheckout, uow: PaymentsUnitOfWork) -> Payment:
    payment = await uow.payments.require(payment_id)
    if payment.opened(hosted.provider_ref, hosted.url, at=uow.now):
        await uow.payments.save(payment)
    return payment


async def open_with_provider(svc: PaymentsService, payment: Payment) -> Payment:
    jurisdiction_id, payment_id = payment.jurisdiction_id, payment.id
    assert payment.expires_at is not None, "an online payment is reserved until a time"
    numbers = ", ".join(i["number"] for i in payment.items)
    account = await svc.accounts.by_id(payment.jurisdiction_id, payment.merchant_account_id)
    try:
        hosted = await account.provider.create_checkout(
            CheckoutRequest(
                payment_id=payment_id,
                jurisdiction_id=jurisdiction_id,
                amount_minor=payment.total.minor,
                currency=payment.currency,
                method=payment.method or "",
                description=f"Permit fees: {numbers}",
                return_url=f"{svc.return_url}?jurisdiction={quote(jurisdiction_id)}",
                expires_at=payment.expires_at,
            )
        )
    except ProviderError:
        log.warning("provider refused checkout %s", payment_id, exc_info=True)
        await svc.units.run(jurisdiction_id, partial(_undo, payment_id))
        raise ProviderUnavailable(
            "the payment provider is unavailable; nothing was charged — try again"
        ) from None
    return await svc.units.run(jurisdiction_id, partial(_opened, payment_id, hosted))


async def current(svc: PaymentsService, replayed: Doc) -> Payment:
    """What a retried checkout answers: the payment as it is now. A payment
    still CREATED is either being opened by the first request (409) or was
    left so by a request that died midway (opened now)."""
    jurisdiction_id, payment_id = replayed["jurisdiction_id"], replayed["_id"]
    payment: Payment = await svc.units.read(
        jurisdiction_id, lambda uow: uow.payments.require(payment_id)
    )
    if payment.status != "CREATED" or payment.channel != "online":
        return payment
    age = svc.clock.now() - payment.created_at
    if age < timedelta(seconds=svc.in_progress_seconds):
        raise Conflicting(
            "a request with this Idempotency-Key is still being processed; retry shortly",
            code="idempotency-key-in-progress",
        )
    return await open_with_provider(svc, payment)
