"""Read models: the caller's dashboard lists (R-DASH-1/2) and staff search."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

from pymongo.asynchronous.database import AsyncDatabase

from chassis.access import is_staff, require_staff, require_tenant
from chassis.errors import NotFound
from chassis.mongo import TenantRepository
from chassis.principal import Principal
from permits.domain.fees import balance_minor
from permits.domain.workflow import STATUS_LABELS

Doc = dict[str, Any]


class Permits(TenantRepository):
    """The permits collection as documents, for the read side."""

    collection_name: ClassVar[str] = "permits"


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
    """R-ID-6 as queries: each branch has only equality fields (the caller adds
    one ``$in`` on status) and is served by its own index."""
    email = principal.email.lower()
    branches: list[Doc] = [{"linked_accounts": principal.account_id}]
    if email:
        branches += [{"applicant.email": email}, {"owner.email": email}]
    # one equality branch per company: with the caller's status ``$in`` a second
    # operator field would make the embedded database walk the whole jurisdiction
    branches += [{"company_ids": company_id} for company_id in principal.company_ids]
    return branches


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
    repo: Permits, principal: Principal, statuses: list[str]
) -> dict[str, tuple[Any, int]]:
    """The caller's permits in ``statuses``: id → (applied_at, fees due).

    One query per R-ID-6 access path, each served by its own index, merged
    here — rather than one ``$or``, which some engines answer by scanning."""
    found: dict[str, tuple[Any, int]] = {}
    for branch in _visible(principal):
        docs = await repo.find(
            {"status": {"$in": statuses}, **branch},
            projection={"_id": 1, "applied_at": 1, "fees": 1},
        )
        for d in docs:
            found[d["_id"]] = (d["applied_at"], balance_minor(d.get("fees", [])))
    return found


def _statuses(which: str) -> list[str]:
    return ACTIVE_STATUSES if which == "active" else ["EXPIRED"]


async def dashboard(
    db: AsyncDatabase[Doc],
    principal: Principal,
    jurisdiction_id: str,
    *,
    which: str,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int, int]:
    """My Active Permits or My Expired Permits, newest first (stable by id):
    one page of rows, how many in all, and the fees due over all of them (R-PAY-6)."""
    if principal.jurisdiction_id != jurisdiction_id:
        raise NotFound("not found")
    repo = Permits(db, jurisdiction_id)
    mine = await _mine(repo, principal, _statuses(which))
    newest_first = sorted(mine, key=lambda pid: (-mine[pid][0].timestamp(), pid))
    page = newest_first[offset : offset + limit]
    docs = {d["_id"]: d for d in await repo.find({"_id": {"$in": page}}, projection=PROJECTION)}
    rows = [dashboard_row(docs[pid]) for pid in page if pid in docs]
    return rows, len(mine), sum(due for _, due in mine.values())


def search_query(
    *,
    number: str | None,
    address: str | None,
    parcel: str | None,
    status: str | None,
    type_code: str | None,
    applicant: str | None,
    company_id: str | None,
    applied_from: datetime | None,
    applied_to: datetime | None,
) -> Doc:
    query: Doc = {}
    if number:
        query["number"] = number.strip().upper()
    if address:  # a prefix of the street: index-friendly
        query["site.street"] = {"$regex": "^" + re.escape(address.strip()), "$options": "i"}
    if parcel:
        query["site.parcel"] = parcel.strip()
    if status:
        query["status"] = status
    if type_code:
        query["type_code"] = type_code
    if applicant:
        query["applicant.email"] = applicant.strip().lower()
    if company_id:
        query["company_ids"] = company_id
    if applied_from or applied_to:
        query["applied_at"] = {
            **({"$gte": applied_from} if applied_from else {}),
            **({"$lt": applied_to} if applied_to else {}),
        }
    return query


async def staff_search(
    db: AsyncDatabase[Doc],
    principal: Principal,
    jurisdiction_id: str,
    *,
    filters: dict[str, Any],
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    require_staff(principal, jurisdiction_id)
    query = search_query(**filters)
    repo = Permits(db, jurisdiction_id)
    docs = await repo.find(
        query,
        sort=[("applied_at", -1), ("_id", 1)],
        skip=offset,
        limit=limit,
        projection=PROJECTION,
    )
    return docs, await repo.count(query)


async def my_permits(
    db: AsyncDatabase[Doc], principal: Principal, jurisdiction_id: str, *, limit: int, offset: int
) -> tuple[list[Doc], int]:
    """Staff: all; everyone else: what R-ID-6 lets them see (index-backed $or)."""
    require_tenant(principal, jurisdiction_id)
    repo = Permits(db, jurisdiction_id)
    query: Doc = {} if is_staff(principal) else {"$or": _visible(principal)}
    docs = await repo.find(
        query,
        sort=[("applied_at", -1), ("_id", 1)],
        skip=offset,
        limit=limit,
        projection={"history": 0},
    )
    return docs, await repo.count(query)
