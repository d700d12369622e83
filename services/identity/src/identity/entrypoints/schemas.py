"""Sign-in, enrollment, profile and recovery: request and response bodies
(administration: ``schemas_admin.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field

from chassis.schemas import Patch, Strict

StaffRole = Literal["admin", "permit_technician", "plan_reviewer", "cashier", "inspector"]
Delivery = Literal["invitation", "pin"]


class EnrollmentIn(Strict):
    email: EmailStr
    kind: Literal["community_member", "contractor"] = "community_member"


class Accepted(BaseModel):
    status: Literal["accepted"] = "accepted"
    detail: str


class EnrollmentView(BaseModel):
    email: str
    kind: str
    jurisdiction_id: str
    jurisdiction_name: str
    expires_at: datetime
    existing_account: bool = Field(
        description="true: the person already has a Permitsuite login; enter its password"
    )


class EnrollmentComplete(Strict):
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)
    phone: str | None = Field(default=None, max_length=40)


class Activated(BaseModel):
    account_id: str
    membership_id: str
    jurisdiction_id: str
    kind: str


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer", "setup"] = "bearer"
    expires_in: int
    refresh_token: str | None = None
    jurisdiction_id: str | None
    scope: str | None = Field(
        default=None, description="an API client's token: the scopes it carries, space-separated"
    )
    setup_required: bool = Field(
        default=False,
        description="true after a first login with a PIN: the access token is a setup token "
        "that only POST /v1/me/setup accepts",
    )


class Me(BaseModel):
    account_id: str
    email: str
    display_name: str
    phone: str | None
    security_question: str | None
    jurisdiction_id: str | None
    kind: str
    roles: list[str]
    company_ids: list[str]
    company_admin_of: list[str]
    jurisdictions: list[str] = Field(description="every jurisdiction this login is a member of")


class MembershipSummary(BaseModel):
    jurisdiction_id: str
    jurisdiction_name: str
    kind: str
    roles: list[str]
    company_ids: list[str]


class ProfilePatch(Patch):
    clearable = frozenset({"phone"})
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)


class PasswordChange(Strict):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class SecurityQuestionChange(Strict):
    current_answer: str | None = Field(default=None, max_length=200)
    question: str = Field(min_length=3, max_length=200)
    answer: str = Field(min_length=1, max_length=200)


class FirstLoginSetup(Strict):
    new_password: str = Field(min_length=1, max_length=1024)
    security_question: str = Field(min_length=3, max_length=200)
    security_answer: str = Field(min_length=1, max_length=200)


class InvitationView(BaseModel):
    email: str
    jurisdiction_id: str
    jurisdiction_name: str
    expires_at: datetime
    existing_account: bool


class InvitationAccept(Strict):
    password: str = Field(min_length=1, max_length=1024)
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    security_question: str | None = Field(default=None, min_length=3, max_length=200)
    security_answer: str | None = Field(default=None, min_length=1, max_length=200)


class ResetRequest(Strict):
    email: EmailStr | None = None
    license_number: str | None = Field(default=None, min_length=1, max_length=40)


class ResetView(BaseModel):
    email: str
    jurisdiction_id: str
    expires_at: datetime
    security_question: str | None = Field(
        description="set when this jurisdiction requires the answer to reset"
    )


class ResetComplete(Strict):
    password: str = Field(min_length=1, max_length=1024)
    security_answer: str | None = Field(default=None, max_length=200)
