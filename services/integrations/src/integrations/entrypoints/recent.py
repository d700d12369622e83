"""The events this process's consumer stored lately, per jurisdiction, for
its webhook worker: a lane sends them from here instead of reading the feed
again, and waits here for the next one instead of letting its endpoint go
(each read and each hand-over is a database round trip per endpoint; at a
trickle of events they were most of the cost).

Only a window of consecutive positions all held here is answered, so a lane
never skips an event stored by another replica; positions follow commit
order, so every position up to the newest held is committed."""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from typing import Any

Doc = dict[str, Any]
KEEP = 1000  # events per jurisdiction
JURISDICTIONS = 200  # the most recently active, at most


class Recent:
    def __init__(self) -> None:
        self.events: OrderedDict[str, dict[int, Doc]] = OrderedDict()
        self.heads: dict[str, int] = {}
        self.signals: dict[str, asyncio.Event] = {}

    def add(self, jurisdiction_id: str, event: Doc) -> None:
        held = self.events.setdefault(jurisdiction_id, {})
        self.events.move_to_end(jurisdiction_id)
        held[int(event["position"])] = event
        while len(held) > KEEP:
            del held[min(held)]
        while len(self.events) > JURISDICTIONS:
            gone, _ = self.events.popitem(last=False)
            self.heads.pop(gone, None)
        self.heads[jurisdiction_id] = max(self.heads.get(jurisdiction_id, 0), event["position"])
        signal = self.signals.pop(jurisdiction_id, None)
        if signal is not None:
            signal.set()

    def head(self, jurisdiction_id: str) -> int:
        """The newest position stored here (0: none)."""
        return self.heads.get(jurisdiction_id, 0)

    def window(self, jurisdiction_id: str, after: int, last: int) -> list[Doc] | None:
        """The events after ``after`` up to ``last`` if all are held, else None."""
        held = self.events.get(jurisdiction_id, {})
        found = [held.get(position) for position in range(after + 1, last + 1)]
        return None if any(e is None for e in found) else found  # type: ignore[return-value]

    async def wait(self, jurisdiction_id: str, timeout: float) -> bool:
        """Wait for the jurisdiction's next event stored here; False: none came."""
        signal = self.signals.setdefault(jurisdiction_id, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(signal.wait(), timeout)
            return True
        return False
