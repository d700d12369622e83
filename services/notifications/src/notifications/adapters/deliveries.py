"""Email deliveries: recorded in the consumer's transaction, sent after commit.

A delivery's ``_id`` is the id of the event that caused it, so one event can
never produce two deliveries. The consumer records it (status ``pending``)
in the same transaction as its ``processed_events`` marker and sends it right
after commit; a sweep loop resends deliveries whose send failed or whose
process died, with a lease so one replica sends each, and gives up after
``delivery_max_attempts`` (status ``failed``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any, ClassVar, Protocol
from uuid import uuid4

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import Clock
from chassis.leases import NEVER, claim_one
from chassis.metrics import EMAILS_SENT
from chassis.mongo import TenantRepository, tenant_index
from chassis.periodic import every
from chassis.tracing import span
from notifications.adapters.templates import RenderedEmail

log = logging.getLogger(__name__)

DELIVERIES = "deliveries"


class Sender(Protocol):
    async def send(self, delivery: dict[str, Any]) -> None: ...


class Deliveries(TenantRepository):
    collection_name: ClassVar[str] = DELIVERIES


DELIVERY_INDEXES = {
    DELIVERIES: [
        tenant_index("created_at"),
        tenant_index("to"),
        IndexModel([("status", ASCENDING), ("created_at", ASCENDING)], name="status_created"),
    ]
}


def new_delivery(
    *,
    event_id: str,
    event_type: str,
    to: str,
    template: str,
    email: RenderedEmail,
    clock: Clock,
    mail_from: str | None = None,
) -> dict[str, Any]:
    return {
        "_id": event_id,
        "from": mail_from,
        "event_type": event_type,
        "template": template,
        "to": to,
        "subject": email.subject,
        "text": email.text,
        "html": email.html,
        "status": "pending",
        "created_at": clock.now(),
        "lease_until": NEVER,
        "lease_owner": None,
        "attempts": 0,
        "last_error": None,
        "sent_at": None,
    }


class DeliveryWorker:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        sender: Sender,
        clock: Clock,
        *,
        max_attempts: int,
        retry_after: timedelta,
    ) -> None:
        self.collection = db[DELIVERIES]
        self.sender = sender
        self.clock = clock
        self.max_attempts = max_attempts
        self.retry_after = retry_after
        self.owner = f"notifications-{uuid4().hex[:12]}"

    async def _claim(self, extra: dict[str, Any] | None = None) -> dict[str, Any] | None:
        return await claim_one(
            self.collection,
            {"status": "pending", **(extra or {})},
            now=self.clock.now(),
            lease=self.retry_after,
            owner=self.owner,
        )

    async def _send(self, delivery: dict[str, Any]) -> bool:
        try:
            with span("send email"):
                await self.sender.send(delivery)
        except Exception as exc:
            failed = delivery["attempts"] >= self.max_attempts
            log.warning(
                "sending delivery %s failed (attempt %s): %s",
                delivery["_id"],
                delivery["attempts"],
                exc,
            )
            await self.collection.update_one(
                {"_id": delivery["_id"], "lease_owner": self.owner},
                {
                    "$set": {
                        "status": "failed" if failed else "pending",
                        "last_error": str(exc)[:500],
                    }
                },
            )
            EMAILS_SENT.labels("notifications", "failed" if failed else "retried").inc()
            return False
        await self.collection.update_one(
            {"_id": delivery["_id"], "lease_owner": self.owner},
            {"$set": {"status": "sent", "sent_at": self.clock.now()}},
        )
        EMAILS_SENT.labels("notifications", "sent").inc()
        return True

    async def send_now(self, delivery_id: str) -> bool:
        """Send one delivery right after the transaction that recorded it committed."""
        delivery = await self._claim({"_id": delivery_id})
        return delivery is not None and await self._send(delivery)

    async def sweep_once(self, limit: int = 100) -> int:
        sent = 0
        for _ in range(limit):
            delivery = await self._claim()
            if delivery is None:
                break
            sent += await self._send(delivery)
        return sent

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        await every(interval, stop, self.sweep_once, "the delivery sweep")
