"""Events of the inspections context on ``inspections.events`` (version 1).

Defined here ahead of the inspections service so permits can consume them.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from contracts.events import IntegrationEvent
from contracts.topics import INSPECTIONS_EVENTS


class InspectionResulted(IntegrationEvent):
    """An inspector recorded a result (R-INS-6); a pass restarts the R-PER-5 clock."""

    event_type: ClassVar[str] = "permitsuite.inspections.InspectionResulted.v1"
    topic: ClassVar[str] = INSPECTIONS_EVENTS
    subject_field: ClassVar[str] = "inspection_id"

    inspection_id: str
    jurisdiction_id: str
    permit_id: str
    inspection_type: str
    result: Literal["pass", "fail", "partial", "cancelled", "no_access"]
    resulted_at: datetime
