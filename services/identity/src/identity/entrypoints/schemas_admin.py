"""Jurisdictions, users, companies and audit: request and response bodies
(the sign-in, profile and recovery ones are in ``schemas.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, EmailStr, Field

from chassis.api import Page
from chassis.schemas import Patch, Strict
from contracts.identity import CompanyProfile
from contracts.scopes import SCOPES, Scope
from identity.domain.api_client import DEFAULT_RATE_LIMIT, MAX_RATE_LIMIT

StaffRole = Literal["admin", "permit_technician", "plan_reviewer", "cashier", "inspector"]
Delivery = Literal["invitation", "pin"]


class Features(BaseModel):
    public_self_enrollment: bool = True
    contractor_self_registration: bool = False
    online_payments: bool = False


class BrandingIn(Strict):
    display_name: str | None = Field(default=None, max_length=200)
    from_address: EmailStr | None = None
    logo_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")
    notice: str | None = Field(
        default=None,
        max_length=1000,
        description="a notice the portal's home page shows (closures, changed hours)",
    )


class FirstAdmin(Strict):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)


class JurisdictionIn(Strict):
    id: str = Field(min_length=1, max_length=40, examples=["demo"])
    name: str = Field(min_length=1, max_length=200, examples=["Demo County Building Department"])
    time_zone: str = Field(min_length=1, max_length=64, examples=["America/Boise"])
    features: Features = Field(default_factory=Features)
    branding: BrandingIn = Field(default_factory=BrandingIn)
    password_policy: Literal["asvs", "etrakit"] = "asvs"
    reset_requires_security_answer: bool = False
    first_admin: FirstAdmin | None = Field(
        default=None, description="Invite the jurisdiction's first staff admin by email"
    )


class JurisdictionPatch(Patch):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    time_zone: str | None = Field(default=None, min_length=1, max_length=64)
    features: Features | None = None
    branding: BrandingIn | None = None
    password_policy: Literal["asvs", "etrakit"] | None = None
    reset_requires_security_answer: bool | None = None


class BrandingOut(BaseModel):
    display_name: str | None = None
    from_address: str | None = None
    logo_url: str | None = None
    notice: str | None = None


class JurisdictionOut(BaseModel):
    id: str
    name: str
    time_zone: str
    features: Features
    branding: BrandingOut
    password_policy: str
    password_rules: list[str] = Field(
        default_factory=list, description="the policy's rules, as a password page lists them"
    )
    reset_requires_security_answer: bool


class DirectoryEntry(BaseModel):
    id: str
    name: str
    branding: BrandingOut


class UserIn(Strict):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    kind: Literal["staff", "community_member"]
    roles: list[StaffRole] = Field(default_factory=list)
    delivery: Delivery = Field(
        default="invitation",
        description="invitation: an activation link by email (valid 8 days); pin: a one-time "
        "PIN in this response, for the first login (R-ID-2)",
    )


class UserPatch(Patch):
    status: Literal["active", "disabled"] | None = None
    roles: list[StaffRole] | None = None


class UserOut(BaseModel):
    membership_id: str
    account_id: str
    email: str
    display_name: str
    kind: str
    status: str
    roles: list[str]
    company_ids: list[str]
    company_admin_of: list[str]


class UserCreated(UserOut):
    pin: str | None = Field(default=None, description="Shown once; hand it to the person")


UserPage = Page[UserOut]


class CompanyIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    license_number: str = Field(
        min_length=1, max_length=40, description="State license / AEC number"
    )
    trades: list[str] = Field(default_factory=list, max_length=20)
    address: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=40)
    zip: str | None = Field(default=None, max_length=20)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=40)
    cell: str | None = Field(default=None, max_length=40)
    fax: str | None = Field(default=None, max_length=40)


class CompanyPatch(Patch):
    clearable = frozenset({"address", "city", "state", "zip", "email", "phone", "cell", "fax"})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    license_number: str | None = Field(default=None, min_length=1, max_length=40)
    trades: list[str] | None = Field(default=None, max_length=20)
    address: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=40)
    zip: str | None = Field(default=None, max_length=20)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=40)
    cell: str | None = Field(default=None, max_length=40)
    fax: str | None = Field(default=None, max_length=40)


class CompanyOut(CompanyProfile):
    id: str


CompanyPage = Page[CompanyOut]


class CompanyUserIn(Strict):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    company_admin: bool = False
    delivery: Delivery = "invitation"


class AuditEntry(BaseModel):
    at: datetime
    action: str
    actor: str | None
    subject: str | None
    details: dict[str, Any]


def user_out(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "membership_id": doc["_id"],
        "account_id": doc["account_id"],
        "email": doc["email"],
        "display_name": doc.get("display_name", ""),
        "kind": doc["kind"],
        "status": doc["status"],
        "roles": list(doc.get("roles", [])),
        "company_ids": list(doc.get("company_ids", [])),
        "company_admin_of": list(doc.get("company_admin_of", [])),
    }


class PublicCompanyOut(BaseModel):
    """What anyone may read of a contracting company: its name."""

    id: str
    name: str


def company_out(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": doc["_id"], **{k: v for k, v in doc.items() if k in CompanyOut.model_fields}}


# -- API clients (issue 26) -------------------------------------------------------
class ApiClientIn(Strict):
    name: str = Field(min_length=1, max_length=200, description="what the system is")
    scopes: list[Scope] = Field(min_length=1, max_length=len(SCOPES))
    rate_limit_per_minute: int = Field(
        default=DEFAULT_RATE_LIMIT,
        ge=1,
        le=MAX_RATE_LIMIT,
        description="requests a minute the gateway lets this client make",
    )


class ApiClientPatch(Patch):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    scopes: list[Scope] | None = Field(default=None, min_length=1, max_length=len(SCOPES))
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=MAX_RATE_LIMIT)


class ApiClientOut(BaseModel):
    client_id: str
    name: str
    scopes: list[str]
    rate_limit_per_minute: int
    status: Literal["active", "revoked"]
    created_at: datetime
    created_by: str
    rotated_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(
        description="when it last got a token or made a call (to the minute)"
    )


class ApiClientWithSecret(ApiClientOut):
    client_secret: str = Field(description="Shown once: store it where the system keeps secrets")


class ApiClientList(BaseModel):
    items: list[ApiClientOut]


def api_client_out(client: Any) -> dict[str, Any]:
    return {
        "client_id": client.id,
        **{f: getattr(client, f) for f in ApiClientOut.model_fields if f != "client_id"},
    }


class ClientStandingOut(BaseModel):
    client_id: str
    name: str
    jurisdiction_id: str
    scopes: list[str] = Field(description="the token's scopes")
    rate_limit_per_minute: int
