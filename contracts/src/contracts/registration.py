"""Events published by the registration context on ``registration.events`` (version 1).

The registration service (a later issue) publishes these; identity consumes
``RegistrationAccepted`` to create the company and activate the registrant.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from contracts.events import ConfigurationChanged, IntegrationEvent
from contracts.identity import CompanyProfile
from contracts.topics import REGISTRATION_EVENTS


class RegisteredCompany(CompanyProfile):
    """The company a registrant described."""


class RegistrationEmailConfirmationRequested(IntegrationEvent):
    """Someone asked to register a contracting company (R-REG-2, step 1).

    ``token`` is a secret: whoever holds it can open the registration draft.
    """

    event_type: ClassVar[str] = "permitsuite.registration.RegistrationEmailConfirmationRequested.v1"
    topic: ClassVar[str] = REGISTRATION_EVENTS
    subject_field: ClassVar[str] = "start_id"

    start_id: str
    jurisdiction_id: str
    email: str
    token: str = Field(description="Single-use confirmation token (secret)")
    expires_at: datetime


class RegistrationSubmitted(IntegrationEvent):
    """A registration was submitted (first round); staff review may follow."""

    event_type: ClassVar[str] = "permitsuite.registration.RegistrationSubmitted.v1"
    topic: ClassVar[str] = REGISTRATION_EVENTS
    subject_field: ClassVar[str] = "registration_id"

    registration_id: str
    jurisdiction_id: str
    registrant_email: str
    company_name: str
    trades: list[str] = Field(default_factory=list)
    license_types: list[str] = Field(default_factory=list)
    acceptance_mode: Literal["automatic", "staff_review"]


class RegistrationAccepted(IntegrationEvent):
    """A contractor registration was accepted (automatically or by staff, R-REG-5)."""

    event_type: ClassVar[str] = "permitsuite.registration.RegistrationAccepted.v1"
    topic: ClassVar[str] = REGISTRATION_EVENTS
    subject_field: ClassVar[str] = "registration_id"

    registration_id: str
    jurisdiction_id: str
    registrant_email: str
    registrant_name: str
    company: RegisteredCompany
    registrant_account_id: str | None = None
    license_types: list[str] = Field(default_factory=list)


class NeedsInfo(BaseModel):
    requirement_id: str
    label: str
    comment: str


class RegistrationReturned(IntegrationEvent):
    """Staff need more information (R-REG-4); the registrant updates and resubmits.

    ``resume_token`` is a secret: it reopens the registration for its registrant.
    """

    event_type: ClassVar[str] = "permitsuite.registration.RegistrationReturned.v1"
    topic: ClassVar[str] = REGISTRATION_EVENTS
    subject_field: ClassVar[str] = "registration_id"

    registration_id: str
    jurisdiction_id: str
    registrant_email: str
    company_name: str
    round: int
    needs_info: list[NeedsInfo]
    comment: str | None = None
    resume_token: str = Field(description="Single-use token to reopen the registration (secret)")
    resume_expires_at: datetime


class RegistrationResubmitted(IntegrationEvent):
    event_type: ClassVar[str] = "permitsuite.registration.RegistrationResubmitted.v1"
    topic: ClassVar[str] = REGISTRATION_EVENTS
    subject_field: ClassVar[str] = "registration_id"

    registration_id: str
    jurisdiction_id: str
    registrant_email: str
    round: int


class RegistrationDenied(IntegrationEvent):
    """Final: a new registration may be started."""

    event_type: ClassVar[str] = "permitsuite.registration.RegistrationDenied.v1"
    topic: ClassVar[str] = REGISTRATION_EVENTS
    subject_field: ClassVar[str] = "registration_id"

    registration_id: str
    jurisdiction_id: str
    registrant_email: str
    company_name: str
    reason: str


class RegistrationConfigurationChanged(ConfigurationChanged):
    """Registration settings changed (the jurisdiction's audit trail)."""

    event_type: ClassVar[str] = "permitsuite.registration.RegistrationConfigurationChanged.v1"
    topic: ClassVar[str] = REGISTRATION_EVENTS
