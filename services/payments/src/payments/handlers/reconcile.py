"""Reconciliation (R-PAY-5): a lost webhook never leaves money taken and fees
unpaid. A periodic job — one replica at a time under a named lease, time from
the injectable clock — asks the provider about payments pending too long and
settles, fails or expires them, and finishes refunds a crash interrupted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import timedelta
from typing import Any
from uuid import uuid4

from chassis.leases import acquire_named_lease
from chassis.uow import Transaction
from payments.handlers.cart import PaymentsApp
from payments.handlers.ledger import OPEN_STATES, complete_refund, fail, settle
from payments.providers import ProviderError, ProviderStatus

log = logging.getLogger(__name__)
Doc = dict[str, Any]


class Reconciler:
    def __init__(self, app: PaymentsApp, *, lease: timedelta = timedelta(minutes=5)) -> None:
        self.app = app
        self.lease = lease
        self.owner = f"payments-{uuid4().hex[:12]}"

    async def run_once(self) -> dict[str, int]:
        rt = self.app.runtime
        now = rt.clock.now()
        if not await acquire_named_lease(
            rt.db["leases"], "payments.reconcile", now=now, lease=self.lease, owner=self.owner
        ):
            return {}
        counts: Counter[str] = Counter()
        cutoff = now - timedelta(minutes=self.app.settings.reconcile_after_minutes)
        # Cross-tenant by nature (like the outbox relay); each change then goes
        # through the payment's own tenant-scoped repositories.
        for status in OPEN_STATES:
            stale = rt.db["payments"].find({"status": status, "created_at": {"$lte": cutoff}})
            async for doc in stale:
                counts[await self._payment(doc)] += 1
        stuck = rt.db["refunds"].find(
            {"status": "REQUESTED", "created_at": {"$lte": now - timedelta(minutes=1)}}
        )
        async for refund in stuck:
            counts[
                "refund-"
                + await complete_refund(self.app, refund["jurisdiction_id"], refund["_id"])
            ] += 1
        return dict(counts)

    async def _payment(self, doc: Doc) -> str:
        rt = self.app.runtime
        jid, pid = doc["jurisdiction_id"], doc["_id"]
        if doc["status"] == "CREATED" or not doc.get("provider_ref"):
            # The checkout request died before the provider answered: no payer
            # ever saw a payment page for it.
            async def drop(tx: Transaction) -> str:
                return await fail(tx, jid, pid, "provider-error")

            return await rt.uow.run(drop)
        try:
            status: ProviderStatus = await self.app.provider.status(doc["provider_ref"])
            if status.outcome == "pending" and rt.clock.now() >= doc["expires_at"]:
                status = await self.app.provider.expire(doc["provider_ref"])
        except ProviderError:
            log.warning("provider unreachable while reconciling %s", pid, exc_info=True)
            return "unreachable"
        outcome = status.outcome
        if outcome == "pending":
            return "pending"

        async def work(tx: Transaction) -> str:
            if outcome == "succeeded":
                return await settle(tx, self.app, jid, pid, method=status.method)
            return await fail(tx, jid, pid, outcome)

        return await rt.uow.run(work)

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                result = await self.run_once()
                if any(result.values()):
                    log.info("reconciliation: %s", result)
            except Exception:
                log.exception("reconciliation failed; next round continues")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
