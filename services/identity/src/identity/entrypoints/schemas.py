"""Request and response models of identity's HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field


class Features(BaseModel):
    public_self_enrollment: bool = True
    contractor_self_registration: bool = False
    online_payments: bool = False


class JurisdictionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=40, examples=["demo"])
    name: str = Field(min_length=1, max_length=200, examples=["Demo County Building Department"])
    time_zone: str = Field(min_length=1, max_length=64, examples=["America/Boise"])
    features: Features = Field(default_factory=Features)


class JurisdictionOut(BaseModel):
    id: str
    name: str
    time_zone: str
    features: Features


class EnrollmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class EnrollmentComplete(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str
    jurisdiction_id: str | None


class Me(BaseModel):
    account_id: str
    email: str
    display_name: str
    phone: str | None
    jurisdiction_id: str | None
    kind: str
    roles: list[str]
    jurisdictions: list[str] = Field(description="every jurisdiction this login is a member of")
