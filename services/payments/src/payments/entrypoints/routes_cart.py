"""Routes: payment settings and the shopping cart (R-PAY-2/3/4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from chassis.api import Tenant
from chassis.errors import problem_responses
from chassis.problems import as_problem, at_index
from payments.domain.errors import NothingDue, UnknownMethod
from payments.entrypoints.dependencies import App
from payments.entrypoints.schemas import (
    CartItemIn,
    CartPermitsIn,
    CheckoutSummaryOut,
    PaymentSettingsIn,
    summary_out,
)
from payments.service_layer import cart
from payments.service_layer.commands import (
    AddPermitsToCart,
    AddToCart,
    PutSettings,
    RemoveFromCart,
)

router = APIRouter(tags=["payments"], responses=problem_responses(400, 401, 403, 404, 409, 422))


def _settings_out(doc: dict[str, Any]) -> PaymentSettingsIn:
    return PaymentSettingsIn(
        **{k: v for k, v in doc.items() if k in PaymentSettingsIn.model_fields}
    )


@router.get("/payment-settings", response_model=PaymentSettingsIn, summary="Online payment options")
async def get_settings(jurisdiction_id: str, app: App) -> PaymentSettingsIn:
    return _settings_out(
        await app.service.units.read(jurisdiction_id, lambda uow: uow.settings.load())
    )


@router.put(
    "/payment-settings",
    response_model=PaymentSettingsIn,
    summary="Configure online payments and convenience fees (staff admin)",
)
async def put_settings(
    jurisdiction_id: str, body: PaymentSettingsIn, user: Tenant, app: App
) -> PaymentSettingsIn:
    cmd = PutSettings(jurisdiction_id=jurisdiction_id, actor=user, body=body.model_dump())
    return _settings_out(await app.service.units.handle(cmd, cart.put_settings))


@router.post(
    "/cart/items", status_code=204, summary="Put a permit's open fees in my cart (R-PAY-3)"
)
async def add_item(jurisdiction_id: str, body: CartItemIn, user: Tenant, app: App) -> Response:
    cmd = AddToCart(
        jurisdiction_id=jurisdiction_id,
        actor=user,
        permit_id=body.permit_id,
        line_ids=body.line_ids,
    )
    try:
        await app.service.units.handle(cmd, cart.add_to_cart)
    except NothingDue as refused:  # the body's permit
        raise as_problem(refused, "permit_id") from refused
    return Response(status_code=204)


@router.post(
    "/cart/permits",
    status_code=204,
    summary="Pay All Fees: several permits' open fees in my cart at once, all or none (R-PAY-3)",
)
async def add_permits(
    jurisdiction_id: str, body: CartPermitsIn, user: Tenant, app: App
) -> Response:
    cmd = AddPermitsToCart(jurisdiction_id=jurisdiction_id, actor=user, permit_ids=body.permit_ids)
    try:
        await app.service.units.handle(cmd, cart.add_permits_to_cart)
    except NothingDue as refused:  # one of the body's permits
        raise as_problem(refused, at_index("permit_ids", refused)) from refused
    return Response(status_code=204)


@router.delete("/cart/items/{permit_id}", status_code=204, summary="Take a permit out of my cart")
async def remove_item(jurisdiction_id: str, permit_id: str, user: Tenant, app: App) -> Response:
    cmd = RemoveFromCart(jurisdiction_id=jurisdiction_id, actor=user, permit_id=permit_id)
    await app.service.units.handle(cmd, cart.remove_from_cart)
    return Response(status_code=204)


@router.get(
    "/cart",
    response_model=CheckoutSummaryOut,
    summary="Checkout summary: fees per permit, convenience fee, total due",
)
async def get_cart(
    jurisdiction_id: str,
    user: Tenant,
    app: App,
    method: str | None = Query(default=None, max_length=20),
) -> dict[str, Any]:
    try:
        found = await app.service.units.read(
            jurisdiction_id, lambda uow: cart.summary(user, method, uow)
        )
    except UnknownMethod as refused:  # the query's method
        raise as_problem(refused) from refused
    return summary_out(found)
