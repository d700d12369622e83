"""Permit types, applications with gap-free numbers, the status workflow."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import uuid4

from pymongo.errors import DuplicateKeyError

from chassis.app import ServiceRuntime
from chassis.auth import Principal
from chassis.clock import local_time
from chassis.errors import Conflict, Forbidden, NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from contracts.permits import (
    Party,
    PermitApplied,
    PermitCancelled,
    PermitReinstated,
    PermitStatusChanged,
    SiteAddress,
)
from permits.adapters.repositories import Counters, Jurisdictions, Permits, PermitTypes
from permits.domain.access_codes import new_access_code
from permits.domain.model import (
    STATUS_LABELS,
    IllegalTransition,
    NotAllowed,
    NumberFormat,
    check_transition,
    may_see,
)

Doc = dict[str, Any]


@dataclass
class PermitsApp:
    runtime: ServiceRuntime

    @property
    def now(self) -> datetime:
        return self.runtime.clock.now()


def _staff(principal: Principal, jurisdiction_id: str, *roles: str) -> None:
    if principal.is_operator():
        return
    if principal.jurisdiction_id != jurisdiction_id:
        raise NotFound("not found")
    if principal.kind != "staff" or (roles and not principal.has_role(*roles)):
        raise Forbidden(f"this needs the {' or '.join(roles) or 'staff'} role")


# -- jurisdictions (from identity's events) -----------------------------------------
async def remember_jurisdiction(
    tx: Transaction, jurisdiction_id: str, name: str, time_zone: str
) -> None:
    await tx.repo(Jurisdictions, jurisdiction_id).update_one(
        {"_id": jurisdiction_id}, {"$set": {"name": name, "time_zone": time_zone}}, upsert=True
    )


# -- permit types ---------------------------------------------------------------
async def put_type(
    app: PermitsApp, principal: Principal, jurisdiction_id: str, code: str, body: Doc
) -> Doc:
    _staff(principal, jurisdiction_id, "admin")
    try:
        fmt = NumberFormat(body["number_format"])
    except ValueError as exc:
        raise Unprocessable(str(exc), errors=[field_error("number_format", str(exc))]) from exc

    async def work(tx: Transaction) -> Doc:
        repo = tx.repo(PermitTypes, jurisdiction_id)
        for other in await repo.find({}, projection={"code": 1, "number_format": 1}):
            if other["code"] != code and fmt.overlaps(NumberFormat(other["number_format"])):
                msg = f"type {other['code']} already numbers {other['number_format']}"
                raise Unprocessable(msg, errors=[field_error("number_format", msg)])
        await repo.update_one(
            {"code": code},
            {"$set": {**body, "code": code}, "$setOnInsert": {"_id": f"{jurisdiction_id}:{code}"}},
            upsert=True,
        )
        doc = await repo.find_one({"code": code})
        assert doc is not None
        return doc

    return await app.runtime.uow.run(work)


async def list_types(app: PermitsApp, jurisdiction_id: str) -> list[Doc]:
    return await PermitTypes(app.runtime.db, jurisdiction_id).find(sort=[("code", 1)])


# -- applications ---------------------------------------------------------------
def _parties_for(principal: Principal, jurisdiction_id: str, body: Doc) -> list[str]:
    """Who may apply for what (R-ID-6 from the applying side); the companies to record."""
    if principal.jurisdiction_id != jurisdiction_id and not principal.is_operator():
        raise NotFound("not found")
    companies = list(body.get("company_ids") or [])
    if principal.kind == "staff" or principal.is_operator():
        return companies  # staff apply on anyone's behalf
    if principal.kind == "contractor":
        companies = companies or principal.company_ids[:1]
        if not companies or not set(companies) <= set(principal.company_ids):
            raise Forbidden(
                "a contractor applies for one of its own companies", slug="not-your-company"
            )
        return companies
    email = principal.email.lower()
    if email not in {
        (body["applicant"].get("email") or "").lower(),
        ((body.get("owner") or {}).get("email") or "").lower(),
    }:
        raise Forbidden("a community member applies as the applicant or the property owner")
    if companies:
        raise Forbidden("only staff or the company's users add a contracting company")
    return companies


async def apply(app: PermitsApp, principal: Principal, jurisdiction_id: str, body: Doc) -> Doc:
    companies = _parties_for(principal, jurisdiction_id, body)
    db = app.runtime.db
    ptype = await PermitTypes(db, jurisdiction_id).find_one({"code": body["type_code"]})
    if ptype is None:
        raise Unprocessable("unknown permit type", errors=[field_error("type_code", "unknown")])
    try:
        valuation = str(Decimal(body.get("valuation") or "0").quantize(Decimal("0.01")))
    except InvalidOperation as exc:
        raise Unprocessable(
            "valuation must be a decimal amount", errors=[field_error("valuation", "not a number")]
        ) from exc
    juris = await Jurisdictions(db, jurisdiction_id).find_one({"_id": jurisdiction_id}) or {}
    now = app.now
    year = local_time(now, juris.get("time_zone", "UTC")).year
    fmt = NumberFormat(ptype["number_format"])
    counter_year = year if fmt.yearly else 0

    counter_key = {"type_code": ptype["code"], "year": counter_year}
    with contextlib.suppress(DuplicateKeyError):  # created concurrently: fine
        await Counters(db, jurisdiction_id).update_one(
            counter_key, {"$setOnInsert": {"_id": str(uuid4()), "seq": 0}}, upsert=True
        )

    async def work(tx: Transaction) -> Doc:
        # The counter and the permit commit together: a failed application
        # leaves no hole, and concurrent ones conflict on the counter document
        # (a transient write conflict: the unit of work retries).
        counter = await tx.repo(Counters, jurisdiction_id).find_one_and_update(
            counter_key, {"$inc": {"seq": 1}}
        )
        assert counter is not None
        permit = {
            "_id": str(uuid4()),
            "number": fmt.render(year, counter["seq"]),
            "type_code": ptype["code"],
            "type_name": ptype["name"],
            "kind": ptype["kind"],
            "status": "SUBMITTED",
            "version": 1,
            "site": body["site"],
            "description": body.get("description"),
            "valuation": valuation,
            "applicant": {
                **body["applicant"],
                "email": (body["applicant"].get("email") or "").lower() or None,
            },
            "owner": (
                {**body["owner"], "email": (body["owner"].get("email") or "").lower() or None}
                if body.get("owner")
                else None
            ),
            "company_ids": companies,
            "linked_accounts": [],
            "access_code": new_access_code(),
            "comments": [],
            "applied_at": now,
            "applied_by": principal.account_id,
            "history": [
                {
                    "at": now,
                    "by": principal.account_id,
                    "from": None,
                    "to": "SUBMITTED",
                    "comment": None,
                }
            ],
        }
        await tx.repo(Permits, jurisdiction_id).insert_one(permit)
        tx.emit(
            PermitApplied(
                permit_id=permit["_id"],
                jurisdiction_id=jurisdiction_id,
                number=permit["number"],
                type_code=ptype["code"],
                type_name=ptype["name"],
                kind=ptype["kind"],
                status="SUBMITTED",
                site=SiteAddress(**body["site"]),
                applicant=Party(**permit["applicant"]),
                owner=Party(**permit["owner"]) if permit["owner"] else None,
                company_ids=companies,
                version=1,
            ),
            jurisdiction_id=jurisdiction_id,
        )
        return {**permit, "jurisdiction_id": jurisdiction_id}

    try:
        return await app.runtime.uow.run(work)
    except DuplicateKeyError as exc:
        if "number" not in str(exc):
            raise
        # only numbers given out before put_type refused overlapping formats
        raise Conflict(
            "the next number of this permit type is already taken by another type's permit",
            slug="number-taken",
        ) from exc


async def get_permit(
    app: PermitsApp, principal: Principal, jurisdiction_id: str, permit_id: str
) -> Doc:
    doc = (
        await Permits(app.runtime.db, jurisdiction_id).find_one({"_id": permit_id})
        if principal.jurisdiction_id == jurisdiction_id or principal.is_operator()
        else None
    )
    if doc is None or not may_see(doc, principal):
        raise NotFound("no such permit")  # a permit you may not see does not exist for you
    return doc


async def my_permits(
    app: PermitsApp, principal: Principal, jurisdiction_id: str, *, limit: int, offset: int
) -> tuple[list[Doc], int]:
    """Staff: all; everyone else: what R-ID-6 lets them see (index-backed $or)."""
    if principal.jurisdiction_id != jurisdiction_id and not principal.is_operator():
        raise NotFound("not found")
    repo = Permits(app.runtime.db, jurisdiction_id)
    if principal.kind == "staff" or principal.is_operator():
        query: Doc = {}
    else:
        email = principal.email.lower()
        query = {
            "$or": [
                {"applicant.email": email},
                {"owner.email": email},
                {"company_ids": {"$in": principal.company_ids}},
                {"linked_accounts": principal.account_id},
            ]
        }
    docs = await repo.find(
        query,
        sort=[("applied_at", -1), ("_id", 1)],
        skip=offset,
        limit=limit,
        projection={"history": 0},
    )
    return docs, await repo.count(query)


async def transition(
    app: PermitsApp,
    principal: Principal,
    jurisdiction_id: str,
    permit_id: str,
    *,
    to: str,
    comment: str | None,
    version: int,
) -> Doc:
    _staff(principal, jurisdiction_id)
    doc = await get_permit(app, principal, jurisdiction_id, permit_id)
    roles = ["admin"] if principal.is_operator() else principal.roles
    try:
        check_transition(doc["status"], to, roles)
    except IllegalTransition as exc:
        raise Conflict(
            str(exc), slug="illegal-transition", current=exc.current, requested=exc.requested
        ) from exc
    except NotAllowed as exc:
        raise Forbidden(str(exc)) from exc
    now = app.now

    extra: Doc = {}
    issued = None
    if to == "ISSUED":  # issuance or reinstatement: the R-PER-5 clock (re)starts
        from permits.handlers.issuance import issue

        ptype = (
            await PermitTypes(app.runtime.db, jurisdiction_id).find_one({"code": doc["type_code"]})
            or {}
        )
        extra, issued = issue(
            {**doc, "jurisdiction_id": jurisdiction_id},
            ptype,
            now,
            automatic=False,
            version=version + 1,
        )

    async def work(tx: Transaction) -> Doc:
        updated = await tx.repo(Permits, jurisdiction_id).find_one_and_update(
            {"_id": permit_id, "version": version, "status": doc["status"]},
            {
                "$set": {"status": to, **extra},
                "$inc": {"version": 1},
                "$push": {
                    "history": {
                        "at": now,
                        "by": principal.account_id,
                        "from": doc["status"],
                        "to": to,
                        "comment": comment,
                    }
                },
            },
        )
        if updated is None:
            raise Conflict(
                "the permit changed since you loaded it",
                slug="version-conflict",
                current=STATUS_LABELS.get(doc["status"]),
                current_version=doc["version"],
            )
        tx.emit(
            PermitStatusChanged(
                permit_id=permit_id,
                jurisdiction_id=jurisdiction_id,
                number=doc["number"],
                from_status=doc["status"],
                to_status=to,
                by=principal.account_id,
                at=now,
                comment=comment,
                version=updated["version"],
            ),
            jurisdiction_id=jurisdiction_id,
        )
        if issued is not None:
            tx.emit(issued, jurisdiction_id=jurisdiction_id)
        common = {
            "permit_id": permit_id,
            "jurisdiction_id": jurisdiction_id,
            "number": doc["number"],
            "by": principal.account_id,
            "at": now,
            "comment": comment,
            "version": updated["version"],
        }
        if to == "CANCELLED":
            tx.emit(PermitCancelled(**common), jurisdiction_id=jurisdiction_id)
        elif doc["status"] in ("CANCELLED", "EXPIRED"):
            tx.emit(
                PermitReinstated(from_status=doc["status"], to_status=to, **common),
                jurisdiction_id=jurisdiction_id,
            )
        return updated

    return await app.runtime.uow.run(work)
