"""Routes: the cashier's desk — refunds, counter payments, payment search (staff)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chassis.api import PageQuery, Tenant
from chassis.errors import problem_responses
from chassis.timeparams import IsoDateTime
from payments.entrypoints.dependencies import App, CounterCall, RefundCall
from payments.entrypoints.schemas import (
    CounterPaymentIn,
    PaymentOut,
    PaymentPage,
    RefundIn,
    RefundOut,
    payment_doc,
    payment_out,
    refund_doc,
    refund_out,
)
from payments.service_layer import desk, views
from payments.service_layer.commands import CounterPayment, RequestRefund

router = APIRouter(tags=["payments"], responses=problem_responses(400, 401, 403, 404, 409, 422))


@router.post(
    "/payments/{payment_id}/refunds",
    status_code=201,
    response_model=RefundOut,
    summary="Refund a payment, whole or per line (staff: cashier, admin)",
)
async def refund(
    jurisdiction_id: str,
    payment_id: str,
    body: RefundIn,
    user: Tenant,
    app: App,
    call: RefundCall,
) -> RefundOut:
    cmd = RequestRefund(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        payment_id=payment_id,
        line_ids=body.line_ids,
        reason=body.reason,
    )
    return refund_out(
        await call.run(lambda: desk.request_refund(app.service, cmd), render=refund_doc)
    )


@router.post(
    "/counter-payments",
    status_code=201,
    response_model=PaymentOut,
    summary="Record cash or a check taken at the desk (staff: cashier, admin)",
)
async def counter_payment(
    jurisdiction_id: str, body: CounterPaymentIn, user: Tenant, app: App, call: CounterCall
) -> PaymentOut:
    data = body.model_dump(mode="json")
    cmd = CounterPayment(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        permits=data["permits"],
        method=body.method,
        payer_name=body.payer_name,
        payer_email=data["payer_email"],
        reference=body.reference,
    )
    taken = await call.run(lambda: desk.counter_payment(app.service, cmd), render=payment_doc)
    return payment_out(taken)


@router.get("/staff/payments", response_model=PaymentPage, summary="Search payments (staff)")
async def search_payments(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    paging: PageQuery,
    receipt: str | None = Query(default=None, max_length=40),
    permit: str | None = Query(default=None, max_length=60, description="permit number"),
    method: str | None = Query(default=None, max_length=20),
    status: str | None = Query(default=None, max_length=20),
    settled_from: IsoDateTime | None = Query(default=None, alias="from"),
    settled_to: IsoDateTime | None = Query(default=None, alias="to"),
) -> PaymentPage:
    docs, total, more = await app.service.units.read(
        jurisdiction_id,
        lambda uow: views.staff_search(
            uow,
            user,
            receipt_number=receipt,
            permit_number=permit,
            method=method,
            status=status,
            settled_from=settled_from,
            settled_to=settled_to,
            limit=paging.limit,
            offset=paging.offset,
        ),
    )
    return paging.page([payment_out(d) for d in docs], total, more)
