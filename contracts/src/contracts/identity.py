"""Events published by the identity context on ``identity.events`` (version 1)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from contracts.events import IntegrationEvent
from contracts.topics import IDENTITY_EVENTS

MembershipKind = Literal["community_member", "contractor", "staff", "operator"]
EnrollmentKind = Literal["community_member", "contractor"]


class JurisdictionCreated(IntegrationEvent):
    """A hosting operator created a jurisdiction (tenant)."""

    event_type: ClassVar[str] = "permitsuite.identity.JurisdictionCreated.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "jurisdiction_id"

    jurisdiction_id: str
    name: str
    time_zone: str = Field(description="IANA time zone, e.g. America/Boise")


class EmailVerificationRequested(IntegrationEvent):
    """Someone asked to enroll; the email must be confirmed through a link.

    ``token`` is a secret: whoever holds it can complete the enrollment until
    ``expires_at``. Restrict read access to ``identity.events`` accordingly.
    """

    event_type: ClassVar[str] = "permitsuite.identity.EmailVerificationRequested.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "enrollment_id"

    enrollment_id: str
    jurisdiction_id: str
    jurisdiction_name: str
    email: str
    kind: EnrollmentKind
    token: str = Field(description="Single-use confirmation token (secret)")
    expires_at: datetime


class AccountActivated(IntegrationEvent):
    """An enrollment was completed: the account and its membership are active."""

    event_type: ClassVar[str] = "permitsuite.identity.AccountActivated.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "account_id"

    account_id: str
    membership_id: str
    jurisdiction_id: str
    email: str
    kind: MembershipKind
    display_name: str
