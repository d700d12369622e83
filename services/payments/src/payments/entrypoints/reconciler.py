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
from typing import Any, cast
from uuid import uuid4

from pymongo.asynchronous.database import AsyncDatabase

from chassis.leases import acquire_named_lease
from chassis.tracing import continued
from payments.domain.payment_status import OPEN, FailReason
from payments.service_layer.ledger import complete_refund, fail, settle
from payments.service_layer.provider import ProviderError, ProviderStatus
from payments.service_layer.unit_of_work import PaymentsService

log = logging.getLogger(__name__)
Doc = dict[str, Any]


class Reconciler:
    def __init__(
        self,
        svc: PaymentsService,
        db: AsyncDatabase[Doc],
        *,
        after_minutes: int,
        lease: timedelta = timedelta(minutes=5),
    ) -> None:
        self.svc = svc
        self.db = db
        self.after = timedelta(minutes=after_minutes)
        self.lease = lease
        self.owner = f"payments-{uuid4().hex[:12]}"

    async def run_once(self) -> dict[str, int]:
        now = self.svc.clock.now()
        if not await acquire_named_lease(
            self.db["leases"], "payments.reconcile", now=now, lease=self.lease, owner=self.owner
        ):
            return {}
        counts: Counter[str] = Counter()
        # Cross-tenant by nature (like the outbox relay); each change then goes
        # through the payment's own tenant-scoped unit of work.
        for status in OPEN:
            stale = self.db["payments"].find(
                {"status": status, "created_at": {"$lte": now - self.after}}
            )
            async for doc in stale:
                counts[await self._payment(doc)] += 1
        stuck = self.db["refunds"].find(
            {"status": "REQUESTED", "created_at": {"$lte": now - timedelta(minutes=1)}}
        )
        async for refund in stuck:
            done = await complete_refund(self.svc, refund["jurisdiction_id"], refund["_id"])
            counts["refund-" + done] += 1
        return dict(counts)

    async def _payment(self, doc: Doc) -> str:
        jurisdiction_id, pid = doc["jurisdiction_id"], doc["_id"]
        units = self.svc.units
        if doc["status"] == "CREATED" or not doc.get("provider_ref"):
            # The checkout request died before the provider answered: no payer
            # ever saw a payment page for it.
            return str(
                await units.run(jurisdiction_id, lambda uow: fail(pid, "provider-error", uow))
            )
        account = await self.svc.accounts.by_id(jurisdiction_id, doc.get("merchant_account_id"))
        try:
            status: ProviderStatus = await account.provider.status(doc["provider_ref"])
            if status.outcome == "pending" and self.svc.clock.now() >= doc["expires_at"]:
                status = await account.provider.expire(doc["provider_ref"])
        except ProviderError:
            log.warning("provider unreachable while reconciling %s", pid, exc_info=True)
            return "unreachable"
        if status.outcome == "pending":
            return "pending"
        with continued(f"payment {status.outcome}", doc.get("traceparent")):  # the checkout's
            if status.outcome == "succeeded":
                return str(
                    await units.run(
                        jurisdiction_id,
                        lambda uow: settle(self.svc, pid, uow, method=status.method),
                    )
                )
            # neither pending nor succeeded: declined, canceled or expired
            reason = cast(FailReason, status.outcome)
            return str(await units.run(jurisdiction_id, lambda uow: fail(pid, reason, uow)))

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
