"""Events published by the registration context on ``registration.events`` (version 1).

The registration service (a later issue) publishes these; identity consumes
``RegistrationAccepted`` to create the company and activate the registrant.
"""

from __future__ import annotations

from typing import ClassVar

from contracts.events import IntegrationEvent
from contracts.identity import CompanyProfile
from contracts.topics import REGISTRATION_EVENTS


class RegisteredCompany(CompanyProfile):
    """The company a registrant described."""


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
