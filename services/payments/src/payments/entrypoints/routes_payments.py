"""Routes: checkout, my payments (Paid Items), one payment and its receipt."""

from __future__ import annotations

from fastapi import APIRouter, Query

from chassis.api import PageQuery, Tenant
from chassis.errors import problem_responses
from chassis.problems import as_problem
from payments.domain.errors import UnknownMethod
from payments.entrypoints.dependencies import App, CheckoutCall
from payments.entrypoints.schemas import (
    CheckoutIn,
    PaymentOut,
    PaymentPage,
    payment_doc,
    payment_out,
)
from payments.service_layer import abandon, checkout, views
from payments.service_layer.commands import Checkout

router = APIRouter(tags=["payments"], responses=problem_responses(400, 401, 403, 404, 409, 422))


@router.post(
    "/checkout",
    status_code=201,
    response_model=PaymentOut,
    summary="Pay the cart: reserve its fees and get the hosted payment page (R-PAY-3/5)",
    responses=problem_responses(503),
)
async def start_checkout(
    jurisdiction_id: str, body: CheckoutIn, user: Tenant, app: App, call: CheckoutCall
) -> PaymentOut:
    cmd = Checkout(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        method=body.method,
        expected_total_minor=body.expected_total_minor,
    )
    try:
        doc = await call.run(lambda: checkout.start_checkout(app.service, cmd), render=payment_doc)
    except UnknownMethod as refused:  # the body's method
        raise as_problem(refused) from refused
    if call.replayed:
        return payment_out(await checkout.current(app.service, doc))
    return payment_out(doc)


@router.get("/payments", response_model=PaymentPage, summary="My payments (Paid Items)")
async def list_my_payments(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    paging: PageQuery,
    paid_only: bool = Query(default=True, description="false: failed checkouts too"),
) -> PaymentPage:
    docs, total = await app.service.units.read(
        jurisdiction_id,
        lambda uow: views.my_payments(
            uow, user, paid_only=paid_only, limit=paging.limit, offset=paging.offset
        ),
    )
    return paging.page([payment_out(d) for d in docs], total)


@router.get("/payments/{payment_id}", response_model=PaymentOut, summary="One payment")
async def get_payment(jurisdiction_id: str, payment_id: str, user: Tenant, app: App) -> PaymentOut:
    return payment_out(
        await app.service.units.read(
            jurisdiction_id, lambda uow: views.get_payment(uow, user, payment_id)
        )
    )


@router.post(
    "/payments/{payment_id}/cancel",
    response_model=PaymentOut,
    summary="Cancel my open checkout: its page expires and its fees are free again",
    description="Only for the payer's own payment while CREATED or PENDING (else 409). If the "
    "provider reports it paid after all, the answer is the settled payment. 503 when the "
    "provider does not answer (nothing changed).",
    responses=problem_responses(503),
)
async def cancel_checkout(
    jurisdiction_id: str, payment_id: str, user: Tenant, app: App
) -> PaymentOut:
    doc = await abandon.cancel_checkout(app.service, user, jurisdiction_id, payment_id)
    return payment_out(doc)


@router.get(
    "/payments/{payment_id}/receipt",
    response_model=PaymentOut,
    summary="A settled payment's receipt",
)
async def get_receipt(jurisdiction_id: str, payment_id: str, user: Tenant, app: App) -> PaymentOut:
    return payment_out(
        await app.service.units.read(
            jurisdiction_id, lambda uow: views.receipt(uow, user, payment_id)
        )
    )
