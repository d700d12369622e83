"""Read side: one inspection, My Active Inspections (R-INS-7), the inspector's
day list and staff search."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pymongo.asynchronous.database import AsyncDatabase

from chassis.access import require_staff
from chassis.errors import NotFound
from chassis.mongo import TenantRepository
from chassis.principal import Principal

Doc = dict[str, Any]


class Inspections(TenantRepository):
    """Inspections as documents, for the read side."""

    collection_name: ClassVar[str] = "inspections"


class Permits(TenantRepository):
    collection_name: ClassVar[str] = "permits"


def visible_permits_filter(principal: Principal) -> Doc:
    """The permits a non-staff caller may act on (``InspectablePermit.may_schedule``)."""
    return {
        "$or": [
            {"party_emails": (principal.email or "").lower()},
            {"company_ids": {"$in": principal.company_ids}},
            {"linked_accounts": principal.account_id},
        ]
    }


async def permit_statuses(db: AsyncDatabase[Doc], jid: str, permit_ids: set[str]) -> dict[str, Any]:
    found = await Permits(db, jid).find(
        {"_id": {"$in": list(permit_ids)}}, projection={"status": 1}
    )
    return {p["_id"]: p.get("status") for p in found}


async def my_inspections(
    db: AsyncDatabase[Doc], principal: Principal, jid: str, *, limit: int, offset: int
) -> tuple[list[Doc], int]:
    """R-INS-7: the caller's active inspections (requested by them or on a
    permit they may schedule)."""
    if principal.jurisdiction_id != jid:
        raise NotFound("not found")
    permit_ids = [
        p["_id"]
        for p in await Permits(db, jid).find(
            visible_permits_filter(principal), projection={"_id": 1}
        )
    ]
    query = {
        "status": "SCHEDULED",
        "$or": [
            {"requested_by.account_id": principal.account_id},
            {"permit_id": {"$in": permit_ids}},
        ],
    }
    repo = Inspections(db, jid)
    docs = await repo.find(query, sort=[("date", 1), ("_id", 1)], skip=offset, limit=limit)
    return docs, await repo.count(query)


def search_query(day: date | None, date_from: date | None, date_to: date | None) -> Doc:
    """One day, or a range of local dates."""
    if day:
        return {"date": day.isoformat()}
    if date_from or date_to:
        return {
            "date": {
                **({"$gte": date_from.isoformat()} if date_from else {}),
                **({"$lte": date_to.isoformat()} if date_to else {}),
            }
        }
    return {}


async def search(
    db: AsyncDatabase[Doc],
    principal: Principal,
    jid: str,
    *,
    day: date | None,
    date_from: date | None,
    date_to: date | None,
    inspection_type: str | None,
    area: str | None,
    permit_number: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    """An inspector's day list (by date, area, type) and staff search."""
    require_staff(principal, jid)
    query = search_query(day, date_from, date_to)
    for key, value in (
        ("inspection_type", inspection_type),
        ("area", area),
        ("number", permit_number),
        ("status", status),
    ):
        if value:
            query[key] = value
    repo = Inspections(db, jid)
    docs = await repo.find(
        query, sort=[("date", 1), ("area", 1), ("address", 1), ("_id", 1)], skip=offset, limit=limit
    )
    return docs, await repo.count(query)
