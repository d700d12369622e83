"""Payments' HTTP routes (settings, cart, checkout summary)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from chassis.auth import CurrentUser
from chassis.errors import problem_responses
from payments.handlers import cart
from payments.handlers.cart import PaymentsApp

router = APIRouter(
    prefix="/v1/jurisdictions/{jurisdiction_id}",
    tags=["payments"],
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)


def get_app(request: Request) -> PaymentsApp:
    return request.app.state.payments  # type: ignore[no-any-return]


App = Annotated[PaymentsApp, Depends(get_app)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MethodIn(Strict):
    code: str = Field(min_length=1, max_length=20, examples=["card"])
    label: str = Field(min_length=1, max_length=100, examples=["Credit Card - 3%"])
    fee_percent: str = Field(default="0", pattern=r"^\d+(\.\d+)?$")
    fee_flat: str = Field(default="0", pattern=r"^\d+(\.\d+)?$")
    fee_min: str | None = Field(default=None, pattern=r"^\d+(\.\d+)?$")
    fee_max: str | None = Field(default=None, pattern=r"^\d+(\.\d+)?$")


class PaymentSettingsIn(Strict):
    online_payments: bool = False
    currency: str = Field(default="USD", pattern="^[A-Z]{3}$")
    fee_label: str = Field(default="Convenience fee", max_length=100, examples=["Access Idaho Fee"])
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
