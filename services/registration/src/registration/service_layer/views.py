"""Read side: the registrant's and staff's views of a registration, the queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo.asynchronous.database import AsyncDatabase

from chassis.access import require_staff
from chassis.mongo import TenantRepository
from chassis.principal import Principal
from registration.domain.registration import Registration
from registration.service_layer.review import REVIEWER_ROLES
from registration.service_layer.unit_of_work import Doc, requirements_of


class Registrations(TenantRepository):
    """Registrations as documents, for the queue."""

    collection_name: ClassVar[str] = "registrations"


def registrant_view(config: Doc, r: Registration) -> dict[str, Any]:
    return {
        "id": r.id,
        "jurisdiction_id": r.jurisdiction_id,
        "email": r.email,
        "status": r.status,
        "round": r.round,
        "version": r.version,
        "company_name": r.company_name,
        "registrant_name": r.registrant_name,
        "license_number": r.license_number,
        "trades": r.trades,
        "license_types": r.license_types,
        "profile": r.profile,
        "submitted_at": r.submitted_at,
        "requirements": r.requirement_view(requirements_of(config)),
    }


def staff_view(config: Doc, r: Registration) -> dict[str, Any]:
    return {
        **registrant_view(config, r),
        "history": [
            {"at": h.at, "actor": h.by, "action": h.comment or "", "details": h.details}
            for h in r.history
        ],
        "decision": r.decision,
        "account_id": r.account_id,
    }


async def queue(
    db: AsyncDatabase[Doc],
    actor: Principal,
    jurisdiction_id: str,
    *,
    status: str | None,
    trade: str | None,
    submitted_from: datetime | None,
    submitted_to: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    require_staff(actor, jurisdiction_id, *REVIEWER_ROLES)
    query: Doc = {"status": status} if status else {"status": {"$ne": "draft"}}
    if trade:
        query["trades"] = trade
    if submitted_from or submitted_to:
        query["submitted_at"] = {
            **({"$gte": submitted_from} if submitted_from else {}),
            **({"$lt": submitted_to} if submitted_to else {}),
        }
    repo = Registrations(db, jurisdiction_id)
    docs = await repo.find(
        query,
        sort=[("submitted_at", 1)],
        skip=offset,
        limit=limit,
        projection={"history": 0, "answers": 0},
    )
    return docs, await repo.count(query)
