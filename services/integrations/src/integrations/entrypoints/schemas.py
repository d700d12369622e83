"""What integrations' routes answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator


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


class EndpointIn(BaseModel):
    url: str = Field(
        max_length=2000,
        description="where deliveries are POSTed; https at a public address in production",
        examples=["https://gis.example.gov/permitsuite/webhook"],
    )
    description: str = Field(default="", max_length=500)
    types: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        max_length=50,
        description="CloudEvents types, or prefixes ending in a dot; empty: every event",
    )
    enabled: bool = True


class EndpointPatch(BaseModel):
    url: str | None = Field(default=None, max_length=2000)
    description: str | None = Field(default=None, max_length=500)
    types: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = Field(
        default=None, max_length=50
    )
    enabled: bool | None = None


class EndpointHealth(BaseModel):
    state: Literal["healthy", "failing", "disabled"]
    failing_since: datetime | None = None
    attempt: int = Field(description="failed tries of the event now waiting")
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_status: int | None = None
    last_success_at: datetime | None = None
    disabled_reason: str | None = None


class EndpointOut(BaseModel):
    id: str
    url: str
    description: str
    types: list[str]
    enabled: bool
    created_at: datetime
    updated_at: datetime
    health: EndpointHealth


class EndpointWithSecret(EndpointOut):
    secret: str = Field(
        description="the signing secret (whsec_…), shown this once: keep it to verify "
        "the webhook-signature header"
    )


class EndpointList(BaseModel):
    items: list[EndpointOut]


class RotationIn(BaseModel):
    overlap_hours: int = Field(
        default=24, ge=0, le=168, description="how long the old secret keeps signing too"
    )


class SendAgainIn(BaseModel):
    event_id: str | None = Field(default=None, max_length=200, description="one event again")
    since: datetime | None = Field(default=None, description="every event stored since then")

    @model_validator(mode="after")
    def one_of(self) -> SendAgainIn:
        if (self.event_id is None) == (self.since is None):
            raise ValueError("give either event_id or since")
        if self.since is not None and self.since.tzinfo is None:
            raise ValueError("since needs a time zone")
        return self


class SendAgainOut(BaseModel):
    queued: bool = Field(description="false: no event was stored since then")
    from_cursor: str | None = Field(
        default=None, description="the feed cursor just before the first event sent again"
    )


class AttemptOut(BaseModel):
    seq: int = Field(description="the attempt's number at this endpoint")
    event_id: str
    type: str
    at: datetime
    attempt: int
    manual: bool = Field(description="sent again on request, or a ping")
    status: int | None = Field(description="the HTTP status answered; null: no answer")
    delivered: bool
    error: str | None = None
    latency_ms: int | None = None
    response: str = Field(description="the start of the response body")


class AttemptPage(BaseModel):
    items: list[AttemptOut]
    next_before: int | None = Field(description="ask ?before=<this> for older attempts")


class PingOut(BaseModel):
    delivered: bool
    status: int | None
    error: str | None = None
    latency_ms: int | None = None
    response: str


class OpenDataIn(BaseModel):
    public: bool = Field(description="true: anyone may read the export, without a login")


class OpenDataOut(BaseModel):
    public: bool
    rows: dict[str, int] = Field(description="rows of each kind (permits, inspections)")
    csv: dict[str, str] = Field(description="the CSV export of each kind")
    json_pages: dict[str, str] = Field(alias="json", description="the JSON pages of each kind")


class ExportPageOut(BaseModel):
    fields: list[str] = Field(description="BLDS field names, in order")
    items: list[dict[str, str]]
    next_after: int = Field(description="ask ?after=<this> for the next page")
    more: bool
