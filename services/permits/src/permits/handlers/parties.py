"""Who is on a permit (R-ID-6): companies, applicant/owner emails, links,
and the department's review comments (R-PER-4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, NotFound, ProblemError, Unprocessable, field_error
from chassis.uow import Transaction
from contracts import IntegrationEvent
from contracts.permits import Party, PermitLinked, PermitPartiesChanged, PermitUnlinked
from permits.adapters.repositories import LinkAttempts, Permits
from permits.handlers.permits import Doc, PermitsApp, get_permit

LINK_FAILURES_PER_HOUR = 5


class TooManyAttempts(ProblemError):
    status = 429
    slug = "too-many-attempts"
    title = "Too many failed attempts"


def _parties_event(doc: Doc, jurisdiction_id: str) -> PermitPartiesChanged:
    return PermitPartiesChanged(
        permit_id=doc["_id"],
        jurisdiction_id=jurisdiction_id,
        number=doc["number"],
        applicant=Party(**doc["applicant"]),
        owner=Party(**doc["owner"]) if doc.get("owner") else None,
        company_ids=list(doc.get("company_ids", [])),
        linked_accounts=list(doc.get("linked_accounts", [])),
        version=doc["version"],
    )


async def _apply_change(
    app: PermitsApp,
    jurisdiction_id: str,
    doc: Doc,
    update: Doc,
    action: str,
    actor: str,
    also: Callable[[Doc], list[IntegrationEvent]] = lambda _: [],
    **details: Any,
) -> Doc:
    """One transaction: the change (version-checked), PermitPartiesChanged, and ``also``."""

    async def work(tx: Transaction) -> Doc:
        updated = await tx.repo(Permits, jurisdiction_id).find_one_and_update(
            {"_id": doc["_id"], "version": doc["version"]},
            {
                **update,
                "$inc": {"version": 1},
                "$push": {
                    "history": {
                        "at": app.now,
                        "by": actor,
                        "from": doc["status"],
                        "to": doc["status"],
                        "comment": f"{action}: {details}",
                    }
                },
            },
        )
        if updated is None:
            raise Conflict(
                "the permit changed meanwhile; reload and try again", slug="version-conflict"
            )
        tx.emit(_parties_event(updated, jurisdiction_id), jurisdiction_id=jurisdiction_id)
        for event in also(updated):
            tx.emit(event, jurisdiction_id=jurisdiction_id)
        return updated

    return await app.runtime.uow.run(work)


async def change_parties(
    app: PermitsApp,
    principal: Principal,
    jurisdiction_id: str,
    permit_id: str,
    *,
    add_companies: list[str],
    remove_companies: list[str],
    applicant_email: str | None,
    owner_email: str | None,
) -> Doc:
    """Staff and the applicant may add or remove companies and correct emails (seed 000)."""
    doc = await get_permit(app, principal, jurisdiction_id, permit_id)
    is_staff = principal.kind == "staff" or principal.is_operator()
    is_applicant = principal.email.lower() == (doc["applicant"].get("email") or "")
    if not (is_staff or is_applicant):
        raise Forbidden("only staff or the applicant change who is on a permit")
    companies = [c for c in doc.get("company_ids", []) if c not in remove_companies]
    companies += [c for c in add_companies if c not in companies]
    update: Doc = {"$set": {"company_ids": companies}}
    if applicant_email is not None:
        update["$set"]["applicant.email"] = applicant_email.lower()
    if owner_email is not None:
        if not doc.get("owner"):
            raise Unprocessable(
                "this permit has no property owner", errors=[field_error("owner_email", "no owner")]
            )
        update["$set"]["owner.email"] = owner_email.lower()
    return await _apply_change(
        app,
        jurisdiction_id,
        doc,
        update,
        "parties changed",
        principal.account_id,
        companies=companies,
    )


async def add_comment(
    app: PermitsApp, principal: Principal, jurisdiction_id: str, permit_id: str, text: str
) -> Doc:
    doc = await get_permit(app, principal, jurisdiction_id, permit_id)  # 404 before 403
    if principal.kind != "staff" and not principal.is_operator():
        raise Forbidden("review comments come from the department's staff")
    comment = {"id": str(uuid4()), "at": app.now, "by": principal.account_id, "text": text}

    async def work(tx: Transaction) -> Doc:
        updated = await tx.repo(Permits, jurisdiction_id).find_one_and_update(
            {"_id": doc["_id"]}, {"$push": {"comments": comment}}
        )
        assert updated is not None
        return updated

    return await app.runtime.uow.run(work)


async def link(
    app: PermitsApp, principal: Principal, jurisdiction_id: str, *, number: str, second_fact: str
) -> Doc:
    """R-ID-6 linking, hardened: the number alone is not enough. The second fact is
    the site's street number, its zip, or the application's access code. Failures
    are throttled per account."""
    if principal.jurisdiction_id != jurisdiction_id:
        raise NotFound("not found")
    attempts = LinkAttempts(app.runtime.db, jurisdiction_id)
    now = app.now
    recent = await attempts.count(
        {"account_id": principal.account_id, "at": {"$gt": now - timedelta(hours=1)}}
    )
    if recent >= LINK_FAILURES_PER_HOUR:
        raise TooManyAttempts(
            "too many failed attempts to link a permit; try again later",
            headers={"Retry-After": "3600"},
        )
    doc = await Permits(app.runtime.db, jurisdiction_id).find_one(
        {"number": number.strip().upper()}
    )
    fact = second_fact.strip().upper()
    site = (doc or {}).get("site") or {}
    facts = {
        (site.get("street") or "").split(" ")[0].upper(),
        (site.get("zip") or "").upper(),
        ((doc or {}).get("access_code") or "").upper(),
    } - {""}
    if doc is None or fact not in facts:

        async def record(tx: Transaction) -> None:
            await tx.repo(LinkAttempts, jurisdiction_id).insert_one(
                {"_id": str(uuid4()), "account_id": principal.account_id, "at": now}
            )

        await app.runtime.uow.run(record)
        raise NotFound("no permit matches this number and detail", slug="link-failed")
    if principal.account_id in doc.get("linked_accounts", []):
        return doc
    return await _apply_change(
        app,
        jurisdiction_id,
        doc,
        {"$addToSet": {"linked_accounts": principal.account_id}},
        "linked",
        principal.account_id,
        also=lambda updated: [
            PermitLinked(
                permit_id=doc["_id"],
                jurisdiction_id=jurisdiction_id,
                number=doc["number"],
                account_id=principal.account_id,
                version=updated["version"],
            )
        ],
    )


async def unlink(
    app: PermitsApp, principal: Principal, jurisdiction_id: str, permit_id: str
) -> None:
    doc = await get_permit(app, principal, jurisdiction_id, permit_id)
    if principal.account_id not in doc.get("linked_accounts", []):
        raise NotFound("this permit is not linked to you")
    await _apply_change(
        app,
        jurisdiction_id,
        doc,
        {"$pull": {"linked_accounts": principal.account_id}},
        "unlinked",
        principal.account_id,
        also=lambda updated: [
            PermitUnlinked(
                permit_id=doc["_id"],
                jurisdiction_id=jurisdiction_id,
                number=doc["number"],
                account_id=principal.account_id,
                version=updated["version"],
            )
        ],
    )
