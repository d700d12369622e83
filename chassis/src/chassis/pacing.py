"""How long a consumer's fetches wait at the broker: short while events flow,
long while nothing happens.

The embedded broker (Tansu) answers a fetch only when its wait ends, never
early when data arrives, so the embedded stack waits 40 ms for quick event
hops — and an idle suite then kept its broker busy answering about 25
fetches a second per consumer (issue 22: 41 % of a core at rest). With
pacing, a consumer that has seen no record for ``idle_after`` seconds asks
for ``idle_ms`` per fetch; the first record switches it back to ``busy_ms``.
The first event after a quiet spell waits up to ``idle_ms`` longer; the rest
of a burst flows at ``busy_ms``. Apache Kafka answers a waiting fetch as soon
as data arrives, so production needs none of this (the setting is off by
default).

aiokafka reads the wait from its fetcher for every fetch request, but offers
no public way to change it; :func:`set_fetch_wait` sets that attribute, and
does nothing (logging once) if a later aiokafka renames it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def set_fetch_wait(consumer: Any, wait_ms: int) -> bool:
    """Set the fetch wait of a running aiokafka consumer; False if it cannot."""
    fetcher = getattr(consumer, "_fetcher", None)
    if fetcher is None or not hasattr(fetcher, "_fetch_max_wait_ms"):
        return False
    fetcher._fetch_max_wait_ms = wait_ms
    return True


class FetchPacing:
    def __init__(
        self,
        busy_ms: int,
        idle_ms: int,
        idle_after: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.monotonic = monotonic
        self.busy_ms = busy_ms
        self.idle_ms = idle_ms
        self.idle_after = idle_after
        self.last_record = 0.0
        self.busy = False
        self._cooling: asyncio.Task[None] | None = None
        self._warned = False

    def active(self, consumer: Any) -> None:
        """Records arrived: fetch quickly until ``idle_after`` passes without any."""
        self.last_record = self.monotonic()
        if not self.busy:
            self.busy = self._set(consumer, self.busy_ms)
        if self.busy and (self._cooling is None or self._cooling.done()):
            self._cooling = asyncio.ensure_future(self._cool(consumer))

    def cool(self, consumer: Any) -> float:
        """Back to the idle wait if ``idle_after`` passed without a record;
        otherwise the seconds until it will have."""
        quiet = self.monotonic() - self.last_record
        if quiet >= self.idle_after:
            self._set(consumer, self.idle_ms)
            self.busy = False
            return 0.0
        return self.idle_after - quiet

    async def _cool(self, consumer: Any) -> None:
        # a timer whose deadline moves with every record, not a wait for an event
        while (left := self.cool(consumer)) > 0:  # noqa: ASYNC110
            await asyncio.sleep(left)

    def _set(self, consumer: Any, wait_ms: int) -> bool:
        if set_fetch_wait(consumer, wait_ms):
            return True
        if not self._warned:
            log.warning("cannot change this aiokafka consumer's fetch wait; pacing is off")
            self._warned = True
        return False
