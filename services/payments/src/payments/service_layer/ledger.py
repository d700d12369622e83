"""The payment ledger: settlement, failure and refunds (R-PAY-5).

Every change is one transaction over the payment, its reserved fee lines and
the receivables, with its events in the outbox. Settlement is idempotent by
the payment's status; a charged payment whose lines were meanwhile paid by
someone else is refunded automatically, never applied twice.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Literal

from chassis.aggregate import SYSTEM
from chassis.refusals import Conflicting
from payments.domain.payment import Payment
from payments.domain.payment_status import SETTLED, FailReason
from payments.domain.refund import Refund
from payments.service_layer.provider import ProviderError
from payments.service_layer.unit_of_work import PaymentsService, PaymentsUnitOfWork

log = logging.getLogger(__name__)


async def _taken(uow: PaymentsUnitOfWork, payment: Payment) -> list[tuple[str, str | None]]:
    receivables = {i["permit_id"]: await uow.receivables.get(i["permit_id"]) for i in payment.items}
    holders = {line: await uow.reservations.holder(*line, uow.now) for line in payment.line_keys}
    return payment.taken_lines(receivables, holders)


async def settle(
    svc: PaymentsService,
    payment_id: str,
    uow: PaymentsUnitOfWork,
    *,
    method: str | None,
    on_conflict: Literal["refund", "raise"] = "refund",
) -> str:
    """Pay the payment's lines, number its receipt, publish ``PaymentSettled`` — once."""
    payment = await uow.payments.get(payment_id)
    if payment is None:
        return "unknown"
    if payment.status in SETTLED:
        return "already-settled"
    taken = await _taken(uow, payment)
    if taken and on_conflict == "raise":
        numbers = ", ".join(sorted({n for n, _ in taken}))
        raise Conflicting(
            f"fees of {numbers} are paid or being paid already", code="fees-not-payable"
        )
    if taken:
        return await _refund_whole(svc, uow, payment, taken, method)
    for item in payment.items:
        receivable = await uow.receivables.require(item["permit_id"])
        receivable.pay([ln["line_id"] for ln in item["lines"]], payment.id)
        await uow.receivables.save(receivable)
    await uow.reservations.release(payment.id)
    payment.settle(await uow.receipts.next_number(uow.now.year), method=method, at=uow.now)
    await uow.payments.save(payment)
    if payment.account_id:
        await uow.carts.drop(payment.account_id, [item["permit_id"] for item in payment.items])
    return "settled"


async def _refund_whole(
    svc: PaymentsService,
    uow: PaymentsUnitOfWork,
    payment: Payment,
    taken: list[tuple[str, str | None]],
    method: str | None,
) -> str:
    """The provider charged a payment whose fees another payment has paid or
    holds (R-PAY-5, two payers at once): give all of it back, tell both."""
    other_id = next((pid for _, pid in taken if pid), None)
    other = await uow.payments.get(other_id) if other_id else None
    numbers = ", ".join(sorted({n for n, _ in taken}))
    refund = Refund.request(
        jurisdiction_id=payment.jurisdiction_id,
        payment_id=payment.id,
        line_ids=[],
        amount_minor=payment.total.minor,
        reason=f"the fees of {numbers} were paid by another payment",
        by=SYSTEM,
        at=uow.now,
        automatic=True,
        other_payer_email=other.payer.get("email") if other else None,
    )
    await uow.refunds.add(refund)
    await uow.reservations.release(payment.id)
    payment.charged_but_taken(refund.id, method=method, at=uow.now)
    await uow.payments.save(payment)
    uow.after_commit(partial(complete_refund, svc, payment.jurisdiction_id, refund.id))
    return "refunding"


async def fail(payment_id: str, reason: FailReason, uow: PaymentsUnitOfWork) -> str:
    """End an open checkout without money taken: its lines are free again."""
    payment = await uow.payments.get(payment_id)
    if payment is None or not payment.fail(reason, at=uow.now):
        return "ignored"  # settled, already failed, or unknown: nothing to undo
    await uow.reservations.release(payment_id)
    await uow.payments.save(payment)
    return "failed"


async def _pending_refund(refund_id: str, uow: PaymentsUnitOfWork) -> tuple[Refund, Payment] | None:
    refund = await uow.refunds.get(refund_id)
    if refund is None or refund.status != "REQUESTED":
        return None
    return refund, await uow.payments.require(refund.payment_id)


async def _record_refund(refund_id: str, provider_ref: str | None, uow: PaymentsUnitOfWork) -> str:
    refund = await uow.refunds.require(refund_id)
    if not refund.done(provider_ref, at=uow.now):
        return "nothing-to-do"
    await uow.refunds.save(refund)
    payment = await uow.payments.require(refund.payment_id)
    for item in payment.items:
        receivable = await uow.receivables.get(item["permit_id"])
        for lid in set(refund.line_ids) & {ln["line_id"] for ln in item["lines"]}:
            if receivable is not None:
                receivable.reopen(lid, payment.id)
        if receivable is not None:
            await uow.receivables.save(receivable)
    payment.refunded(refund, at=uow.now)
    await uow.payments.save(payment)
    return "refunded"


async def complete_refund(svc: PaymentsService, jurisdiction_id: str, refund_id: str) -> str:
    """Take a requested refund to the provider (idempotently, keyed by the
    refund id), then record it and publish ``PaymentRefunded``. A crash in
    between leaves it REQUESTED; reconciliation finishes it."""
    pending = await svc.units.read(jurisdiction_id, partial(_pending_refund, refund_id))
    if pending is None:
        return "nothing-to-do"
    refund, payment = pending
    provider_ref = None
    if payment.channel == "online":
        account = await svc.accounts.by_id(jurisdiction_id, payment.merchant_account_id)
        try:  # to the account the payment was made on, whichever is current now
            provider_ref = await account.provider.refund(
                payment.provider_ref or "", refund.amount_minor, idempotency_key=refund_id
            )
        except ProviderError:
            log.warning("refund %s not taken by the provider yet; will retry", refund_id)
            return "retry"
    return str(
        await svc.units.run(jurisdiction_id, partial(_record_refund, refund_id, provider_ref))
    )
