"""Events of the inspections context on ``inspections.events`` (version 1).

Dates of inspections are the jurisdiction's local calendar dates
(``YYYY-MM-DD``); instants are UTC. ``notify_emails`` are the requester and
the permit's applicant and owner (for notifications).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field

from contracts.events import ConfigurationChanged, IntegrationEvent
from contracts.topics import INSPECTIONS_EVENTS


class _InspectionEvent(IntegrationEvent):
    topic: ClassVar[str] = INSPECTIONS_EVENTS
    subject_field: ClassVar[str] = "inspection_id"

    inspection_id: str
    jurisdiction_id: str
    permit_id: str
    inspection_type: str


class InspectionScheduled(_InspectionEvent):
    """An inspection was requested for a date the calendar offered (R-INS-2/4)."""

    event_type: ClassVar[str] = "permitsuite.inspections.InspectionScheduled.v1"

    number: str
    address: str | None = None
    date: dt.date
    ampm: Literal["AM", "PM"] | None = None
    note: str | None = None
    requested_by: str
    cancel_until: dt.datetime = Field(description="R-INS-5: the cancellation cut-off, UTC")
    notify_emails: list[str] = Field(default_factory=list)


class InspectionRescheduled(_InspectionEvent):
    """Staff moved an inspection to another date."""

    event_type: ClassVar[str] = "permitsuite.inspections.InspectionRescheduled.v1"

    number: str
    address: str | None = None
    from_date: dt.date
    date: dt.date
    by: str
    notify_emails: list[str] = Field(default_factory=list)


class InspectionCancelled(_InspectionEvent):
    """Cancelled by the requester before the cut-off, by staff, or because the
    permit expired or was cancelled (R-INS-5)."""

    event_type: ClassVar[str] = "permitsuite.inspections.InspectionCancelled.v1"

    number: str
    address: str | None = None
    date: dt.date
    by: str
    reason: str | None = None
    notify_emails: list[str] = Field(default_factory=list)


class InspectionResulted(_InspectionEvent):
    """An inspector recorded a result (R-INS-6); a pass restarts the R-PER-5 clock.

    ``result`` is the v1 vocabulary; ``outcome`` is the precise one (a
    ``not_ready`` outcome is ``no_access`` in ``result``)."""

    event_type: ClassVar[str] = "permitsuite.inspections.InspectionResulted.v1"

    result: Literal["pass", "fail", "partial", "cancelled", "no_access"]
    resulted_at: dt.datetime
    outcome: Literal["pass", "fail", "partial", "not_ready", "cancelled"] | None = None
    number: str | None = None
    date: dt.date | None = None
    comments: str | None = None
    corrections: list[str] = Field(default_factory=list)
    inspector: str | None = None
    notify_emails: list[str] = Field(default_factory=list)


class InspectionsConfigurationChanged(ConfigurationChanged):
    """The inspection calendar changed (the jurisdiction's audit trail)."""

    event_type: ClassVar[str] = "permitsuite.inspections.InspectionsConfigurationChanged.v1"
    topic: ClassVar[str] = INSPECTIONS_EVENTS
