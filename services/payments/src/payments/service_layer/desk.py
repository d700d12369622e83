"""The cashier's desk: counter payments and refunds (staff: cashier, admin)."""

from __future__ import annotations

from functools import partial
from uuid import uuid4

from chassis.access import require_member, require_staff
from chassis.refusals import Missing
from payments.domain.cart import counter_summary
from payments.domain.payment import Payment
from payments.domain.refund import Refund
from payments.service_layer.commands import CounterPayment, RequestRefund
from payments.service_layer.ledger import complete_refund, settle
from payments.service_layer.unit_of_work import PaymentsService, PaymentsUnitOfWork

CASHIER_ROLES = ("cashier", "admin")


async def _take(svc: PaymentsService, cmd: CounterPayment, uow: PaymentsUnitOfWork) -> Payment:
    receivables = {w["permit_id"]: await uow.receivables.get(w["permit_id"]) for w in cmd.permits}
    currency = (await uow.settings.load())["currency"]
    payment = Payment.start(
        payment_id="pay_" + uuid4().hex,
        jurisdiction_id=uow.jurisdiction_id,
        channel="counter",
        summary=counter_summary(cmd.permits, receivables, cmd.method, currency),
        payer={"email": cmd.payer_email, "name": cmd.payer_name},
        account_id=None,
        at=uow.now,
        by=cmd.actor.account_id,
        reference=cmd.reference,
        taken_by=cmd.actor.account_id,
    )
    await uow.payments.add(payment)
    await settle(svc, payment.id, uow, method=cmd.method, on_conflict="raise")
    return await uow.payments.require(payment.id)


async def counter_payment(svc: PaymentsService, cmd: CounterPayment) -> Payment:
    """Cash or a check taken at the desk: settled at once, with a receipt."""
    require_staff(cmd.actor, cmd.jurisdiction_id, *CASHIER_ROLES)
    return await svc.units.run(cmd.jurisdiction_id, partial(_take, svc, cmd))


async def _request(svc: PaymentsService, cmd: RequestRefund, uow: PaymentsUnitOfWork) -> Refund:
    payment = await uow.payments.get(cmd.payment_id)
    if payment is None or not payment.visible_to(cmd.actor):
        raise Missing("no such payment")  # 404 before 403: the payer may see it
    require_staff(cmd.actor, uow.jurisdiction_id, *CASHIER_ROLES)
    line_ids, amount = payment.refund_request(cmd.line_ids)
    refund = Refund.request(
        jurisdiction_id=uow.jurisdiction_id,
        payment_id=payment.id,
        line_ids=line_ids,
        amount_minor=amount.minor,
        reason=cmd.reason,
        by=cmd.actor.account_id,
        at=uow.now,
    )
    await uow.refunds.add(refund)
    await uow.payments.save(payment)
    uow.after_commit(partial(complete_refund, svc, uow.jurisdiction_id, refund.id))
    return refund


async def request_refund(svc: PaymentsService, cmd: RequestRefund) -> Refund:
    """Whole (every line and the convenience fee) or per line; the lines are due
    again once the provider has taken it (right after the commit)."""
    require_member(cmd.actor, cmd.jurisdiction_id)
    requested = await svc.units.run(cmd.jurisdiction_id, partial(_request, svc, cmd))
    refund_id = requested.id
    return await svc.units.read(cmd.jurisdiction_id, lambda uow: uow.refunds.require(refund_id))
