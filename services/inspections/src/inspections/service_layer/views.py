"""Read side: one inspection, My Active Inspections (R-INS-7), the inspector's
day list and staff search."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chassis.access import require_staff
from chassis.api import SEARCH_CAP, capped_page
from chassis.parties import party_branches
from chassis.principal import Principal
from chassis.reads import Documents
from chassis.refusals import Missing, NarrowTheSearch
from inspections.domain.permit import INSPECTABLE
from inspections.service_layer.unit_of_work import InspectionsUnitOfWork

Doc = dict[str, Any]


def visible_permit_branches(principal: Principal) -> list[Doc]:
    """The permits a non-staff caller may act on (``InspectablePermit.may_schedule``),
    one equality query per access path (no ``$or``: reads stay flat)."""
    return party_branches(principal, "party_emails")


async def permit_statuses(uow: InspectionsUnitOfWork, permit_ids: set[str]) -> dict[str, Any]:
    found = await uow.permit_docs.find({"_id": {"$in": list(permit_ids)}}, projection={"status": 1})
    return {p["_id"]: p.get("status") for p in found}


async def _my_permit_ids(permits: Documents, principal: Principal, why: str) -> set[str]:
    """The caller's permits that can still be inspected, one query per access path."""
    permit_ids: set[str] = set()
    for branch in visible_permit_branches(principal):
        found = await permits.find(
            {**branch, "status": {"$in": list(INSPECTABLE)}}, projection={"_id": 1}, bounded=why
        )
        permit_ids.update(p["_id"] for p in found)
    return permit_ids


async def my_inspections(
    uow: InspectionsUnitOfWork,
    principal: Principal,
    *,
    limit: int,
    offset: int,
    which: str = "active",
) -> tuple[list[Doc], int]:
    """R-INS-7: the caller's active inspections (requested by them or on a
    permit they may schedule), soonest first; one query per access path. Only
    permits that can still be inspected are read (R-INS-1), so a contractor's
    thousands of finished permits cost nothing (issue 22).

    ``which="results"``: the inspections of those permits that have a result
    (R-INS-6: pass, fail with its corrections, …), newest first."""
    if principal.jurisdiction_id != uow.jurisdiction_id:
        raise Missing("not found")
    why = "the caller's own permits and inspections (R-INS-7)"
    permit_ids = sorted(await _my_permit_ids(uow.permit_docs, principal, why))
    repo = uow.inspection_docs
    if which == "results":
        done = await repo.find(
            {"status": "RESULTED", "permit_id": {"$in": permit_ids}}, bounded=why
        )
        newest = sorted(done, key=lambda d: (d["date"], d["_id"]), reverse=True)
        return newest[offset : offset + limit], len(newest)
    scheduled: dict[str, Doc] = {}
    for branch in (
        {"requested_by.account_id": principal.account_id},
        {"permit_id": {"$in": permit_ids}},
    ):
        for doc in await repo.find({"status": "SCHEDULED", **branch}, bounded=why):
            scheduled[doc["_id"]] = doc
    ordered = sorted(scheduled.values(), key=lambda d: (d["date"], d["_id"]))
    return ordered[offset : offset + limit], len(ordered)


WINDOW_DAYS = 92


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


def _bounded_by(
    day: date | None,
    date_from: date | None,
    date_to: date | None,
    permit_number: str | None,
    status: str | None,
) -> str:
    """Why the search's match is small, or a 422 saying how to narrow it."""
    if day:
        return "one day's inspections"
    if permit_number:
        return "one permit's inspections"
    if status == "SCHEDULED":
        return "a work queue: the inspections still to do"
    if date_from and date_to and (date_to - date_from).days <= WINDOW_DAYS:
        return f"inspections of at most {WINDOW_DAYS} days"
    raise NarrowTheSearch(
        "narrow the search: give a date, a permit number, status SCHEDULED, or from and to "
        f"dates at most {WINDOW_DAYS} days apart",
        "from",
        f"a window of at most {WINDOW_DAYS} days",
    )


async def search(
    uow: InspectionsUnitOfWork,
    principal: Principal,
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
) -> tuple[list[Doc], int, bool]:
    """An inspector's day list (by date, area, type) and staff search, in the
    order an inspector drives: date, area, address. A window that is all that
    bounds the search is read one day at a time from its first day, until
    ``SEARCH_CAP`` + 1 inspections are found; the total counts up to
    ``SEARCH_CAP`` (the third value: there are more)."""
    require_staff(principal, uow.jurisdiction_id)
    bounded = _bounded_by(day, date_from, date_to, permit_number, status)
    others: Doc = {}
    for key, value in (
        ("inspection_type", inspection_type),
        ("area", area),
        ("number", permit_number),
        ("status", status),
    ):
        if value:
            others[key] = value
    repo = uow.inspection_docs
    if date_from and date_to and not day and not permit_number and status != "SCHEDULED":
        found = await _days(repo, date_from, date_to, others)
    else:
        found = await repo.find(
            {**search_query(day, date_from, date_to), **others}, bounded=bounded
        )
    ordered = sorted(found, key=lambda d: (d["date"], d.get("area") or "", d["address"], d["_id"]))
    return capped_page(ordered, offset, limit)


async def _days(repo: Documents, first: date, last: date, others: Doc) -> list[Doc]:
    """The window's inspections a day at a time (each an equality on the
    date), no further than ``SEARCH_CAP`` + 1: what is read is what is
    answered plus at most one day's, never the window's whole history."""
    found: list[Doc] = []
    day = first
    while day <= last and len(found) <= SEARCH_CAP:
        found += await repo.find(
            {"date": day.isoformat(), **others}, bounded="one day's inspections"
        )
        day += timedelta(days=1)
    return found


async def of_permit(uow: InspectionsUnitOfWork, permit_id: str) -> list[Doc]:
    """Every inspection of one permit, results included, in date order (the
    permit's page; the caller's right to the permit is checked first)."""
    found = await uow.inspection_docs.find(
        {"permit_id": permit_id}, bounded="one permit's inspections (a handful)"
    )
    return sorted(found, key=lambda d: (d["date"], d["_id"]))
