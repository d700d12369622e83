"""The gateway's answers as the portal reads them: one model per kind of
answer, each field the portal's code relies on declared with its type.

The API's documents carry more than a page uses; the rest of a document
stays on its model (``extra="allow"``) for the templates, which read fields
by name either way (``p.site.street``). An answer that is not what the API
promises (a field missing, a wrong type) is the API failing: the client
(:mod:`portal.api`) says the service is unavailable, never a 500 from deep
in a page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

Doc = dict[str, Any]
T = TypeVar("T")


class Answer(BaseModel):
    """An API document: its declared fields typed, the rest kept as given."""

    model_config = ConfigDict(extra="allow")


class Listed(Answer, Generic[T]):
    """A page of a list (``limit``/``offset`` paging)."""

    items: list[T]
    total: int = 0
    limit: int = 0
    offset: int = 0


# -- the visitor ---------------------------------------------------------------
class Tokens(Answer):
    access_token: str
    refresh_token: str | None = None
    expires_in: int
    setup_required: bool = False


class Me(Answer):
    email: str
    display_name: str | None = None
    kind: str
    roles: list[str] = Field(default_factory=list)
    company_ids: list[str] = Field(default_factory=list)
    company_admin_of: list[str] = Field(default_factory=list)


class Company(Answer):
    id: str
    name: str | None = None


class CompanyUser(Answer):
    account_id: str
    email: str


class DirectoryEntry(Answer):
    """A jurisdiction as the start page lists it."""

    id: str
    name: str
    branding: Doc = Field(default_factory=dict)

    @field_validator("branding", mode="before")
    @classmethod
    def _no_branding(cls, value: Any) -> Any:
        return value or {}

    @property
    def logo_url(self) -> str | None:
        return self.branding.get("logo_url")

    def shown(self) -> Self:
        """As its pages show it: its branding's display name, if it has one."""
        display = self.branding.get("display_name")
        return self.model_copy(update={"name": display}) if display else self


class Jurisdiction(DirectoryEntry):
    """A jurisdiction's public profile: every date and time its pages show is
    in its ``time_zone``."""

    time_zone: str


# -- permits -------------------------------------------------------------------
class PermitType(Answer):
    code: str
    name: str
    kind: str = "permit"
    inspection_types: list[str] = Field(default_factory=list)
    fee_schedule: list[Doc] = Field(default_factory=list)


class Permit(Answer):
    id: str
    number: str
    type_code: str
    type_name: str | None = None
    status: str
    site: Doc = Field(default_factory=dict)
    description: str | None = None
    applicant: Doc = Field(default_factory=dict)
    owner: Doc | None = None
    company_ids: list[str] = Field(default_factory=list)
    issued_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def holder(self) -> str | None:
        """Whom the permit card names: the owner, else the applicant."""
        return (self.owner or {}).get("name") or self.applicant.get("name")

    @property
    def address(self) -> str:
        """``1 Main St, Kuna, ID 83634``."""
        s = self.site
        place = " ".join(p for p in (s.get("state"), s.get("zip")) if p)
        return ", ".join(p for p in (s.get("street"), s.get("city"), place) if p)


class PermitRow(Answer):
    """A row of My Active Permits."""

    id: str
    number: str


class PublicPermit(Answer):
    """A row of Search Permit: nothing personal."""

    number: str
    status: str


class PublicPermitPage(PublicPermit):
    """A search result's own page: also its contracting companies (ids)."""

    id: str
    company_ids: list[str] = Field(default_factory=list)


# -- fees and payments ---------------------------------------------------------
class MethodOffer(Answer):
    """A payment method on the Checkout Summary, with its own fee and total."""

    code: str
    label: str
    convenience_fee: str
    total_due: str


class CartPermit(Answer):
    permit_id: str
    number: str | None = None


class Cart(Answer):
    """The Checkout Summary; ``convenience_fee`` and ``total_due`` are the
    first method's until :meth:`choosing` another."""

    permits: list[CartPermit]
    methods: list[MethodOffer]
    currency: str
    total_fees: str
    convenience_fee: str
    total_due: str

    def offer(self, method: str | None) -> MethodOffer | None:
        """The method chosen, if offered; else the first (None: no method)."""
        offers = {m.code: m for m in self.methods}
        return offers.get(method or "") or next(iter(offers.values()), None)

    def choosing(self, offer: MethodOffer | None) -> Cart:
        """The summary whose totals block is ``offer``'s."""
        if offer is None:
            return self
        return self.model_copy(
            update={"convenience_fee": offer.convenience_fee, "total_due": offer.total_due}
        )


class PaidLine(Answer):
    name: str
    amount: str


class PaidItem(Answer):
    number: str
    lines: list[PaidLine]


class Payment(Answer):
    id: str
    status: str
    method: str | None = None
    method_label: str | None = None
    provider_reference: str | None = None
    hosted_url: str | None = None
    receipt_number: str | None = None
    items: list[PaidItem] = Field(default_factory=list)
    fees: str
    convenience_fee: str
    convenience_fee_label: str | None = None
    total: str
    currency: str
    payer_email: str | None = None
    payer_name: str | None = None
    failure_reason: str | None = None
    settled_at: datetime | None = None


# -- inspections ---------------------------------------------------------------
class Opening(Answer):
    date: date


class InspectionDates(Answer):
    """The days an inspection of a permit may be requested for (R-INS-2)."""

    time_zone: str
    next_day_cutoff: str
    dates: list[date] = Field(default_factory=list)
    openings: list[Opening] = Field(default_factory=list)


class Inspection(Answer):
    id: str
    permit_id: str
    inspection: str
    date: date
    status: str
    cancellable: bool
    cancel_until: datetime


class PublicInspection(Answer):
    inspection: str
    date: date
    status: str


# -- registration --------------------------------------------------------------
class LicenseType(Answer):
    code: str
    name: str
    online: bool = True


class RegistrationSettings(Answer):
    enabled: bool = False
    trades: list[str] = Field(default_factory=list)
    license_types: list[LicenseType] = Field(default_factory=list)


class Requirement(Answer):
    id: str
    label: str
    kind: str
    required: bool = False
    provided: bool = False
    value: str | None = None
    review: str | None = None
    accepted_types: list[str] | None = None


class Registration(Answer):
    id: str
    status: str
    company_name: str | None = None
    registrant_name: str | None = None
    license_number: str | None = None
    trades: list[str] = Field(default_factory=list)
    license_types: list[str] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)
    profile: Doc = Field(default_factory=dict)


class OpenedRegistration(Answer):
    """A confirmation or resume link used: the draft and its own token."""

    registration: Registration
    registration_token: str


class LinkView(Answer):
    """What an emailed one-time link is for, without using it up."""

    jurisdiction_id: str
    email: str
    existing_account: bool = False
    security_question: str | None = None
