"""Routes for anyone, without a login: Search Permit and a result's own
page (public fields only; rate-limited per client at the gateway)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from chassis.errors import problem_responses
from permits.domain.workflow import STATUS_LABELS
from permits.entrypoints.dependencies import App
from permits.service_layer import views

router = APIRouter(tags=["permits"], responses=problem_responses(400, 404, 422))


class PublicPermitOut(BaseModel):
    """What anyone may see of a permit (Search Permit): nothing personal."""

    number: str
    address: str | None
    type: str
    status: str
    status_label: str
    issued_at: datetime | None = None
    expires_at: datetime | None = None


class PublicPermitPage(PublicPermitOut):
    """A search result's page: also the work, the site's city and zip, when it
    was applied for, and its contracting companies (ids; their names are
    public at identity)."""

    id: str
    city: str | None = None
    zip: str | None = None
    description: str | None = None
    applied_at: datetime | None = None
    company_ids: list[str] = Field(default_factory=list)


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": doc["number"],
        "address": (doc.get("site") or {}).get("street"),
        "type": doc.get("type_name", ""),
        "status": doc["status"],
        "status_label": STATUS_LABELS.get(doc["status"], doc["status"]),
        "issued_at": doc.get("issued_at"),
        "expires_at": doc.get("expires_at"),
    }


@router.get(
    "/public-permits",
    response_model=list[PublicPermitOut],
    summary="Search Permit, without a login: by number or address start; public fields only",
    description="At most 25, newest first. Rate-limited per client at the gateway.",
)
async def public_lookup(
    jurisdiction_id: str,
    app: App,
    number: str | None = Query(default=None, max_length=40),
    address: str | None = Query(default=None, max_length=200),
) -> list[PublicPermitOut]:
    docs = await app.units.read(
        jurisdiction_id, lambda uow: views.public_lookup(uow, number=number, address=address)
    )
    return [PublicPermitOut(**_public(d)) for d in docs]


@router.get(
    "/public-permits/{number}",
    response_model=PublicPermitPage,
    summary="One permit by its number, without a login: public fields only",
    description="The page behind a search result and a permit card's verification link. "
    "Nothing personal: no applicant, owner or email.",
)
async def public_permit(
    jurisdiction_id: str,
    app: App,
    number: str = Path(max_length=40, pattern=r"^[A-Za-z0-9_.-]+$"),
) -> PublicPermitPage:
    doc = await app.units.read(jurisdiction_id, lambda uow: views.public_permit(uow, number))
    site = doc.get("site") or {}
    return PublicPermitPage(
        **_public(doc),
        id=str(doc["_id"]),
        city=site.get("city"),
        zip=site.get("zip"),
        description=doc.get("description"),
        applied_at=doc.get("applied_at"),
        company_ids=list(doc.get("company_ids") or []),
    )
