"""The sandbox provider's state: checkouts, refunds and webhook deliveries."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from chassis.clock import Clock
from chassis.errors import Conflict, NotFound
from chassis.leases import NEVER, claim_one
from chassis.mongo import create_client
from contracts import webhook_signing as signing
from sandboxpay.settings import AccountIn, CheckoutIn, RefundIn, SandboxSettings

log = logging.getLogger(__name__)
Doc = dict[str, Any]


PLATFORM = "acct_platform"  # the account of SANDBOXPAY_API_KEY (the installation's)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


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
        await self.db["accounts"].create_index("api_key_hash", unique=True)
        await self.db["checkouts"].create_index("payment_id", unique=True)
        await self.db["refunds"].create_index("idempotency_key", unique=True)
        await self.db["webhooks"].create_index([("delivered", ASCENDING), ("due_at", ASCENDING)])

    # -- merchant accounts -----------------------------------------------------
    def platform(self) -> Doc:
        """The account of the configured API key (the installation's own)."""
        return {
            "_id": PLATFORM,
            "name": "platform",
            "webhook_url": self.settings.webhook_url,
            "webhook_secret": self.settings.webhook_secret.get_secret_value(),
        }

    async def account_of_key(self, api_key: str) -> Doc | None:
        """The account an API key is of; None: no account has that key."""
        platform = self.settings.api_key.get_secret_value()
        if secrets.compare_digest(api_key.encode(), platform.encode()):
            return self.platform()
        return await self.db["accounts"].find_one({"api_key_hash": _hash(api_key)})

    async def account(self, account_id: str) -> Doc:
        if account_id == PLATFORM:
            return self.platform()
        found = await self.db["accounts"].find_one({"_id": account_id})
        if found is None:
            raise NotFound("no such account")
        return found

    async def open_account(self, body: AccountIn) -> Doc:
        """A new merchant account: its keys are shown this once."""
        api_key, secret = "sk_sbx_" + secrets.token_hex(16), "whsec_" + secrets.token_hex(16)
        doc = {
            "_id": "acct_" + secrets.token_hex(8),
            "name": body.name,
            "webhook_url": body.webhook_url,
            "webhook_secret": secret,
            "api_key_hash": _hash(api_key),
            "created_at": self.clock.now(),
        }
        await self.db["accounts"].insert_one(doc)
        return {"id": doc["_id"], "api_key": api_key, "webhook_secret": secret}

    # -- checkouts ---------------------------------------------------------------
    async def create(self, body: CheckoutIn, base_url: str, account_id: str = PLATFORM) -> Doc:
        existing = await self.db["checkouts"].find_one({"payment_id": body.payment_id})
        if existing is None:
            doc = {
                "_id": "cs_" + secrets.token_hex(12),
                "account_id": account_id,
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
            "account_id": doc.get("account_id", PLATFORM),
        }

    async def get(self, checkout_id: str, account_id: str | None = None) -> Doc:
        """A checkout; ``account_id``: only that account's (another's is 404)."""
        doc = await self.db["checkouts"].find_one({"_id": checkout_id})
        if doc is None or account_id not in (None, doc.get("account_id", PLATFORM)):
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

    async def refund(self, body: RefundIn, account_id: str = PLATFORM) -> Doc:
        existing = await self.db["refunds"].find_one({"idempotency_key": body.idempotency_key})
        if existing is not None:
            return existing
        await self.get(body.checkout_id, account_id)  # only the account's own checkouts
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
                    "account_id": checkout.get("account_id", PLATFORM),
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
            account = await self.account(item.get("account_id", PLATFORM))
            headers = {
                "Content-Type": "application/json",
                signing.HEADER: signing.sign(account["webhook_secret"], body, now),
            }
            ok = False
            try:
                r = await self.http.post(account["webhook_url"], content=body, headers=headers)
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
