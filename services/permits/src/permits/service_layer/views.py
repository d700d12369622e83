"""Read models: the caller's dashboard lists (R-DASH-1/2) and staff search."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chassis.access import is_staff, require_staff, require_tenant
from chassis.api import SEARCH_CAP, capped_page
from chassis.clock import as_utc
from chassis.parties import party_branches
from chassis.principal import Principal
from chassis.reads import Documents
from chassis.refusals import Missing, NarrowTheSearch
from permits.domain.fees import balance_minor
from permits.domain.workflow import STATUS_LABELS
from permits.service_layer import search
from permits.service_layer.unit_of_work import PermitsUnitOfWork

Doc = dict[str, Any]

ACTIVE_STATUSES = [
    "SUBMITTED",
    "IN_REVIEW",
    "PENDING_APPROVAL",
    "AWAITING_PAYMENT",
    "READY_TO_ISSUE",
    "ISSUED",
    "TCO",
]
INSPECTABLE = ("ISSUED", "TCO")
PROJECTION = {"history": 0, "comments": 0}


def _visible(principal: Principal) -> list[Doc]:
    """R-ID-6 as queries (the caller adds one ``$in`` on status), each served
    by its own index."""
    return party_branches(principal, "applicant.email", "owner.email")


def dashboard_row(doc: Doc) -> Doc:
    return {
        "id": doc["_id"],
        "number": doc["number"],
        "address": doc["site"]["street"],
        "type": doc["type_name"],
        "status": doc["status"],
        "status_label": STATUS_LABELS[doc["status"]],
        "inspection_available": doc["status"] in INSPECTABLE,
        "fees_due_minor": balance_minor(doc.get("fees", [])),
        "expired_at": doc.get("expired_at"),
    }


async def _mine(
    repo: Documents, principal: Principal, statuses: list[str] | None
) -> dict[str, tuple[Any, int]]:
    """The caller's permits in ``statuses``: id → (applied_at, fees due).

    One query per R-ID-6 access path, each served by its own index, merged
    here — rather than one ``$or``, which some engines answer by scanning."""
    found: dict[str, tuple[Any, int]] = {}
    for branch in _visible(principal):
        in_status = {"status": {"$in": statuses}} if statuses else {}
        docs = await repo.find(
            {**in_status, **branch},
            projection={"_id": 1, "applied_at": 1, "fees": 1},
            bounded="the caller's own permits (R-ID-6)",
        )
        for d in docs:
            found[d["_id"]] = (d["applied_at"], balance_minor(d.get("fees", [])))
    return found


def _statuses(which: str) -> list[str]:
    return ACTIVE_STATUSES if which == "active" else ["EXPIRED"]


async def dashboard(
    uow: PermitsUnitOfWork,
    principal: Principal,
    *,
    which: str,
    limit: int,
    offset: int,
    fees_due_only: bool = False,
) -> tuple[list[Doc], int, int]:
    """My Active Permits or My Expired Permits, newest first (stable by id):
    one page of rows, how many in all, and the fees due over all of them (R-PAY-6).
    ``fees_due_only``: only those with a balance (Pay All Fees, R-PAY-3)."""
    if principal.jurisdiction_id != uow.jurisdiction_id:
        raise Missing("not found")
    repo = uow.permit_docs
    mine = await _mine(repo, principal, _statuses(which))
    if fees_due_only:
        mine = {pid: found for pid, found in mine.items() if found[1] > 0}
    newest_first = sorted(mine, key=lambda pid: (-mine[pid][0].timestamp(), pid))
    page = newest_first[offset : offset + limit]
    docs = {d["_id"]: d for d in await repo.find({"_id": {"$in": page}}, projection=PROJECTION)}
    rows = [dashboard_row(docs[pid]) for pid in page if pid in docs]
    return rows, len(mine), sum(due for _, due in mine.values())


async def staff_search(
    uow: PermitsUnitOfWork,
    principal: Principal,
    *,
    filters: dict[str, Any],
    limit: int,
    offset: int,
    now: datetime | None = None,
) -> tuple[list[Doc], int, bool]:
    """Newest first; the match is bounded by what the search names
    (``search.plan``). A window (with nothing else that bounds it) is walked
    from its newest day until ``SEARCH_CAP`` + 1 permits are found; its total
    counts up to ``SEARCH_CAP`` (the third value: there are more)."""
    require_staff(principal, uow.jurisdiction_id)
    how = search.plan(filters, now or uow.now)
    repo = uow.permit_docs
    if how.walk is None:  # bounded by what it names: read whole, counted exactly
        found = await repo.find(how.query, projection=PROJECTION, bounded=how.bounded)
        docs = sorted((d for d in found if how.keep(d)), key=_newest_first)
        return docs[offset : offset + limit], len(docs), False
    docs = await repo.newest_in_window(
        how.query, "applied_at", *how.walk, want=SEARCH_CAP + 1, projection=PROJECTION
    )
    docs.sort(key=_newest_first)
    return capped_page(docs, offset, limit)


PUBLIC_FIELDS = (
    "number",
    "site",
    "type_name",
    "status",
    "issued_at",
    "expires_at",
    "applied_at",
    "description",
    "company_ids",
)
PUBLIC_MAX = 25


async def public_lookup(
    uow: PermitsUnitOfWork,
    *,
    number: str | None,
    address: str | None,
) -> list[Doc]:
    """Search Permit for anyone, without a login: by permit number or the
    start of the street address (at least 4 characters), public fields only,
    at most ``PUBLIC_MAX`` newest first. Nothing personal leaves."""
    filters: dict[str, Any] = {}
    if number and number.strip():
        filters["number"] = number
    elif address and len(address.strip()) >= 4:
        filters["address"] = address
    else:
        raise NarrowTheSearch(
            "give a permit number or at least 4 characters of the address",
            "number",
            "a permit number, or an address below",
        )
    how = search.plan(filters, uow.now)
    found = await uow.permit_docs.find(
        how.query, projection=dict.fromkeys(PUBLIC_FIELDS, 1), bounded=how.bounded
    )
    docs = sorted((d for d in found if how.keep(d)), key=_newest_first)
    return docs[:PUBLIC_MAX]


async def public_permit(uow: PermitsUnitOfWork, number: str) -> Doc:
    """A search result's own page, for anyone: the public fields of the
    permit with that number (its contracting companies by id; no person)."""
    found = await uow.permit_docs.find_one(
        {"number": number.strip().upper()}, projection=dict.fromkeys(PUBLIC_FIELDS, 1)
    )
    if found is None:
        raise Missing("no permit with that number")
    return dict(found)


def _newest_first(doc: Doc) -> tuple[float, str]:
    return -as_utc(doc["applied_at"]).timestamp(), str(doc["_id"])


async def my_permits(
    uow: PermitsUnitOfWork,
    principal: Principal,
    *,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    """Everyone but staff: what R-ID-6 lets them see, one query per access path.
    Staff: the applications of the last ``WINDOW_DAYS`` days (search for older ones)."""
    require_tenant(principal, uow.jurisdiction_id)
    if is_staff(principal):
        now = uow.now  # one reading: the window and its limit from the same instant
        window = {"applied_from": now - timedelta(days=search.WINDOW_DAYS)}
        recent, total, _ = await staff_search(
            uow, principal, filters=window, limit=limit, offset=offset, now=now
        )
        return recent, total
    repo = uow.permit_docs
    mine = await _mine(repo, principal, None)
    newest = sorted(mine, key=lambda pid: (-as_utc(mine[pid][0]).timestamp(), pid))
    page = newest[offset : offset + limit]
    docs = {d["_id"]: d for d in await repo.find({"_id": {"$in": page}}, projection=PROJECTION)}
    return [docs[pid] for pid in page if pid in docs], len(mine)
