"""The sandbox provider's app: API, hosted page and webhook delivery."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import httpx
from fastapi import Depends, FastAPI, Form, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chassis.clock import Clock, configured_clock
from chassis.errors import (
    Conflict,
    Unauthorized,
    Unprocessable,
    field_error,
    install_problem_handlers,
)
from chassis.money import Money
from sandboxpay.page import PAGE
from sandboxpay.settings import AccountIn, CheckoutIn, RefundIn, SandboxSettings
from sandboxpay.store import PLATFORM, Sandbox

__all__ = ["Sandbox", "SandboxSettings", "create_sandbox_app"]
Doc = dict[str, Any]


async def merchant(request: Request, authorization: Annotated[str, Header()] = "") -> str:
    """The account whose API key the call carries."""
    sandbox: Sandbox = request.app.state.sandbox
    scheme, _, key = authorization.partition(" ")
    found = await sandbox.account_of_key(key) if scheme == "Bearer" and key else None
    if found is None:
        raise Unauthorized("a valid sandbox API key is required")
    return str(found["_id"])


Merchant = Annotated[str, Depends(merchant)]


def create_sandbox_app(
    settings: SandboxSettings | None = None,
    clock: Clock | None = None,
    http: httpx.AsyncClient | None = None,
    *,
    deliver_in_background: bool = True,
) -> FastAPI:
    settings = (settings or SandboxSettings()).checked()
    sandbox = Sandbox(settings, clock or configured_clock(), http)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await sandbox.ensure_indexes()
        stop = asyncio.Event()
        task = asyncio.create_task(sandbox.run(stop)) if deliver_in_background else None
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                await task
            await sandbox.client.close()

    app = FastAPI(
        title="Permitsuite sandbox payment provider",
        description="Test-mode hosted payments with signed webhooks. No real money moves.",
        lifespan=lifespan,
    )
    app.state.sandbox = sandbox
    install_problem_handlers(app)

    @app.get("/health/ready")
    async def ready() -> dict[str, str]:
        await sandbox.db.command("ping")
        return {"status": "ready"}

    @app.post("/v1/accounts", status_code=201)
    async def open_account(body: AccountIn, account: Merchant) -> Doc:
        """A merchant account for one jurisdiction, opened with the platform's key
        (as a provider's dashboard would); its API key and webhook secret, once."""
        if account != PLATFORM:
            raise Unauthorized("accounts are opened with the platform's API key")
        return await sandbox.open_account(body)

    @app.post("/v1/checkouts", status_code=201)
    async def create_checkout(body: CheckoutIn, request: Request, account: Merchant) -> Doc:
        return await sandbox.create(body, str(request.base_url), account)

    @app.get("/v1/checkouts/{checkout_id}")
    async def get_checkout(checkout_id: str, request: Request, account: Merchant) -> Doc:
        return sandbox.view(await sandbox.get(checkout_id, account), str(request.base_url))

    @app.post("/v1/checkouts/{checkout_id}/expire")
    async def expire_checkout(checkout_id: str, request: Request, account: Merchant) -> Doc:
        await sandbox.get(checkout_id, account)  # only the account's own
        doc = await sandbox.complete(checkout_id, "expire", None, deliver=True)
        return sandbox.view(doc, str(request.base_url))

    @app.post("/v1/refunds", status_code=201)
    async def create_refund(body: RefundIn, account: Merchant) -> Doc:
        doc = await sandbox.refund(body, account)
        return {"id": doc["_id"], "amount_minor": doc["amount_minor"]}

    @app.get("/pay/{checkout_id}", response_class=HTMLResponse)
    async def page(checkout_id: str) -> HTMLResponse:
        doc = await sandbox.get(checkout_id)
        amount = Money(doc["amount_minor"], doc.get("currency", "USD")).display()
        return HTMLResponse(PAGE.render(c=doc, amount=amount))

    @app.post("/pay/{checkout_id}")
    async def pay(
        checkout_id: str,
        action: Annotated[Literal["approve", "decline", "cancel"], Form()],
        method: Annotated[
            Literal["card", "echeck"] | None, Form(description="must match the checkout's")
        ] = None,
        webhook: Annotated[
            Literal["deliver", "drop"], Form(description="drop: lose the webhook (tests)")
        ] = "deliver",
    ) -> Response:
        doc = await sandbox.get(checkout_id)
        if doc["status"] != "open":
            raise Conflict(f"this checkout is already {doc['status']}")
        if method is not None and method != doc["method"]:
            raise Unprocessable(
                f"this checkout is for {doc['method']}",
                errors=[field_error("method", f"must be {doc['method']}")],
            )
        doc = await sandbox.complete(
            checkout_id, action, doc["method"], deliver=webhook == "deliver"
        )
        query = urlencode({"payment_id": doc["payment_id"], "outcome": doc["status"]})
        sep = "&" if "?" in doc["return_url"] else "?"
        return RedirectResponse(f"{doc['return_url']}{sep}{query}", status_code=303)

    return app
