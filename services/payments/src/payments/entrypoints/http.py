"""Payments' HTTP routes (settings, cart, checkout summary)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, EmailStr, Field

from chassis.auth import CurrentUser
from chassis.errors import NotFound, problem_responses
from chassis.idempotency import Idempotency, IdempotentCall
from chassis.numbers import CurrencyCode, MoneyText, PercentText
from chassis.paging import Offset
from chassis.schemas import Strict
from payments.handlers import cart, history
from payments.handlers import checkout as checkout_handlers
from payments.handlers.cart import PaymentsApp

router = APIRouter(
    prefix="/v1/jurisdictions/{jurisdiction_id}",
    tags=["payments"],
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)


def get_app(request: Request) -> PaymentsApp:
    return request.app.state.payments  # type: ignore[no-any-return]


App = Annotated[PaymentsApp, Depends(get_app)]


RefundCall = Annotated[IdempotentCall, Depends(Idempotency("payments.refund"))]


class MethodIn(Strict):
    code: str = Field(min_length=1, max_length=20, examples=["card"])
    label: str = Field(min_length=1, max_length=100, examples=["Credit Card - 3%"])
    fee_percent: PercentText = "0"
    fee_flat: MoneyText = "0"
    fee_min: MoneyText | None = None
    fee_max: MoneyText | None = None
    borne_by: Literal["payer", "jurisdiction"] = Field(
        default="payer", description="who pays the convenience fee"
    )


class PaymentSettingsIn(Strict):
    online_payments: bool = False
    currency: CurrencyCode = "USD"
    fee_label: str = Field(default="Convenience fee", max_length=100, examples=["Access Idaho Fee"])
    rounding_rule: Literal["half-up-cent-once-per-line.v1", "half-even-cent-once-per-line.v1"] = (
        Field(default="half-up-cent-once-per-line.v1", description="recorded on every payment")
    )
    methods: list[MethodIn] = Field(default_factory=list)


class CartItemIn(Strict):
    permit_id: str = Field(min_length=1, max_length=60)
    line_ids: list[str] | None = Field(default=None, description="default: every open line")


def _money(minor: int) -> str:
    return f"{Decimal(minor) / 100:.2f}"


@router.get("/payment-settings", response_model=PaymentSettingsIn, summary="Online payment options")
async def get_settings(jurisdiction_id: str, app: App) -> PaymentSettingsIn:
    doc = await cart.load_settings(app, jurisdiction_id)
    return PaymentSettingsIn(
        **{k: v for k, v in doc.items() if k in PaymentSettingsIn.model_fields}
    )


@router.put(
    "/payment-settings",
    response_model=PaymentSettingsIn,
    summary="Configure online payments and convenience fees (staff admin)",
)
async def put_settings(
    jurisdiction_id: str, body: PaymentSettingsIn, user: CurrentUser, app: App
) -> PaymentSettingsIn:
    doc = await cart.put_settings(app, user, jurisdiction_id, body.model_dump())
    return PaymentSettingsIn(
        **{k: v for k, v in doc.items() if k in PaymentSettingsIn.model_fields}
    )


@router.post(
    "/cart/items", status_code=204, summary="Put a permit's open fees in my cart (R-PAY-3)"
)
async def add_item(jurisdiction_id: str, body: CartItemIn, user: CurrentUser, app: App) -> Response:
    await cart.add_to_cart(app, user, jurisdiction_id, body.permit_id, body.line_ids)
    return Response(status_code=204)


@router.delete("/cart/items/{permit_id}", status_code=204, summary="Take a permit out of my cart")
async def remove_item(
    jurisdiction_id: str, permit_id: str, user: CurrentUser, app: App
) -> Response:
    await cart.remove_from_cart(app, user, jurisdiction_id, permit_id)
    return Response(status_code=204)


@router.get("/cart", summary="Checkout summary: fees per permit, convenience fee, total due")
async def get_cart(
    jurisdiction_id: str,
    user: CurrentUser,
    app: App,
    method: str | None = Query(default=None, max_length=20),
) -> dict[str, Any]:
    s = await cart.summary(app, user, jurisdiction_id, method)
    for permit in s["permits"]:
        permit["subtotal"] = _money(permit["subtotal_minor"])
        for line in permit["lines"]:
            line["amount"] = _money(line["amount_minor"])
    s.update(
        total_fees=_money(s["total_fees_minor"]),
        convenience_fee=_money(s["convenience_fee_minor"]),
        total_due=_money(s["total_due_minor"]),
    )
    return s


# -- checkout, payments, receipts, refunds, counter payments, webhooks ---------------------------
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="required: one value per intended payment, the same on retry",
    ),
]


class CheckoutIn(Strict):
    method: str = Field(min_length=1, max_length=20, examples=["card"])


class LineOut(BaseModel):
    line_id: str
    name: str
    amount: str
    amount_minor: int
    refunded: bool = False


class ItemOut(BaseModel):
    permit_id: str
    number: str
    address: str | None = None
    lines: list[LineOut]


class RefundOut(BaseModel):
    id: str
    amount: str
    reason: str
    automatic: bool
    status: str
    line_ids: list[str]
    created_at: datetime


class PaymentOut(BaseModel):
    id: str
    status: str = Field(
        description="CREATED, PENDING (on the provider's page), SETTLED, FAILED, "
        "REFUNDING, PARTIALLY_REFUNDED, REFUNDED"
    )
    channel: str
    method: str | None
    hosted_url: str | None = Field(default=None, description="send the payer here (PENDING)")
    receipt_number: str | None = None
    items: list[ItemOut]
    fees: str
    convenience_fee: str
    convenience_fee_label: str | None = None
    total: str
    refunded: str
    currency: str
    rounding_rule: str
    payer_email: str | None = None
    payer_name: str | None = None
    failure_reason: str | None = None
    created_at: datetime
    expires_at: datetime | None = None
    settled_at: datetime | None = None
    refunds: list[RefundOut] = Field(default_factory=list)


class PaymentPage(BaseModel):
    items: list[PaymentOut]
    total: int
    limit: int
    offset: int


class RefundIn(Strict):
    line_ids: list[str] | None = Field(default=None, description="default: the whole payment")
    reason: str = Field(min_length=3, max_length=500)


class CounterPermitIn(Strict):
    permit_id: str = Field(min_length=1, max_length=60)
    line_ids: list[str] | None = None


class CounterPaymentIn(Strict):
    permits: list[CounterPermitIn] = Field(min_length=1, max_length=50)
    method: Literal["cash", "check", "card-present"]
    reference: str | None = Field(default=None, max_length=100, description="check number…")
    payer_name: str = Field(min_length=1, max_length=200)
    payer_email: EmailStr | None = None


def payment_out(doc: dict[str, Any]) -> PaymentOut:
    return PaymentOut(
        id=doc["_id"],
        status=doc["status"],
        channel=doc["channel"],
        method=doc.get("method"),
        hosted_url=doc.get("hosted_url") if doc["status"] == "PENDING" else None,
        receipt_number=doc.get("receipt_number"),
        items=[
            ItemOut(
                permit_id=i["permit_id"],
                number=i["number"],
                address=i.get("address"),
                lines=[
                    LineOut(
                        line_id=ln["line_id"],
                        name=ln["name"],
                        amount=_money(ln["amount_minor"]),
                        amount_minor=ln["amount_minor"],
                        refunded=bool(ln.get("refunded")),
                    )
                    for ln in i["lines"]
                ],
            )
            for i in doc["items"]
        ],
        fees=_money(doc["fees_minor"]),
        convenience_fee=_money(doc["convenience_fee_minor"]),
        convenience_fee_label=doc.get("convenience_fee_label"),
        total=_money(doc["total_minor"]),
        refunded=_money(doc.get("refunded_minor", 0)),
        currency=doc["currency"],
        rounding_rule=doc["rounding_rule"],
        payer_email=doc["payer"].get("email"),
        payer_name=doc["payer"].get("name"),
        failure_reason=doc.get("failure_reason"),
        created_at=doc["created_at"],
        expires_at=doc.get("expires_at"),
        settled_at=doc.get("settled_at"),
        refunds=[
            RefundOut(
                id=r["_id"],
                amount=_money(r["amount_minor"]),
                reason=r["reason"],
                automatic=r["automatic"],
                status=r["status"],
                line_ids=r["line_ids"],
                created_at=r["created_at"],
            )
            for r in doc.get("refunds", [])
        ],
    )


def _replayed(response: Response, replayed: bool) -> None:
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"


@router.post(
    "/checkout",
    status_code=201,
    response_model=PaymentOut,
    summary="Pay the cart: reserve its fees and get the hosted payment page (R-PAY-3/5)",
)
async def checkout(
    jurisdiction_id: str,
    body: CheckoutIn,
    user: CurrentUser,
    app: App,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> PaymentOut:
    doc, replayed = await checkout_handlers.start_checkout(
        app, user, jurisdiction_id, idempotency_key, body.model_dump()
    )
    _replayed(response, replayed)
    return payment_out(doc)


@router.get("/payments", response_model=PaymentPage, summary="My payments (Paid Items)")
async def list_my_payments(
    jurisdiction_id: str,
    user: CurrentUser,
    app: App,
    paid_only: bool = Query(default=True, description="false: failed checkouts too"),
    limit: int = Query(default=50, ge=1, le=200),
    offset: Offset = 0,
) -> PaymentPage:
    docs, total = await history.my_payments(
        app, user, jurisdiction_id, paid_only=paid_only, limit=limit, offset=offset
    )
    return PaymentPage(
        items=[payment_out(d) for d in docs], total=total, limit=limit, offset=offset
    )


@router.get("/payments/{payment_id}", response_model=PaymentOut, summary="One payment")
async def get_payment(
    jurisdiction_id: str, payment_id: str, user: CurrentUser, app: App
) -> PaymentOut:
    return payment_out(await history.get_payment(app, user, jurisdiction_id, payment_id))


@router.get(
    "/payments/{payment_id}/receipt",
    response_model=PaymentOut,
    summary="A settled payment's receipt",
)
async def get_receipt(
    jurisdiction_id: str, payment_id: str, user: CurrentUser, app: App
) -> PaymentOut:
    return payment_out(await history.receipt(app, user, jurisdiction_id, payment_id))


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
    user: CurrentUser,
    app: App,
    call: RefundCall,
) -> RefundOut:
    r = await call.run(
        lambda: checkout_handlers.request_refund(
            app, user, jurisdiction_id, payment_id, body.line_ids, body.reason
        )
    )
    return RefundOut(
        id=r["_id"],
        amount=_money(r["amount_minor"]),
        reason=r["reason"],
        automatic=r["automatic"],
        status=r["status"],
        line_ids=r["line_ids"],
        created_at=r["created_at"],
    )


@router.post(
    "/counter-payments",
    status_code=201,
    response_model=PaymentOut,
    summary="Record cash or a check taken at the desk (staff: cashier, admin)",
)
async def counter_payment(
    jurisdiction_id: str,
    body: CounterPaymentIn,
    user: CurrentUser,
    app: App,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> PaymentOut:
    doc, replayed = await checkout_handlers.counter_payment(
        app, user, jurisdiction_id, idempotency_key, body.model_dump(mode="json")
    )
    _replayed(response, replayed)
    return payment_out(doc)


@router.get("/staff/payments", response_model=PaymentPage, summary="Search payments (staff)")
async def search_payments(
    jurisdiction_id: str,
    user: CurrentUser,
    app: App,
    receipt: str | None = Query(default=None, max_length=40),
    permit: str | None = Query(default=None, max_length=60, description="permit number"),
    method: str | None = Query(default=None, max_length=20),
    status: str | None = Query(default=None, max_length=20),
    settled_from: datetime | None = Query(default=None, alias="from"),
    settled_to: datetime | None = Query(default=None, alias="to"),
    limit: int = Query(default=50, ge=1, le=200),
    offset: Offset = 0,
) -> PaymentPage:
    docs, total = await history.staff_search(
        app,
        user,
        jurisdiction_id,
        receipt_number=receipt,
        permit_number=permit,
        method=method,
        status=status,
        settled_from=settled_from,
        settled_to=settled_to,
        limit=limit,
        offset=offset,
    )
    return PaymentPage(
        items=[payment_out(d) for d in docs], total=total, limit=limit, offset=offset
    )


public = APIRouter(tags=["payments"], responses=problem_responses(400))


@public.post(
    "/v1/webhooks/payments/{provider}",
    summary="Provider webhook (signed; the only way an online payment settles)",
    responses=problem_responses(404),
)
async def webhook(provider: str, request: Request, app: App) -> dict[str, str]:
    if provider != app.provider.name:
        raise NotFound("no such provider")
    result = await checkout_handlers.handle_webhook(app, await request.body(), request.headers)
    return {"result": result}


@public.get(
    "/v1/payments/return",
    response_class=HTMLResponse,
    summary="Where the hosted page sends the payer back (informational only)",
)
async def payment_return() -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><title>Payment submitted</title><h1>Thank you</h1>"
        "<p>We are confirming your payment with the processor. Your receipt appears "
        "under Paid Items and by email once it is confirmed.</p>"
    )
