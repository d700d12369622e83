"""Permits' request and response bodies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from chassis.access import is_staff, staff_roles
from chassis.api import Page
from chassis.money import amount_text
from chassis.numbers import (
    CurrencyCode,
    MoneyText,
    PositiveMoneyText,
    QuantityText,
    RateText,
    UnitText,
    ValuationText,
)
from chassis.principal import Principal
from chassis.schemas import Strict
from contracts.views import PermitDashboardRow
from permits.adapters.repositories import PermitRepository
from permits.domain.fees import balance_minor
from permits.domain.permit import Permit
from permits.domain.workflow import STATUS_LABELS, moves_for

Status = Literal[tuple(STATUS_LABELS)]  # type: ignore[valid-type]


class ManualFeeIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    amount: PositiveMoneyText
    reason: str = Field(min_length=1, max_length=500)


class FeeItemIn(Strict):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200, examples=["BUILDING PERMIT FEE"])
    kind: Literal["fixed", "valuation", "quantity"] = "fixed"
    amount: MoneyText = "0"
    rate: RateText = "0"
    per: UnitText = Field(default="1", description="valuation unit of the rate")
    minimum: MoneyText = "0"


class PermitTypeIn(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["RESIDENTIAL"])
    kind: Literal["permit", "project", "planning"] = "permit"
    number_format: str = Field(min_length=3, max_length=40, examples=["RES{yy}-{seq:04}"])
    inspection_types: list[str] = Field(default_factory=list)
    auto_issue: bool = False
    inactivity_days: int = Field(default=180, ge=1, le=3650)
    fee_schedule: list[FeeItemIn] = Field(default_factory=list)
    currency: CurrencyCode = "USD"


class PermitTypeOut(PermitTypeIn):
    model_config = ConfigDict(extra="ignore")

    code: str


class PartyIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None


class SiteIn(Strict):
    street: str = Field(min_length=1, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=40)
    zip: str | None = Field(default=None, max_length=20)
    parcel: str | None = Field(default=None, max_length=60)


class ApplicationIn(Strict):
    type_code: str = Field(min_length=1, max_length=40)
    site: SiteIn
    description: str | None = Field(default=None, max_length=4000)
    valuation: ValuationText | None = None
    applicant: PartyIn
    owner: PartyIn | None = None
    company_ids: list[str] = Field(default_factory=list, max_length=10)

    @property
    def valuation_decimal(self) -> Decimal:
        return Decimal(self.valuation or "0")


class HistoryOut(BaseModel):
    at: datetime
    by: str
    from_status: str | None = Field(alias="from")
    to: str
    comment: str | None


class DocumentOut(BaseModel):
    file_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    at: datetime


class FeeLineOut(BaseModel):
    id: str
    code: str | None
    name: str
    amount: str
    amount_minor: int
    currency: str
    status: str
    reason: str | None = None


class AssessItemIn(Strict):
    code: str = Field(min_length=1, max_length=40, examples=["BLDG"])
    quantity: QuantityText | None = Field(
        default=None, description="for items charged per quantity"
    )


class AssessIn(Strict):
    items: list[AssessItemIn] = Field(default_factory=list, max_length=100)
    manual: list[ManualFeeIn] = Field(default_factory=list, max_length=100)


class QuotedLineOut(BaseModel):
    code: str | None
    name: str
    amount: str
    reason: str | None = None


class FeeQuoteOut(BaseModel):
    lines: list[QuotedLineOut]
    total: str


class VoidIn(Strict):
    reason: str = Field(min_length=1, max_length=500)


class CommentOut(BaseModel):
    id: str
    at: datetime
    by: str
    text: str


class PartiesIn(Strict):
    add_companies: list[str] = Field(default_factory=list, max_length=10)
    remove_companies: list[str] = Field(default_factory=list, max_length=10)
    applicant_email: EmailStr | None = None
    owner_email: EmailStr | None = None


class CommentIn(Strict):
    text: str = Field(min_length=1, max_length=4000)


class LinkIn(Strict):
    number: str = Field(min_length=3, max_length=40, examples=["RES17-0150"])
    second_fact: str = Field(
        min_length=1,
        max_length=40,
        description="the site's street number, its zip, or the access code on the application",
    )


class MoveOut(BaseModel):
    to: str
    label: str


class PermitOut(BaseModel):
    id: str
    number: str
    type_code: str
    type_name: str
    kind: str
    status: str
    status_label: str
    version: int
    site: dict[str, Any]
    description: str | None
    valuation: str
    applicant: dict[str, Any]
    owner: dict[str, Any] | None
    company_ids: list[str]
    applied_at: datetime
    access_code: str | None = Field(
        default=None, description="printed on the application; with the number it links a permit"
    )
    comments: list[CommentOut] | None = None
    fees: list[FeeLineOut] = Field(default_factory=list)
    documents: list[DocumentOut] = Field(default_factory=list)
    fees_due: str = Field(default="0.00", description="open balance (R-PAY-6)")
    issued_at: datetime | None = None
    last_activity_at: datetime | None = Field(
        default=None, description="issuance or the last passing inspection (R-PER-5)"
    )
    expires_at: datetime | None = Field(
        default=None, description="without a passing inspection before this, it expires"
    )
    history: list[HistoryOut] | None = None
    moves: list[MoveOut] = Field(
        default_factory=list,
        description="where the caller may move it now (staff: by their roles and the "
        "transition table; everyone else: none)",
    )


PermitPage = Page[PermitOut]


class TransitionIn(Strict):
    to: Status  # type: ignore[valid-type]
    comment: str | None = Field(default=None, max_length=2000)
    version: int = Field(ge=1, description="the version you saw (optimistic concurrency)")


def permit_doc(permit: Permit) -> dict[str, Any]:
    """A permit as routes render it (and an Idempotency-Key's record keeps it)."""
    return PermitRepository.to_doc(permit)


def permit_out(found: Permit | dict[str, Any], viewer: Principal | None = None) -> PermitOut:
    """A permit, or the document of one (a read view's, a replayed key's);
    with ``viewer``, the moves its staff may make now."""
    doc = permit_doc(found) if isinstance(found, Permit) else found
    lines = doc.get("fees", [])
    roles = staff_roles(viewer) if viewer is not None and is_staff(viewer) else []
    return PermitOut(
        id=doc["_id"],
        status_label=STATUS_LABELS[doc["status"]],
        moves=[MoveOut(to=s, label=STATUS_LABELS[s]) for s in moves_for(doc["status"], roles)],
        fees=[FeeLineOut(amount=amount_text(ln["amount_minor"]), **ln) for ln in lines],
        fees_due=amount_text(balance_minor(lines)),
        documents=doc.get("documents", []),
        **{
            k: doc.get(k)
            for k in PermitOut.model_fields
            if k not in ("id", "status_label", "fees", "fees_due", "documents", "moves")
        },
    )


DashboardRow = PermitDashboardRow


class DashboardPage(Page[DashboardRow]):
    total_fees_due: str = Field(default="0.00", description="over every permit listed, all pages")
