"""The sandbox provider's app: API, hosted page and webhook delivery."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import httpx
from fastapi import Depends, FastAPI, Form, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, select_autoescape
from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from chassis.clock import Clock, SystemClock
from chassis.errors import (
    Conflict,
    NotFound,
    Unauthorized,
    Unprocessable,
    field_error,
    install_problem_handlers,
)
from chassis.leases import NEVER, claim_one
from chassis.mongo import create_client
from chassis.settings import require_real_secret
from payments.adapters.providers import signing

log = logging.getLogger(__name__)
Doc = dict[str, Any]
FINAL = ("succeeded", "declined", "canceled", "expired")


class SandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOXPAY_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = 8190
    public_base_url: str = Field(default="", description="the hosted page's base (default: own)")
    mongodb_url: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    database: str = "sandboxpay"
    api_key: SecretStr = SecretStr("")
    webhook_url: str = Field(default="", description="where webhooks go (payments' endpoint)")
    webhook_secret: SecretStr = SecretStr("")
    copies: int = Field(default=1, ge=1, le=10, description=">1: deliver each event N times")
    retry_base_seconds: float = Field(default=1.0, gt=0)
    retry_max_seconds: float = Field(default=300.0, gt=0)
    deliver_interval_seconds: float = Field(default=0.2, gt=0)

    def checked(self) -> SandboxSettings:
        require_real_secret(self.api_key, "SANDBOXPAY_API_KEY")
        require_real_secret(self.webhook_secret, "SANDBOXPAY_WEBHOOK_SECRET")
        return self


class CheckoutIn(BaseModel):
    payment_id: str = Field(min_length=1, max_length=100)
    amount_minor: int = Field(gt=0)
    currency: str = Field(pattern="^[A-Z]{3}$")
    method: Literal["card", "echeck"] | str
    description: str = Field(max_length=500)
    return_url: str = Field(max_length=2000)
    expires_at: datetime


class RefundIn(BaseModel):
    checkout_id: str
    amount_minor: int = Field(gt=0)
    idempotency_key: str = Field(min_length=1, max_length=200)


PAGE = Environment(autoescape=select_autoescape(default=True)).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox payment</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto}
button{margin:.3rem;padding:.5rem 1rem}</style></head>
<body>
<h1>Sandbox payment</h1>
<p><em>Test mode: no real money moves.</em></p>
<p>{{ c.description }}</p>
<p><strong>{{ amount }} {{ c.currency }}</strong></p>
{% if c.status == "open" %}
<form method="post" action="/pay/{{ c._id }}">
  <p>Pay by {{ "electronic check" if c.method == "echeck" else "card" }}
  (chosen at checkout; its convenience fee is included).</p>
  <p>
  <button name="action" value="approve">Approve</button>
  <button name="action" value="decline">Decline</button>
  <button name="action" value="cancel">Cancel</button>
  </p>
</form>
{% else %}
<p>This checkout is {{ c.status }}.</p>
{% endif %}
</body></html>"""
)


class Sandbox:
    def __init__(
        self, settings: SandboxSettings, clock: Clock, http: httpx.AsyncClient | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.client = create_client(settings.mongodb_url, app_name="sandboxpay")
        self.db = self.client[settings.database]
        self.http = http or httpx.AsyncClient(timeout=10)
        self.owner = f"sandbox-{secrets.token_hex(4)}"

    async def ensure_indexes(self) -> None:
        await self.db["checkouts"].create_index("payment_id", unique=True)
        await self.db["refunds"].create_index("idempotency_key", unique=True)
        await self.db["webhooks"].create_index([("delivered", ASCENDING), ("due_at", ASCENDING)])

    # -- checkouts ---------------------------------------------------------------
    async def create(self, body: CheckoutIn, base_url: str) -> Doc:
        existing = await self.db["checkouts"].find_one({"payment_id": body.payment_id})
        if existing is None:
            doc = {
                "_id": "cs_" + secrets.token_hex(12),
                **body.model_dump(),
                "status": "open",
                "created_at": self.clock.now(),
                "refunded_minor": 0,
            }
            try:
                await self.db["checkouts"].insert_one(doc)
                existing = doc
            except DuplicateKeyError:  # a concurrent retry of the same payment
                existing = await self.db["checkouts"].find_one({"payment_id": body.payment_id})
        assert existing is not None
        return self.view(existing, base_url)

    def view(self, doc: Doc, base_url: str) -> Doc:
        base = (self.settings.public_base_url or base_url).rstrip("/")
        return {
            "id": doc["_id"],
            "url": f"{base}/pay/{doc['_id']}",
            "status": doc["status"],
            "method": doc.get("paid_method"),
            "payment_id": doc["payment_id"],
            "amount_minor": doc["amount_minor"],
        }

    async def get(self, checkout_id: str) -> Doc:
        doc = await self.db["checkouts"].find_one({"_id": checkout_id})
        if doc is None:
            raise NotFound("no such checkout")
        if doc["status"] == "open" and _aware(doc["expires_at"]) <= self.clock.now():
            return await self.complete(checkout_id, "expire", None, deliver=True)
        return doc

    async def complete(
        self, checkout_id: str, action: str, method: str | None, *, deliver: bool
    ) -> Doc:
        status = {
            "approve": "succeeded",
            "decline": "declined",
            "cancel": "canceled",
            "expire": "expired",
        }[action]
        doc = await self.db["checkouts"].find_one_and_update(
            {"_id": checkout_id, "status": "open"},
            {
                "$set": {
                    "status": status,
                    "paid_method": method,
                    "completed_at": self.clock.now(),
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            current = await self.db["checkouts"].find_one({"_id": checkout_id})
            if current is None:
                raise NotFound("no such checkout")
            return current
        if deliver:
            await self.enqueue(f"checkout.{status}", doc)
        return doc

    async def refund(self, body: RefundIn) -> Doc:
        existing = await self.db["refunds"].find_one({"idempotency_key": body.idempotency_key})
        if existing is not None:
            return existing
        checkout = await self.db["checkouts"].find_one_and_update(
            {
                "_id": body.checkout_id,
                "status": "succeeded",
                "$expr": {
                    "$lte": [{"$add": ["$refunded_minor", body.amount_minor]}, "$amount_minor"]
                },
            },
            {"$inc": {"refunded_minor": body.amount_minor}},
        )
        if checkout is None:
            raise Conflict("nothing refundable: not succeeded, or more than was paid")
        doc = {
            "_id": "re_" + secrets.token_hex(12),
            "checkout_id": body.checkout_id,
            "amount_minor": body.amount_minor,
            "idempotency_key": body.idempotency_key,
            "created_at": self.clock.now(),
        }
        await self.db["refunds"].insert_one(doc)
        return doc

    # -- webhooks ---------------------------------------------------------------
    async def enqueue(self, event_type: str, checkout: Doc) -> None:
        now = self.clock.now()
        body = json.dumps(
            {
                "id": "evt_" + secrets.token_hex(12),
                "type": event_type,
                "created": int(now.timestamp()),
                "data": {
                    "checkout_id": checkout["_id"],
                    "payment_id": checkout["payment_id"],
                    "amount_minor": checkout["amount_minor"],
                    "currency": checkout["currency"],
                    "method": checkout.get("paid_method"),
                },
            }
        )
        await self.db["webhooks"].insert_many(
            [
                {
                    "body": body,
                    "due_at": now,
                    "order": random.random(),
                    "delivered": False,
                    "attempts": 0,
                    "lease_until": NEVER,
                    "created_at": now,
                }
                for _ in range(self.settings.copies)
            ]
        )

    async def deliver_due(self) -> int:
        """Deliver every due webhook once; failures are retried later with
        exponential backoff. Returns how many were acknowledged."""
        acked = 0
        while True:
            now = self.clock.now()
            item = await claim_one(
                self.db["webhooks"],
                {"delivered": False, "due_at": {"$lte": now}},
                now=now,
                lease=timedelta(seconds=30),
                owner=self.owner,
                sort_field="order",
            )
            if item is None:
                return acked
            body = item["body"].encode()
            headers = {
                "Content-Type": "application/json",
                signing.HEADER: signing.sign(
                    self.settings.webhook_secret.get_secret_value(), body, now
                ),
            }
            ok = False
            try:
                r = await self.http.post(self.settings.webhook_url, content=body, headers=headers)
                ok = r.is_success
            except httpx.HTTPError:
                log.info("webhook delivery failed; will retry", exc_info=True)
            if ok:
                acked += 1
                await self.db["webhooks"].update_one(
                    {"_id": item["_id"]}, {"$set": {"delivered": True, "delivered_at": now}}
                )
            else:
                delay = min(
                    self.settings.retry_base_seconds * 2 ** (item["attempts"] - 1),
                    self.settings.retry_max_seconds,
                )
                await self.db["webhooks"].update_one(
                    {"_id": item["_id"]},
                    {"$set": {"due_at": now + timedelta(seconds=delay), "lease_until": NEVER}},
                )
                return acked

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.deliver_due()
            except Exception:
                log.exception("webhook delivery loop failed; continuing")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.deliver_interval_seconds)


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def create_sandbox_app(
    settings: SandboxSettings | None = None,
    clock: Clock | None = None,
    http: httpx.AsyncClient | None = None,
    *,
    deliver_in_background: bool = True,
) -> FastAPI:
    settings = (settings or SandboxSettings()).checked()
    sandbox = Sandbox(settings, clock or SystemClock(), http)

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
        amount = f"{doc['amount_minor'] / 100:,.2f}"
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
