"""Events published by the permits context on ``permits.events`` (version 1)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.events import ConfigurationChanged, IntegrationEvent
from contracts.topics import PERMITS_EVENTS


class Party(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    email: str | None = None


class SiteAddress(BaseModel):
    model_config = ConfigDict(frozen=True)

    street: str
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    parcel: str | None = None


class PermitApplied(IntegrationEvent):
    """An application was received and numbered (R-PER-1)."""

    event_type: ClassVar[str] = "permitsuite.permits.PermitApplied.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    type_code: str
    type_name: str
    kind: str
    status: str
    site: SiteAddress
    applicant: Party
    owner: Party | None = None
    company_ids: list[str] = Field(default_factory=list)
    version: int = Field(description="aggregate version: consumers order a permit's events by it")


class PermitStatusChanged(IntegrationEvent):
    """A permit moved along its workflow (R-PER-3)."""

    event_type: ClassVar[str] = "permitsuite.permits.PermitStatusChanged.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    from_status: str
    to_status: str
    by: str
    at: datetime
    comment: str | None = None
    version: int


class PermitPartiesChanged(IntegrationEvent):
    """Who is on a permit changed; carries the full new set (R-ID-6 access data)."""

    event_type: ClassVar[str] = "permitsuite.permits.PermitPartiesChanged.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    applicant: Party
    owner: Party | None = None
    company_ids: list[str] = Field(default_factory=list)
    linked_accounts: list[str] = Field(default_factory=list)
    version: int


class PermitLinked(IntegrationEvent):
    """A public user linked a permit to their account (number plus a second fact)."""

    event_type: ClassVar[str] = "permitsuite.permits.PermitLinked.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    account_id: str
    version: int


class PermitUnlinked(IntegrationEvent):
    event_type: ClassVar[str] = "permitsuite.permits.PermitUnlinked.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    account_id: str
    version: int


class FeeLine(BaseModel):
    """Money in events: integer minor units plus an ISO 4217 currency."""

    model_config = ConfigDict(frozen=True)

    line_id: str
    code: str | None = None
    name: str
    amount_minor: int
    currency: str = "USD"


class FeeAssessed(IntegrationEvent):
    """Fee lines were added to a permit (R-PAY-1); carries what payments needs."""

    event_type: ClassVar[str] = "permitsuite.permits.FeeAssessed.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    type_name: str
    site: SiteAddress
    lines: list[FeeLine]
    balance_minor: int
    currency: str = "USD"
    payer_emails: list[str] = Field(default_factory=list, description="applicant and owner")
    company_ids: list[str] = Field(default_factory=list)
    version: int


class FeeVoided(IntegrationEvent):
    event_type: ClassVar[str] = "permitsuite.permits.FeeVoided.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    line_id: str
    reason: str
    balance_minor: int
    currency: str = "USD"
    version: int


class PermitIssued(IntegrationEvent):
    """A permit was issued (R-PER-6); inspections may now be scheduled (R-INS-1)."""

    event_type: ClassVar[str] = "permitsuite.permits.PermitIssued.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    type_name: str
    site: SiteAddress
    inspection_types: list[str] = Field(default_factory=list)
    issued_at: datetime
    expires_at: datetime
    automatic: bool
    applicant: Party
    owner: Party | None = None
    company_ids: list[str] = Field(default_factory=list)
    version: int


class PermitExpiring(IntegrationEvent):
    """Reminder: no passing inspection yet and the permit expires soon (R-PER-5)."""

    event_type: ClassVar[str] = "permitsuite.permits.PermitExpiring.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    expires_at: datetime
    applicant: Party
    owner: Party | None = None
    company_ids: list[str] = Field(default_factory=list)


class PermitExpired(IntegrationEvent):
    """No passing inspection within the jurisdiction's days: EXPIRED (R-PER-5)."""

    event_type: ClassVar[str] = "permitsuite.permits.PermitExpired.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    expired_at: datetime
    applicant: Party
    owner: Party | None = None
    company_ids: list[str] = Field(default_factory=list)
    version: int


class PermitCancelled(IntegrationEvent):
    event_type: ClassVar[str] = "permitsuite.permits.PermitCancelled.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    by: str
    at: datetime
    comment: str | None = None
    version: int


class PermitReinstated(IntegrationEvent):
    """Staff brought back a cancelled or expired permit (an extension, R-PER-5)."""

    event_type: ClassVar[str] = "permitsuite.permits.PermitReinstated.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
    subject_field: ClassVar[str] = "permit_id"

    permit_id: str
    jurisdiction_id: str
    number: str
    from_status: str
    to_status: str
    by: str
    at: datetime
    comment: str | None = None
    version: int


class PermitsConfigurationChanged(ConfigurationChanged):
    """A permit type changed (the jurisdiction's audit trail)."""

    event_type: ClassVar[str] = "permitsuite.permits.PermitsConfigurationChanged.v1"
    topic: ClassVar[str] = PERMITS_EVENTS
