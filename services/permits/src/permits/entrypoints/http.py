"""Permits' HTTP routes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from chassis.auth import CurrentUser
from chassis.documents import DOWNLOAD_RESPONSES, download_response, upload_chunks
from chassis.errors import problem_responses
from chassis.idempotency import Idempotency, IdempotentCall
from chassis.numbers import (
    CurrencyCode,
    MoneyText,
    PositiveMoneyText,
    QuantityText,
    RateText,
    UnitText,
    ValuationText,
)
from chassis.paging import Offset
from chassis.schemas import Strict
from permits.domain.fees import balance_minor
from permits.domain.model import STATUS_LABELS
from permits.handlers import documents, fees, parties, permits, views
from permits.handlers.permits import PermitsApp

PROBLEMS = problem_responses(400, 401, 403, 404, 409, 413, 422)
Status = Literal[tuple(STATUS_LABELS)]  # type: ignore[valid-type]


def get_app(request: Request) -> PermitsApp:
    return request.app.state.permits  # type: ignore[no-any-return]


App = Annotated[PermitsApp, Depends(get_app)]


TransitionCall = Annotated[
    IdempotentCall, Depends(Idempotency("permits.transition", required=False))
]
VoidCall = Annotated[IdempotentCall, Depends(Idempotency("permits.fees.void"))]
AssessCall = Annotated[IdempotentCall, Depends(Idempotency("permits.fees.assess"))]


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
    manual: list[ManualFeeIn] = Field(default_factory=list)


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


class PermitPage(BaseModel):
    items: list[PermitOut]
    total: int
    limit: int
    offset: int


class TransitionIn(Strict):
    to: Status  # type: ignore[valid-type]
    comment: str | None = Field(default=None, max_length=2000)
    version: int = Field(ge=1, description="the version you saw (optimistic concurrency)")


def _money(minor: int) -> str:
    return f"{Decimal(minor) / 100:.2f}"


def _out(doc: dict[str, Any]) -> PermitOut:
    lines = doc.get("fees", [])
    return PermitOut(
        id=doc["_id"],
        status_label=STATUS_LABELS[doc["status"]],
        fees=[FeeLineOut(amount=_money(ln["amount_minor"]), **ln) for ln in lines],
        fees_due=_money(balance_minor(lines)),
        documents=doc.get("documents", []),
        **{
            k: doc.get(k)
            for k in PermitOut.model_fields
            if k not in ("id", "status_label", "fees", "fees_due", "documents")
        },
    )


router = APIRouter(prefix="/v1/jurisdictions/{jurisdiction_id}", responses=PROBLEMS)


@router.get(
    "/permit-types",
    response_model=list[PermitTypeOut],
    tags=["permit types"],
    summary="Permit types and their numbering (public)",
)
async def list_types(jurisdiction_id: str, app: App) -> list[PermitTypeOut]:
    return [PermitTypeOut(**d) for d in await permits.list_types(app, jurisdiction_id)]


@router.put(
    "/permit-types/{code}",
    response_model=PermitTypeOut,
    tags=["permit types"],
    summary="Create or change a permit type (staff admin)",
)
async def put_type(
    jurisdiction_id: str,
    code: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,40}$", examples=["RES"])],
    body: PermitTypeIn,
    user: CurrentUser,
    app: App,
) -> PermitTypeOut:
    return PermitTypeOut(
        **await permits.put_type(app, user, jurisdiction_id, code.upper(), body.model_dump())
    )


@router.post(
    "/permits",
    status_code=201,
    response_model=PermitOut,
    tags=["permits"],
    summary="Apply: a numbered application, status SUBMITTED (R-PER-1)",
)
async def apply(
    jurisdiction_id: str, body: ApplicationIn, user: CurrentUser, app: App
) -> PermitOut:
    return _out(await permits.apply(app, user, jurisdiction_id, body.model_dump(mode="json")))


@router.get(
    "/permits",
    response_model=PermitPage,
    tags=["permits"],
    summary="Permits the caller may see (staff: all), newest first",
)
async def list_permits(
    jurisdiction_id: str,
    user: CurrentUser,
    app: App,
    limit: int = Query(default=50, ge=1, le=200),
    offset: Offset = 0,
) -> PermitPage:
    docs, total = await permits.my_permits(app, user, jurisdiction_id, limit=limit, offset=offset)
    return PermitPage(items=[_out(d) for d in docs], total=total, limit=limit, offset=offset)


@router.get(
    "/permits/{permit_id}",
    response_model=PermitOut,
    tags=["permits"],
    summary="A permit (only for those R-ID-6 allows; others get 404)",
)
async def get_permit(
    jurisdiction_id: str, permit_id: str, user: CurrentUser, app: App
) -> PermitOut:
    return _out(await permits.get_permit(app, user, jurisdiction_id, permit_id))


@router.post(
    "/permits/{permit_id}/transitions",
    response_model=PermitOut,
    tags=["permits"],
    summary="Move a permit along its workflow (staff; R-PER-3)",
)
async def transition(
    jurisdiction_id: str,
    permit_id: str,
    body: TransitionIn,
    user: CurrentUser,
    app: App,
    call: TransitionCall,
) -> PermitOut:
    return _out(
        await call.run(
            lambda: permits.transition(
                app,
                user,
                jurisdiction_id,
                permit_id,
                to=body.to,
                comment=body.comment,
                version=body.version,
            )
        )
    )


@router.patch(
    "/permits/{permit_id}/parties",
    response_model=PermitOut,
    tags=["permits"],
    summary="Add or remove contracting companies, correct applicant/owner emails",
)
async def change_parties(
    jurisdiction_id: str, permit_id: str, body: PartiesIn, user: CurrentUser, app: App
) -> PermitOut:
    return _out(
        await parties.change_parties(
            app,
            user,
            jurisdiction_id,
            permit_id,
            add_companies=body.add_companies,
            remove_companies=body.remove_companies,
            applicant_email=str(body.applicant_email) if body.applicant_email else None,
            owner_email=str(body.owner_email) if body.owner_email else None,
        )
    )


@router.post(
    "/permits/{permit_id}/comments",
    response_model=PermitOut,
    tags=["permits"],
    summary="A review comment from the department (R-PER-4)",
)
async def comment(
    jurisdiction_id: str, permit_id: str, body: CommentIn, user: CurrentUser, app: App
) -> PermitOut:
    return _out(await parties.add_comment(app, user, jurisdiction_id, permit_id, body.text))


@router.post(
    "/permit-links",
    response_model=PermitOut,
    tags=["permits"],
    summary="Link a permit to my account: its number plus a second fact (R-ID-6)",
    description="Failures are throttled; a wrong number and a wrong fact look the same.",
)
async def link(jurisdiction_id: str, body: LinkIn, user: CurrentUser, app: App) -> PermitOut:
    return _out(
        await parties.link(
            app, user, jurisdiction_id, number=body.number, second_fact=body.second_fact
        )
    )


@router.delete(
    "/permits/{permit_id}/link",
    status_code=204,
    tags=["permits"],
    summary="Unlink a permit from my account",
)
async def unlink(jurisdiction_id: str, permit_id: str, user: CurrentUser, app: App) -> Response:
    await parties.unlink(app, user, jurisdiction_id, permit_id)
    return Response(status_code=204)


@router.post(
    "/permits/{permit_id}/fees",
    response_model=PermitOut,
    tags=["fees"],
    summary="Assess fees from the schedule or manual lines (R-PAY-1)",
)
async def assess(
    jurisdiction_id: str,
    permit_id: str,
    body: AssessIn,
    user: CurrentUser,
    app: App,
    call: AssessCall,
) -> PermitOut:
    return _out(
        await call.run(
            lambda: fees.assess(
                app,
                user,
                jurisdiction_id,
                permit_id,
                items=[i.model_dump(exclude_none=True) for i in body.items],
                manual=[m.model_dump() for m in body.manual],
            )
        )
    )


@router.post(
    "/permits/{permit_id}/fees/{line_id}/void",
    response_model=PermitOut,
    tags=["fees"],
    summary="Void an open fee line, with a reason",
)
async def void(
    jurisdiction_id: str,
    permit_id: str,
    line_id: str,
    body: VoidIn,
    user: CurrentUser,
    app: App,
    call: VoidCall,
) -> PermitOut:
    return _out(
        await call.run(
            lambda: fees.void(app, user, jurisdiction_id, permit_id, line_id, body.reason)
        )
    )


class DashboardRow(BaseModel):
    id: str
    number: str
    address: str
    type: str
    status: str
    status_label: str
    inspection_available: bool
    fees_due: str
    expired_at: datetime | None = None


class DashboardPage(BaseModel):
    items: list[DashboardRow]
    total: int
    limit: int
    offset: int
    total_fees_due: str = Field(default="0.00", description="over every permit listed, all pages")


@router.get(
    "/dashboard/permits",
    response_model=DashboardPage,
    tags=["dashboards"],
    summary="My Active Permits (R-DASH-1) or, with which=expired, My Expired Permits",
)
async def dashboard(
    jurisdiction_id: str,
    user: CurrentUser,
    app: App,
    which: Literal["active", "expired"] = "active",
    limit: int = Query(default=50, ge=1, le=200),
    offset: Offset = 0,
) -> DashboardPage:
    rows, total, due = await views.dashboard(
        app, user, jurisdiction_id, which=which, limit=limit, offset=offset
    )
    items = [DashboardRow(fees_due=_money(r.pop("fees_due_minor")), **r) for r in rows]
    return DashboardPage(
        items=items, total=total, limit=limit, offset=offset, total_fees_due=_money(due)
    )


@router.get(
    "/permit-search",
    response_model=PermitPage,
    tags=["permits"],
    summary="Staff search: number, street prefix, parcel, status, type, applicant, "
    "company, application dates; newest first, paginated",
)
async def search(
    jurisdiction_id: str,
    user: CurrentUser,
    app: App,
    number: str | None = Query(default=None, max_length=40),
    address: str | None = Query(default=None, max_length=200),
    parcel: str | None = Query(default=None, max_length=60),
    status: Status | None = None,  # type: ignore[valid-type]
    type_code: str | None = Query(default=None, max_length=40),
    applicant: str | None = Query(default=None, max_length=320),
    company_id: str | None = Query(default=None, max_length=60),
    applied_from: datetime | None = None,
    applied_to: datetime | None = None,
    limit: int = Query(default=50, ge=1, le=200),
    offset: Offset = 0,
) -> PermitPage:
    filters = {
        "number": number,
        "address": address,
        "parcel": parcel,
        "status": status,
        "type_code": type_code,
        "applicant": applicant,
        "company_id": company_id,
        "applied_from": applied_from,
        "applied_to": applied_to,
    }
    docs, total = await views.staff_search(
        app, user, jurisdiction_id, filters=filters, limit=limit, offset=offset
    )
    return PermitPage(items=[_out(d) for d in docs], total=total, limit=limit, offset=offset)


@router.post(
    "/permits/{permit_id}/documents",
    response_model=PermitOut,
    tags=["permits"],
    summary="Attach a document (PDF, PNG, JPEG; type checked by content; size-limited)",
)
async def attach(
    jurisdiction_id: str,
    permit_id: str,
    file: UploadFile,
    request: Request,
    user: CurrentUser,
    app: App,
) -> PermitOut:
    max_bytes = request.app.state.runtime.settings.max_document_bytes
    return _out(
        await documents.attach(
            app,
            user,
            jurisdiction_id,
            permit_id,
            filename=file.filename or "",
            chunks=upload_chunks(file),
            max_bytes=max_bytes,
        )
    )


@router.get(
    "/permits/{permit_id}/documents/{file_id}",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
    tags=["permits"],
    summary="Download a permit's document",
)
async def download(
    jurisdiction_id: str, permit_id: str, file_id: str, user: CurrentUser, app: App
) -> StreamingResponse:
    stream = await documents.open_document(app, user, jurisdiction_id, permit_id, file_id)

    return download_response(stream)
