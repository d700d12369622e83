"""The event feed's handlers: store each event of a jurisdiction at its next
position; read a page of them from a cursor (issue 26)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contracts import Envelope
from integrations.domain.feed import MAX_PAGE, Window, cursor_for, position_of, wanted
from integrations.service_layer.unit_of_work import FeedPort, IntegrationsUnitOfWork

Doc = dict[str, Any]


async def record(envelope: Envelope, uow: IntegrationsUnitOfWork) -> Doc:
    """Keep ``envelope`` in its jurisdiction's feed, as published (same id);
    the document stored."""
    position = await uow.feed.next_position()
    doc = {
        "_id": envelope.id,
        "position": position,
        "stored_at": uow.now,
        **envelope.model_dump(mode="json", exclude={"traceparent", "tracestate"}),
    }
    await uow.feed.append(doc)
    return doc


@dataclass(frozen=True)
class ReadFeed:
    jurisdiction_id: str
    after: str | None = None
    limit: int = 100
    types: frozenset[str] = frozenset()


@dataclass
class FeedPage:
    items: list[Doc]
    next_cursor: str
    more: bool
    expired: bool = False  # events after the cursor were past retention and are gone
    positions: list[int] = field(default_factory=list)


async def read(query: ReadFeed, uow: IntegrationsUnitOfWork) -> FeedPage:
    head = await uow.feed.head()
    after = min(position_of(query.after), head)
    expired = False
    if after < head and not await uow.feed.exists(after + 1):
        after, expired = await _oldest(uow.feed, after, head) - 1, True
    window = Window(after, min(query.limit, MAX_PAGE)).within(head)
    docs = await uow.feed.window(window.after, window.last)
    items = [d for d in docs if wanted(d["type"], query.types)]
    return FeedPage(
        items=items,
        next_cursor=cursor_for(window.last),
        more=window.last < head,
        expired=expired,
        positions=[d["position"] for d in items],
    )


async def _oldest(feed: FeedPort, after: int, head: int) -> int:
    """The oldest position still kept, above ``after``: retention removes the
    oldest first, so what is kept is one run up to ``head`` — found by
    halving with single-position reads, whatever the feed's size."""
    low, high = after + 1, head
    while low < high:
        middle = (low + high) // 2
        if await feed.exists(middle):
            high = middle
        else:
            low = middle + 1
    return low
