"""The sandbox provider's app: API, hosted page and webhook delivery."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
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
from sandboxpay.settings import CheckoutIn, RefundIn, SandboxSettings
from sandboxpay.store import Sandbox

__all__ = ["Sandbox", "SandboxSettings", "create_sandbox_app"]
Doc = dict[str, Any]


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

    def api_key(authorization: Annotated[str, Header()] = "") -> None:
        expected = f"Bearer {settings.api_key.get_secret_value()}"
        if not secrets.compare_digest(authorization.encode(), expected.encode()):
            raise Unauthorized("a valid sandbox API key is required")

    auth = Depends(api_key)

    @app.get("/health/ready")
    async def ready() -> dict[str, str]:
        await sandbox.db.command("ping")
        return {"status": "ready"}

    @app.post("/v1/checkouts", dependencies=[auth], status_code=201)
    async def create_checkout(body: CheckoutIn, request: Request) -> Doc:
        return await sandbox.create(body, str(request.base_url))

    @app.get("/v1/checkouts/{checkout_id}", dependencies=[auth])
    async def get_checkout(checkout_id: str, request: Request) -> Doc:
        return sandbox.view(await sandbox.get(checkout_id), str(request.base_url))

    @app.post("/v1/checkouts/{checkout_id}/expire", dependencies=[auth])
    async def expire_checkout(checkout_id: str, request: Request) -> Doc:
        doc = await sandbox.complete(checkout_id, "expire", None, deliver=True)
        return sandbox.view(doc, str(request.base_url))

    @app.post("/v1/refunds", dependencies=[auth], status_code=201)
    async def create_refund(body: RefundIn) -> Doc:
        doc = await sandbox.refund(body)
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
