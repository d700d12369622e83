"""Integrations' events (issue 26): what happens to a jurisdiction's
webhook endpoints that people must be told of."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from contracts.events import IntegrationEvent
from contracts.topics import INTEGRATIONS_EVENTS


class WebhookEndpointDisabled(IntegrationEvent):
    """A webhook endpoint was disabled: every delivery failed for three
    days, or it answered 410 Gone. The jurisdiction's admins are emailed."""

    event_type: ClassVar[str] = "permitsuite.integrations.WebhookEndpointDisabled.v1"
    topic: ClassVar[str] = INTEGRATIONS_EVENTS
    subject_field: ClassVar[str] = "endpoint_id"

    endpoint_id: str
    jurisdiction_id: str
    url: str
    description: str = ""
    reason: str
    disabled_at: datetime
    failing_since: datetime | None = None
    notify_emails: list[str] = Field(
        default_factory=list, description="the jurisdiction's admins when it was disabled"
    )
