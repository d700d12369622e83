"""Activity and expiry (R-PER-5): a passing inspection restarts the clock; a sweep
expires permits whose time ran out and warns a few days before."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from chassis.clock import as_utc
from chassis.leases import acquire_named_lease
from chassis.uow import Transaction
from contracts.inspections import InspectionResulted
from contracts.permits import Party, PermitExpired, PermitExpiring, PermitStatusChanged
from permits.adapters.repositories import Permits, PermitTypes
from permits.handlers.permits import PermitsApp

log = logging.getLogger(__name__)
Doc = dict[str, Any]
ACTIVE = ("ISSUED", "TCO")


async def on_inspection_resulted(tx: Transaction, event: InspectionResulted) -> None:
    if event.result != "pass":
        return
    permits = tx.repo(Permits, event.jurisdiction_id)
    doc = await permits.find_one({"_id": event.permit_id, "status": {"$in": list(ACTIVE)}})
    if doc is None:
        return
    ptype = (
        await tx.repo(PermitTypes, event.jurisdiction_id).find_one({"code": doc["type_code"]}) or {}
    )
    days = int(ptype.get("inactivity_days", 180))
    await permits.update_one(
        {"_id": doc["_id"]},
        {
            "$set": {
                "last_activity_at": event.resulted_at,
                "expires_at": event.resulted_at + timedelta(days=days),
                "expiring_notified": False,
            },
            "$inc": {"version": 1},
        },
    )


def _parties(doc: Doc) -> Doc:
    return {
        "applicant": Party(**doc["applicant"]),
        "owner": Party(**doc["owner"]) if doc.get("owner") else None,
        "company_ids": list(doc.get("company_ids", [])),
    }


class ExpirySweep:
    """One replica at a time (a named lease); time from the injectable clock."""

    def __init__(
        self, app: PermitsApp, *, notice_days: int, lease: timedelta = timedelta(minutes=5)
    ) -> None:
        self.app = app
        self.notice = timedelta(days=notice_days)
        self.lease = lease
        self.owner = f"permits-{uuid4().hex[:12]}"

    async def sweep_once(self) -> dict[str, int]:
        rt = self.app.runtime
        now = rt.clock.now()
        if not await acquire_named_lease(
            rt.db["leases"], "permits.expiry", now=now, lease=self.lease, owner=self.owner
        ):
            return {"expired": 0, "warned": 0}
        # Cross-tenant by nature, like the outbox relay; each change then goes
        # through the permit's own tenant-scoped repository.
        expired = warned = 0
        for status in ACTIVE:  # one equality per status: served by the (status, expires_at) index
            due = rt.db["permits"].find({"status": status, "expires_at": {"$lte": now}})
            async for doc in due:
                expired += await self._expire(doc, now)
            soon = rt.db["permits"].find(
                {
                    "status": status,
                    "expiring_notified": False,
                    "expires_at": {"$lte": now + self.notice, "$gt": now},
                }
            )
            async for doc in soon:
                warned += await self._warn(doc)
        return {"expired": expired, "warned": warned}

    async def _expire(self, doc: Doc, now: datetime) -> int:
        jid = doc["jurisdiction_id"]

        async def work(tx: Transaction) -> int:
            updated = await tx.repo(Permits, jid).find_one_and_update(
                {"_id": doc["_id"], "version": doc["version"]},
                {
                    "$set": {"status": "EXPIRED", "expired_at": now},
                    "$inc": {"version": 1},
                    "$push": {
                        "history": {
                            "at": now,
                            "by": "system",
                            "from": doc["status"],
                            "to": "EXPIRED",
                            "comment": "no passing inspection in time",
                        }
                    },
                },
            )
            if updated is None:
                return 0  # changed meanwhile: the next sweep looks again
            tx.emit(
                PermitStatusChanged(
                    permit_id=doc["_id"],
                    jurisdiction_id=jid,
                    number=doc["number"],
                    from_status=doc["status"],
                    to_status="EXPIRED",
                    by="system",
                    at=now,
                    version=updated["version"],
                ),
                jurisdiction_id=jid,
            )
            tx.emit(
                PermitExpired(
                    permit_id=doc["_id"],
                    jurisdiction_id=jid,
                    number=doc["number"],
                    expired_at=now,
                    version=updated["version"],
                    **_parties(doc),
                ),
                jurisdiction_id=jid,
            )
            return 1

        return await self.app.runtime.uow.run(work)

    async def _warn(self, doc: Doc) -> int:
        jid = doc["jurisdiction_id"]

        async def work(tx: Transaction) -> int:
            took = await tx.repo(Permits, jid).update_one(
                {"_id": doc["_id"], "expiring_notified": False},
                {"$set": {"expiring_notified": True}},
            )
            if took:
                tx.emit(
                    PermitExpiring(
                        permit_id=doc["_id"],
                        jurisdiction_id=jid,
                        number=doc["number"],
                        expires_at=as_utc(doc["expires_at"]),
                        **_parties(doc),
                    ),
                    jurisdiction_id=jid,
                )
            return took

        return await self.app.runtime.uow.run(work)

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                await self.sweep_once()
            except Exception:
                log.exception("expiry sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
