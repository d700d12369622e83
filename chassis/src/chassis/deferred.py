"""Requests answered before they are looked at: no account enumeration by timing.

"Forgot password", "enroll" and "start a registration" answer the same 202
whether or not the email or license is known — but the work behind the answer
differed (a link created, an event published, or nothing), and the answers
were two to three times apart in latency (issue 22, defect 11). So such a request is only
*recorded* before the answer: one insert, the same whatever it names. Its work
runs right after the answer is sent (FastAPI's background tasks), in its own
transaction, which also deletes the record — so it has one effect. If the
process dies in between, the record stays and :meth:`Deferred.run_sweep`
(every process of the ``worker`` role) claims it under a lease and does the
work then: nothing that was answered 202 is lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import Clock
from chassis.errors import ProblemError
from chassis.leases import claim_one
from chassis.periodic import every
from chassis.refusals import Refused
from chassis.uow import Transaction, UnitOfWork

log = logging.getLogger(__name__)

COLLECTION = "deferred_requests"
MAX_ATTEMPTS = 5

Handler = Callable[[str, dict[str, Any], Transaction], Awaitable[None]]


class Deferred:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        uow: UnitOfWork,
        clock: Clock,
        *,
        service: str,
        lease: timedelta = timedelta(seconds=60),
    ) -> None:
        self.collection = db[COLLECTION]
        self.uow = uow
        self.clock = clock
        self.lease = lease
        self.owner = f"{service}-{uuid4().hex[:12]}"
        self.handlers: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> None:
        """``handler(jurisdiction_id, payload, tx)`` does the request's work in ``tx``."""
        self.handlers[kind] = handler

    async def ensure_indexes(self) -> None:
        await self.collection.create_indexes(
            [IndexModel([("lease_until", ASCENDING), ("created_at", ASCENDING)], name="claim")]
        )

    async def record(self, kind: str, jurisdiction_id: str, payload: dict[str, Any]) -> str:
        """The only work before the answer: one insert, whatever it is about.
        Leased by this process, which does the work right after answering."""
        if kind not in self.handlers:
            raise KeyError(f"no handler for deferred {kind!r}")
        now = self.clock.now()
        request_id = uuid4().hex
        await self.collection.insert_one(
            {
                "_id": request_id,
                "kind": kind,
                "jurisdiction_id": jurisdiction_id,
                "payload": payload,
                "created_at": now,
                "lease_until": now + self.lease,
                "lease_owner": self.owner,
                "attempts": 1,
            }
        )
        return request_id

    async def process(self, request_id: str) -> None:
        """Do the work of a request this process recorded (after its answer)."""
        doc = await self.collection.find_one({"_id": request_id, "lease_owner": self.owner})
        if doc is not None:
            await self._run(doc)

    async def _run(self, doc: dict[str, Any]) -> bool:
        handler = self.handlers.get(doc["kind"])
        if handler is None:
            log.error("deferred request %s of unknown kind %r", doc["_id"], doc["kind"])
            return False

        async def work(tx: Transaction) -> None:
            await handler(doc["jurisdiction_id"], doc["payload"], tx)
            # done in the same transaction: the work has one effect
            await tx.db[COLLECTION].delete_one({"_id": doc["_id"]}, session=tx.session)

        try:
            await self.uow.run(work)
            return True
        except (ProblemError, Refused) as exc:  # nothing to do (the jurisdiction is gone…)
            log.info("deferred %s %s ends without effect: %s", doc["kind"], doc["_id"], exc)
            await self.collection.delete_one({"_id": doc["_id"]})
            return False
        except Exception:
            if doc.get("attempts", 1) >= MAX_ATTEMPTS:
                log.exception("deferred %s %s failed for good; dropped", doc["kind"], doc["_id"])
                await self.collection.delete_one({"_id": doc["_id"]})
            else:
                log.warning(
                    "deferred %s %s failed; retried", doc["kind"], doc["_id"], exc_info=True
                )
            return False

    async def sweep_once(self, limit: int = 100) -> int:
        """Requests whose process died before doing them: claimed, done."""
        done = 0
        for _ in range(limit):
            doc = await claim_one(
                self.collection, {}, now=self.clock.now(), lease=self.lease, owner=self.owner
            )
            if doc is None:
                break
            done += int(await self._run(doc))
        return done

    async def run_sweep(self, stop: asyncio.Event, interval: float) -> None:
        await every(interval, stop, self.sweep_once, "the deferred requests sweep")
