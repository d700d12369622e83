"""What integrations' routes answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class FeedEvent(BaseModel):
    """One event as a CloudEvent (JSON format), with its place in the feed."""

    cursor: str = Field(description="read on after this event: ?after=<cursor>")
    specversion: str = "1.0"
    id: str = Field(description="the event's id, the same as its ce_id on Kafka")
    source: str
    type: str = Field(examples=["permitsuite.permits.PermitIssued.v1"])
    time: datetime
    subject: str = Field(description="the aggregate's id (a permit, a payment …)")
    jurisdiction: str
    correlationid: str
    causationid: str | None = None
    datacontenttype: str = "application/json"
    data: dict[str, Any]


class FeedPageOut(BaseModel):
    items: list[FeedEvent]
    next_cursor: str = Field(description="where the next page starts (keep it to resume)")
    more: bool = Field(
        description="events are behind next_cursor already; false: caught up — ask again "
        "later from next_cursor"
    )
    expired: bool = Field(
        default=False,
        description="events right after the cursor given were older than the retention and "
        "are gone; the page starts at the oldest kept",
    )
