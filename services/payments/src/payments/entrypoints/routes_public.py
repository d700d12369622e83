"""Routes outside any jurisdiction: the provider's webhook, the return page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from chassis.errors import problem_responses
from payments.entrypoints.dependencies import App
from payments.service_layer import webhooks

public = APIRouter(tags=["payments"], responses=problem_responses(400))


@public.post(
    "/v1/webhooks/payments/{provider}",
    summary="Provider webhook for the installation's merchant account (signed)",
    responses=problem_responses(404),
)
async def webhook(provider: str, request: Request, app: App) -> dict[str, str]:
    body = await request.body()
    return {"result": await webhooks.handle_webhook(app.service, provider, body, request.headers)}


@public.post(
    "/v1/webhooks/payments/{provider}/{jurisdiction_id}",
    summary="Provider webhook for a jurisdiction's own merchant account (signed with its secret)",
    responses=problem_responses(404),
)
async def account_webhook(
    provider: str, jurisdiction_id: str, request: Request, app: App
) -> dict[str, str]:
    body = await request.body()
    result = await webhooks.handle_webhook(
        app.service, provider, body, request.headers, jurisdiction_id
    )
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
