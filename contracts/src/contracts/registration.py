"""Events published by the registration context on ``registration.events`` (version 1).

The registration service (a later issue) publishes these; identity consumes
``RegistrationAccepted`` to create the company and activate the registrant.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.events import IntegrationEvent
from contracts.topics import REGISTRATION_EVENTS


class RegisteredCompany(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    license_number: str = Field(description="State license / AEC record number")
    trades: list[str] = Field(default_factory=list)
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    email: str | None = None
    phone: str | None = None
    cell: str | None = None
    fax: str | None = None


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
