"""The webhook worker: sends each endpoint its jurisdiction's events.

Every ``interval`` (and at once when this process's consumer stored an
event) it looks for due endpoints, takes each with a lease
(:class:`~integrations.adapters.webhooks.DeliveryState`) and sends it the
events after its cursor, one at a time, in feed order. A failure ends the
round for that endpoint: it is due again after a back-off, and nothing after
the failed event goes first (in order per aggregate). Endpoints are sent to
side by side, at most ``lanes`` at once, so a slow or dead endpoint holds up
only itself. The cursor moves only after a 2xx: a worker killed mid-round
sends its last events again (at least once; receivers de-duplicate on
``webhook-id``, the event's id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import Clock, as_utc
from chassis.uow import ReadOnly
from integrations.adapters.feed import MongoFeed
from integrations.adapters.sealing import Sealer
from integrations.adapters.sender import Sender, Sent
from integrations.adapters.webhooks import DeliveryState
from integrations.domain.feed import wanted
from integrations.domain.signing import payload, signed_headers
from integrations.domain.webhooks import IDLE, after_failure
from integrations.entrypoints.lane import Lane
from integrations.entrypoints.recent import Recent
from integrations.service_layer import webhooks
from integrations.service_layer.unit_of_work import IntegrationsUnits

log = logging.getLogger(__name__)
Doc = dict[str, Any]
WINDOW = 100  # feed positions read at a time
HOLD_EVERY = 1.0  # seconds: a lane's cursor and log are written at least this often
LINGER = 1.0  # seconds a caught-up lane waits for the next event before letting go


class Dispatcher:
    def __init__(
        self,
        db: AsyncDatabase[Doc],
        clock: Clock,
        sender: Sender,
        units: IntegrationsUnits,
        sealer: Sealer,
        *,
        lanes: int = 64,
        lease: timedelta = timedelta(seconds=60),
        repair_every: timedelta = timedelta(seconds=60),
        linger: float = LINGER,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.sender = sender
        self.units = units
        self.sealer = sealer
        self.state = DeliveryState(db)
        self.lanes = lanes
        self.lease = lease
        self.repair_every = repair_every
        self.repair_at: datetime | None = None  # None: at start
        self.linger = linger
        self.recent = Recent()
        self.rng = rng or random.Random()
        self.owner = uuid.uuid4().hex
        self.busy: dict[str, asyncio.Task[None]] = {}
        self.nudged = asyncio.Event()

    def nudge(self) -> None:
        """Look now rather than at the next interval."""
        self.nudged.set()

    async def woken(self, jurisdiction_id: str, endpoint_ids: list[str], event: Doc) -> None:
        """``event`` for these endpoints was committed here: hand it to the
        lanes that hold them, wake the idle ones again (see
        :func:`~integrations.service_layer.webhooks.wake`) and look at once."""
        self.recent.add(jurisdiction_id, event)
        await self.state.wake(endpoint_ids, self.clock.now())
        self.nudge()

    async def repair(self) -> int:
        """Wake every idle endpoint behind its feed's head: an event whose
        wake never reached it — committed just before a worker died, or
        stored while the endpoint was being created (that event's
        transaction read the endpoints before the new one existed). At
        start, then every ``repair_every``; one head read per jurisdiction."""
        woken, heads = 0, {}
        for endpoint_id, jurisdiction_id, cursor in await self.state.idle():
            if jurisdiction_id not in heads:
                feed = MongoFeed(ReadOnly(self.db, self.clock), jurisdiction_id)
                heads[jurisdiction_id] = await feed.head()
            if heads[jurisdiction_id] > cursor:
                await self.state.wake_if_idle(endpoint_id, self.clock.now())
                woken += 1
        return woken

    async def _repair_when_due(self) -> None:
        now = self.clock.now()
        if self.repair_at is not None and now < self.repair_at:
            return
        self.repair_at = now + self.repair_every
        try:
            await self.repair()
        except Exception:
            log.exception("waking idle webhook endpoints behind their feed failed")

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        while not stop.is_set():
            self.nudged.clear()
            await self._repair_when_due()
            try:
                await self.look()
            except Exception:
                log.exception("looking for due webhook endpoints failed; trying again")
            waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.nudged.wait())]
            await asyncio.wait(waits, timeout=interval, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()
        for task in list(self.busy.values()):
            task.cancel()
        await asyncio.gather(*self.busy.values(), return_exceptions=True)

    async def look(self) -> None:
        now = self.clock.now()
        room = self.lanes - len(self.busy)
        if room <= 0:
            return
        for endpoint_id in await self.state.due(now, limit=room + len(self.busy)):
            if endpoint_id in self.busy or len(self.busy) >= self.lanes:
                continue
            doc = await self.state.claim(endpoint_id, self.owner, now, self.lease)
            if doc is not None:
                task = asyncio.create_task(self._lane(Lane.of(doc)), name=f"webhook-{endpoint_id}")
                self.busy[endpoint_id] = task

    async def _lane(self, lane: Lane) -> None:
        try:
            await self.drain(lane)
        except Exception:
            log.exception("sending to webhook endpoint %s failed; its lease runs out", lane.id)
        finally:
            self.busy.pop(lane.id, None)

    async def drain(self, lane: Lane) -> None:
        """Send ``lane`` what it asked again, then the events after its
        cursor; caught up, wait a moment for the next event before letting
        the endpoint go (a trickle of events keeps its lane)."""
        jid = lane.doc["jurisdiction_id"]
        feed = MongoFeed(ReadOnly(self.db, self.clock), jid)
        held_at = self._now()
        while True:
            if not lane.doc.get("enabled"):  # switched off: while it backed off, or meanwhile
                await self._hold(lane, {"due_at": IDLE, "owner": None})
                return
            if not await self._asked_again(lane, feed):
                return
            head = max(self.recent.head(jid), lane.cursor)
            if head == lane.cursor:
                head = await feed.head()
            if lane.cursor >= head:
                if await self.recent.wait(jid, self.linger) or await feed.head() > lane.cursor:
                    continue
                await self._caught_up(lane, feed)
                return
            last = min(head, lane.cursor + WINDOW)
            events = self.recent.window(jid, lane.cursor, last)
            for event in events if events is not None else await feed.window(lane.cursor, last):
                if wanted(event["type"], frozenset(lane.doc.get("types") or ())):
                    sent = await self.deliver(lane, event)
                    if not sent.outcome.delivered:
                        await self._failed(lane, sent)
                        return
                lane.cursor = event["position"]
            lane.cursor = last
            if len(lane.attempts) >= WINDOW or self._now() - held_at >= HOLD_EVERY:
                held = await self._hold(lane, {"due_at": self.clock.now() + self.lease})
                if held is None:
                    return
                lane.doc, held_at = held, self._now()

    @staticmethod
    def _now() -> float:
        """Monotonic seconds, for how long a lane has gone without writing."""
        return asyncio.get_running_loop().time()

    async def _asked_again(self, lane: Lane, feed: MongoFeed) -> bool:
        """Take up a rewind (every event since a time) and single events to
        send again (one attempt each); False if the endpoint was lost."""
        rewind = lane.doc.get("rewind")
        if rewind is not None:
            lane.cursor = min(lane.cursor, int(rewind))
            held = await self._hold(lane, {}, unset={"rewind": ""})
            if held is None:
                return False
            lane.doc = held
        for position in list(lane.doc.get("replay") or ()):
            event = await feed.at(int(position))
            if event is not None:
                await self.deliver(lane, event, manual=True)
            held = await self._hold(lane, {}, pull={"replay": position})
            if held is None:
                return False
            lane.doc = held
        return True

    async def deliver(self, lane: Lane, event: Doc, *, manual: bool = False) -> Sent:
        now = self.clock.now()
        body = payload(event)
        held = self.sealer.opened(lane.doc.get("secrets") or [])
        headers = signed_headers(event["_id"], body, held, now)
        sent = await self.sender.send(lane.doc["url"], body, headers)
        if sent.outcome.delivered and not manual:  # the endpoint is well again
            lane.doc |= {"attempt": 0, "failing_since": None}
        lane.note(event, sent, now, manual=manual)
        return sent

    async def _hold(
        self, lane: Lane, fields: Doc, *, unset: Doc | None = None, pull: Doc | None = None
    ) -> Doc | None:
        """Write the lane's cursor, log and ``fields``; None if the endpoint
        was taken away (removed, or its lease ran out and another has it)."""
        update = await self._written(lane, fields, unset=unset, pull=pull)
        return await self.state.hold(lane.id, self.owner, update)

    async def _written(
        self, lane: Lane, fields: Doc, *, unset: Doc | None = None, pull: Doc | None = None
    ) -> Doc:
        """Write the lane's log; the endpoint's update that goes with it."""
        await self.state.record(lane.attempts)
        lane.logged += len(lane.attempts)
        last = lane.attempts[-1] if lane.attempts else None
        lane.attempts = []
        update: Doc = {"$set": {"cursor": lane.cursor, "logged": lane.logged, **fields}}
        if last is not None:
            update["$set"] |= {"last_attempt_at": last["at"], "last_status": last["status"]}
            if last["delivered"] and not last["manual"]:
                update["$set"] |= {
                    "attempt": 0,
                    "failing_since": None,
                    "last_success_at": last["at"],
                }
        if unset:
            update["$unset"] = unset
        if pull:
            update["$pull"] = pull
        return update

    async def _caught_up(self, lane: Lane, feed: MongoFeed) -> None:
        """Let the endpoint go idle; wake it again if something came meanwhile
        (an event's wake skips an endpoint that is not idle)."""
        held = await self._hold(lane, {"due_at": IDLE, "owner": None})
        if held is None:
            return
        if held.get("replay") or held.get("rewind") is not None or await feed.head() > lane.cursor:
            await self.state.wake_if_idle(lane.id, self.clock.now())

    async def _failed(self, lane: Lane, sent: Sent) -> None:
        now = self.clock.now()
        since = lane.doc.get("failing_since")
        failing_since = as_utc(since) if since else now
        attempt = int(lane.doc.get("attempt", 0)) + 1
        after = after_failure(sent.outcome, failing_since, attempt, now, self.rng)
        fields: Doc = {
            "due_at": after.due_at,
            "owner": None,
            "attempt": attempt,
            "failing_since": failing_since,
        }
        if not after.disable:
            await self._hold(lane, fields)
            return
        fields |= {"enabled": False, "disabled_reason": after.disable, "disabled_at": now}
        log.warning("webhook endpoint %s disabled: %s", lane.id, after.disable)
        cmd = webhooks.Disable(
            lane.doc["jurisdiction_id"],
            lane.id,
            self.owner,
            await self._written(lane, fields),
            after.disable,
            failing_since,
        )
        await self.units.handle(cmd, webhooks.disable)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.sender.close()
