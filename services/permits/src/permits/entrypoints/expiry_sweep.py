"""The expiry sweep (R-PER-5): finds permits whose time ran out, or soon will,
and runs the handler for each. One replica at a time (a named lease); time
from the injectable clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

from chassis.app import ServiceRuntime
from chassis.leases import acquire_named_lease
from chassis.periodic import every
from permits.domain.workflow import ACTIVE
from permits.service_layer import activity
from permits.service_layer.unit_of_work import PermitsUnits

Doc = dict[str, Any]

log = logging.getLogger(__name__)


class ExpirySweep:
    def __init__(
        self,
        runtime: ServiceRuntime,
        units: PermitsUnits,
        *,
        notice_days: int,
        lease: timedelta = timedelta(minutes=5),
    ) -> None:
        self.runtime = runtime
        self.units = units
        self.notice = timedelta(days=notice_days)
        self.lease = lease
        self.owner = f"permits-{uuid4().hex[:12]}"

    async def sweep_once(self) -> dict[str, int]:
        rt = self.runtime
        now = rt.clock.now()
        if not await acquire_named_lease(
            rt.db["leases"], "permits.expiry", now=now, lease=self.lease, owner=self.owner
        ):
            return {"expired": 0, "warned": 0}
        # Cross-tenant by nature, like the outbox relay; each change then goes
        # through the permit's own tenant-scoped unit of work.
        expired = warned = 0
        projection = {"_id": 1, "jurisdiction_id": 1}
        for status in ACTIVE:  # one equality per status: served by the (status, expires_at) index
            due = rt.db["permits"].find({"status": status, "expires_at": {"$lte": now}}, projection)
            async for doc in due:
                expired += await self._one(doc, activity.expire_permit)
            soon = rt.db["permits"].find(
                {
                    "status": status,
                    "expiring_notified": False,
                    "expires_at": {"$lte": now + self.notice, "$gt": now},
                },
                projection,
            )
            async for doc in soon:
                warned += await self._one(doc, activity.warn_expiring)
        return {"expired": expired, "warned": warned}

    async def _one(self, doc: Doc, change: Callable[[str, Any], Awaitable[int]]) -> int:
        """``change`` of one permit, in its own jurisdiction's unit of work."""
        permit_id = str(doc["_id"])
        return int(await self.units.run(doc["jurisdiction_id"], lambda uow: change(permit_id, uow)))

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        await every(interval, stop, self.sweep_once, "the expiry sweep")
