"""Events published by the identity context on ``identity.events`` (version 1)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.events import IntegrationEvent
from contracts.topics import IDENTITY_EVENTS

MembershipKind = Literal["community_member", "contractor", "staff", "operator"]
StaffRole = Literal["admin", "permit_technician", "plan_reviewer", "cashier", "inspector"]
EnrollmentKind = Literal["community_member", "contractor"]


class Branding(BaseModel):
    """How a jurisdiction presents itself in emails and portals."""

    model_config = ConfigDict(frozen=True)

    display_name: str
    from_address: str | None = None
    logo_url: str | None = None


class JurisdictionCreated(IntegrationEvent):
    """A hosting operator created a jurisdiction (tenant)."""

    event_type: ClassVar[str] = "permitsuite.identity.JurisdictionCreated.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "jurisdiction_id"

    jurisdiction_id: str
    name: str
    time_zone: str = Field(description="IANA time zone, e.g. America/Boise")
    branding: Branding | None = None
    online_payments: bool | None = None


class JurisdictionUpdated(IntegrationEvent):
    """A jurisdiction's profile changed; carries the whole new profile."""

    event_type: ClassVar[str] = "permitsuite.identity.JurisdictionUpdated.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "jurisdiction_id"

    jurisdiction_id: str
    name: str
    time_zone: str
    branding: Branding
    online_payments: bool


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


class MembershipGranted(IntegrationEvent):
    """An account became an active member of a jurisdiction, or its kind/roles changed."""

    event_type: ClassVar[str] = "permitsuite.identity.MembershipGranted.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "membership_id"

    membership_id: str
    account_id: str
    jurisdiction_id: str
    email: str
    kind: MembershipKind
    roles: list[str] = Field(default_factory=list)
    company_ids: list[str] = Field(default_factory=list)


class MembershipRevoked(IntegrationEvent):
    """A membership was disabled: its sessions are revoked."""

    event_type: ClassVar[str] = "permitsuite.identity.MembershipRevoked.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "membership_id"

    membership_id: str
    account_id: str
    jurisdiction_id: str
    email: str
    reason: str


class CompanyProfile(BaseModel):
    """A contracting company's details (R-ID-5)."""

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


class Company(CompanyProfile):
    """A contracting company as carried by events."""

    company_id: str


class CompanyCreated(IntegrationEvent):
    """Staff created a contracting company, or a registration was accepted."""

    event_type: ClassVar[str] = "permitsuite.identity.CompanyCreated.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "company_id"

    company_id: str
    jurisdiction_id: str
    company: Company


class CompanyUpdated(IntegrationEvent):
    """Carries the whole new company profile."""

    event_type: ClassVar[str] = "permitsuite.identity.CompanyUpdated.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "company_id"

    company_id: str
    jurisdiction_id: str
    company: Company


class AuthorizedUserAdded(IntegrationEvent):
    """An account may now act online for a contracting company (R-ID-6)."""

    event_type: ClassVar[str] = "permitsuite.identity.AuthorizedUserAdded.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "company_id"

    company_id: str
    jurisdiction_id: str
    account_id: str
    email: str
    company_admin: bool


class AuthorizedUserRemoved(IntegrationEvent):
    """An account may no longer act for a company; its sessions were revoked."""

    event_type: ClassVar[str] = "permitsuite.identity.AuthorizedUserRemoved.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "company_id"

    company_id: str
    jurisdiction_id: str
    account_id: str
    email: str


class InvitationIssued(IntegrationEvent):
    """Staff invited someone; the email carries a single-use activation link.

    ``token`` is a secret (see EmailVerificationRequested).
    """

    event_type: ClassVar[str] = "permitsuite.identity.InvitationIssued.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "invitation_id"

    invitation_id: str
    jurisdiction_id: str
    jurisdiction_name: str
    email: str
    kind: MembershipKind
    roles: list[str] = Field(default_factory=list)
    company_name: str | None = None
    token: str = Field(description="Single-use activation token (secret)")
    expires_at: datetime


class PasswordResetRequested(IntegrationEvent):
    """A reset link was issued (only when the email or license matched an account).

    ``token`` is a secret (see EmailVerificationRequested).
    """

    event_type: ClassVar[str] = "permitsuite.identity.PasswordResetRequested.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "reset_id"

    reset_id: str
    account_id: str
    jurisdiction_id: str
    jurisdiction_name: str
    email: str
    token: str = Field(description="Single-use reset token (secret)")
    expires_at: datetime


class PasswordChanged(IntegrationEvent):
    """An account's password changed (by reset, by the user, or at first login)."""

    event_type: ClassVar[str] = "permitsuite.identity.PasswordChanged.v1"
    topic: ClassVar[str] = IDENTITY_EVENTS
    subject_field: ClassVar[str] = "account_id"

    account_id: str
    jurisdiction_id: str
    jurisdiction_name: str
    email: str
    changed_at: datetime
    how: Literal["reset", "change", "first_login"]
