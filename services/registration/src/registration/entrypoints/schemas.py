"""Request and response models of registration's HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, EmailStr, Field

from chassis.api import Page
from chassis.schemas import Patch, Strict, TimeZoneName


class LicenseType(Strict):
    code: str = Field(min_length=1, max_length=60, examples=["RESIDENTIAL_CONTRACTOR"])
    name: str = Field(min_length=1, max_length=200, examples=["Residential Contractor"])
    online: bool = Field(default=True, description="may be applied for online")


class RequirementIn(Strict):
    id: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_\-]+$")
    label: str = Field(min_length=1, max_length=200)
    kind: Literal["field", "document"]
    required: bool = True
    field_type: Literal["text", "number", "date", "license_number", "insurance_expiry"] = "text"
    accepted_types: list[str] = Field(default_factory=lambda: ["application/pdf"])
    max_bytes: int | None = Field(default=None, gt=0, le=50 * 1_048_576)
    trades: list[str] = Field(default_factory=list, description="applies if any is chosen")
    license_types: list[str] = Field(default_factory=list, description="applies if any is chosen")


class RegistrationConfig(Strict):
    enabled: bool = False
    acceptance_mode: Literal["automatic", "staff_review"] = "staff_review"
    time_zone: TimeZoneName = "UTC"
    trades: list[str] = Field(default_factory=list, examples=[["General", "Electrical"]])
    license_types: list[LicenseType] = Field(default_factory=list)
    requirements: list[RequirementIn] = Field(default_factory=list)


class StartIn(Strict):
    email: EmailStr


class Accepted(BaseModel):
    status: Literal["accepted"] = "accepted"
    detail: str


class Profile(Strict):
    address: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=40)
    zip: str | None = Field(default=None, max_length=20)
    phone: str | None = Field(default=None, max_length=40)
    cell: str | None = Field(default=None, max_length=40)
    fax: str | None = Field(default=None, max_length=40)
    company_email: EmailStr | None = None


class DraftPatch(Patch):
    clearable = frozenset({"license_number"})  # a typo'd number can be taken back
    company_name: str | None = Field(default=None, min_length=1, max_length=200)
    registrant_name: str | None = Field(default=None, min_length=1, max_length=200)
    license_number: str | None = Field(default=None, min_length=1, max_length=40)
    trades: list[str] | None = Field(default=None, max_length=20)
    license_types: list[str] | None = Field(default=None, max_length=20)
    profile: Profile | None = None


class FieldAnswer(Strict):
    value: str = Field(max_length=2000)


class SubmitIn(Strict):
    password: str = Field(
        min_length=1, max_length=1024, description="goes to identity, never stored here"
    )


class RequirementOut(BaseModel):
    id: str
    label: str
    kind: str
    required: bool
    field_type: str | None
    accepted_types: list[str] | None
    provided: bool
    value: str | None
    document: dict[str, Any] | None
    review: str | None = Field(description="approved, needs_info, or updated after needs_info")
    comment: str | None


class RegistrationOut(BaseModel):
    id: str
    jurisdiction_id: str
    email: str
    status: str
    round: int
    version: int
    company_name: str | None
    registrant_name: str | None
    license_number: str | None
    trades: list[str]
    license_types: list[str]
    profile: dict[str, Any]
    submitted_at: datetime | None
    decision_reason: str | None = Field(
        default=None, description="the reviewer's reason for the last decision (also emailed)"
    )
    requirements: list[RequirementOut]


class LinkView(BaseModel):
    """What an emailed registration link is for (reading it does not use it up)."""

    jurisdiction_id: str
    email: str
    company_name: str | None = None
    expires_at: datetime


class Opened(BaseModel):
    registration: RegistrationOut
    registration_token: str = Field(
        description="Send as X-Registration-Token on every call about this registration"
    )


class HistoryEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]


class StaffRegistrationOut(RegistrationOut):
    history: list[HistoryEntry]
    decision: dict[str, Any] | None
    account_id: str | None


class QueueItem(BaseModel):
    id: str
    email: str
    status: str
    round: int
    company_name: str | None
    trades: list[str]
    submitted_at: datetime | None


QueuePage = Page[QueueItem]


class RequirementReview(Strict):
    decision: Literal["approved", "needs_info"]
    comment: str | None = Field(default=None, max_length=2000)


class DecisionIn(Strict):
    decision: Literal["accept", "return", "deny"]
    reason: str | None = Field(default=None, max_length=2000)
    version: int = Field(ge=0, description="the version you reviewed (optimistic concurrency)")
