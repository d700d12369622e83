"""Staff review (R-REG-4): queue, detail, per-requirement marks, decisions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from chassis.auth import Principal
from chassis.errors import Conflict, NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from contracts.registration import NeedsInfo, RegistrationDenied, RegistrationReturned
from registration.adapters.repositories import Registrations
from registration.domain.model import OUTCOME, IllegalTransition, history_entry, transition
from registration.handlers.common import (
    REVIEWER_ROLES,
    Doc,
    Reg,
    conflict,
    load_config,
    new_token,
    require_staff,
    token_hash,
)
from registration.handlers.flow import emit_accepted, requirement_view


async def queue(
    reg: Reg,
    principal: Principal,
    jurisdiction_id: str,
    *,
    status: str | None,
    trade: str | None,
    submitted_from: datetime | None,
    submitted_to: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    require_staff(principal, jurisdiction_id, *REVIEWER_ROLES)
    query: Doc = {"status": status} if status else {"status": {"$ne": "draft"}}
    if trade:
        query["trades"] = trade
    if submitted_from or submitted_to:
        query["submitted_at"] = {
            **({"$gte": submitted_from} if submitted_from else {}),
            **({"$lt": submitted_to} if submitted_to else {}),
        }
    repo = Registrations(reg.runtime.db, jurisdiction_id)
    docs = await repo.find(
        query,
        sort=[("submitted_at", 1)],
        skip=offset,
        limit=limit,
        projection={"history": 0, "answers": 0},
    )
    return docs, await repo.count(query)


async def detail(
    reg: Reg,
    principal: Principal,
    jurisdiction_id: str,
    registration_id: str,
    *,
    include_drafts: bool = False,
) -> Doc:
    """Staff see submitted registrations; drafts stay private to their registrant."""
    require_staff(principal, jurisdiction_id, *REVIEWER_ROLES)
    query: Doc = {"_id": registration_id}
    if not include_drafts:
        query["status"] = {"$ne": "draft"}
    doc = await Registrations(reg.runtime.db, jurisdiction_id).find_one(query)
    if doc is None:
        raise NotFound("no such registration")
    return doc


async def mark_requirement(
    reg: Reg,
    principal: Principal,
    jurisdiction_id: str,
    registration_id: str,
    requirement_id: str,
    *,
    decision: Literal["approved", "needs_info"],
    comment: str | None,
) -> Doc:
    doc = await detail(reg, principal, jurisdiction_id, registration_id)
    if doc["status"] != "pending_validation":
        raise Conflict(
            f"a registration that is {doc['status']} is not under review",
            slug="illegal-transition",
            current=doc["status"],
            requested="review",
        )
    config = await load_config(reg, jurisdiction_id)
    if requirement_id not in {r["id"] for r in requirement_view(config, doc)}:
        raise NotFound("no such requirement for this registration")
    if decision == "needs_info" and not comment:
        raise Unprocessable("say what is needed", errors=[field_error("comment", "required")])
    review = {"decision": decision, "comment": comment, "by": principal.account_id, "at": reg.now}

    async def work(tx: Transaction) -> Doc:
        updated = await tx.repo(Registrations, jurisdiction_id).find_one_and_update(
            {"_id": registration_id, "status": "pending_validation"},
            {
                "$set": {f"answers.{requirement_id}.review": review},
                "$inc": {"version": 1},
                "$push": {
                    "history": history_entry(
                        reg.now,
                        principal.account_id,
                        "requirement_reviewed",
                        requirement=requirement_id,
                        decision=decision,
                        comment=comment,
                    )
                },
            },
        )
        if updated is None:
            raise Conflict("the registration is no longer under review", slug="illegal-transition")
        return updated

    return await reg.runtime.uow.run(work)


async def decide(
    reg: Reg,
    principal: Principal,
    jurisdiction_id: str,
    registration_id: str,
    *,
    decision: Literal["accept", "return", "deny"],
    reason: str | None,
    version: int,
) -> Doc:
    """Accept, return or deny — once: a retry of the recorded decision answers the
    same; a competing decision or a stale version is refused with 409."""
    doc = await detail(reg, principal, jurisdiction_id, registration_id, include_drafts=True)
    recorded = doc.get("decision") or {}
    if (
        doc["status"] == OUTCOME[decision]
        and recorded.get("decision") == decision
        and recorded.get("round") == doc["round"]
    ):
        return doc  # the same decision, retried
    try:
        target = transition(doc["status"], decision)
    except IllegalTransition as exc:
        raise conflict(exc) from exc
    if doc["version"] != version:
        raise Conflict(
            "the registration changed since you loaded it",
            slug="version-conflict",
            current_version=doc["version"],
        )
    if decision == "deny" and not reason:
        raise Unprocessable("a denial needs a reason", errors=[field_error("reason", "required")])
    config = await load_config(reg, jurisdiction_id)
    needs = [r for r in requirement_view(config, doc) if r["review"] == "needs_info"]
    if decision == "return" and not needs:
        raise Unprocessable(
            "mark at least one requirement Needs Info before returning",
            errors=[field_error("requirements", "none marked Needs Info")],
        )
    now = reg.now
    changes: Doc = {
        "status": target,
        "decision": {
            "decision": decision,
            "reason": reason,
            "by": principal.account_id,
            "at": now,
            "round": doc["round"],
        },
    }

    async def work(tx: Transaction) -> Doc:
        repo = tx.repo(Registrations, jurisdiction_id)
        resume_token = None
        if decision == "return":
            resume_token = new_token(jurisdiction_id)
            changes["resume_token_hash"] = token_hash(resume_token)
            changes["resume_expires_at"] = now + timedelta(days=reg.settings.resume_link_days)
        updated = await repo.find_one_and_update(
            {"_id": registration_id, "version": version, "status": "pending_validation"},
            {
                "$set": changes,
                "$inc": {"version": 1},
                "$push": {
                    "history": history_entry(
                        now, principal.account_id, target, reason=reason, round=doc["round"]
                    )
                },
            },
        )
        if updated is None:  # another reviewer decided first
            raise Conflict("another decision was recorded first", slug="version-conflict")
        _announce(tx, updated, decision, reason, needs, resume_token, changes)
        return updated

    return await reg.runtime.uow.run(work)


def _announce(
    tx: Transaction,
    doc: Doc,
    decision: str,
    reason: str | None,
    needs: list[Doc],
    resume_token: str | None,
    changes: Doc,
) -> None:
    jid = doc["jurisdiction_id"]
    if decision == "accept":
        emit_accepted(tx, doc)
    elif decision == "deny":
        tx.emit(
            RegistrationDenied(
                registration_id=doc["_id"],
                jurisdiction_id=jid,
                registrant_email=doc["email"],
                company_name=doc["company_name"],
                reason=reason or "",
            ),
            jurisdiction_id=jid,
        )
    else:
        assert resume_token is not None
        tx.emit(
            RegistrationReturned(
                registration_id=doc["_id"],
                jurisdiction_id=jid,
                registrant_email=doc["email"],
                company_name=doc["company_name"],
                round=doc["round"],
                needs_info=[
                    NeedsInfo(requirement_id=n["id"], label=n["label"], comment=n["comment"] or "")
                    for n in needs
                ],
                comment=reason,
                resume_token=resume_token,
                resume_expires_at=changes["resume_expires_at"],
            ),
            jurisdiction_id=jid,
        )


def staff_view(config: Doc, doc: Doc) -> dict[str, Any]:
    return {
        **registrant_view(config, doc),
        "history": doc.get("history", []),
        "decision": doc.get("decision"),
        "account_id": doc.get("account_id"),
    }


def registrant_view(config: Doc, doc: Doc) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "jurisdiction_id": doc["jurisdiction_id"],
        "email": doc["email"],
        "status": doc["status"],
        "round": doc["round"],
        "version": doc["version"],
        "company_name": doc.get("company_name"),
        "registrant_name": doc.get("registrant_name"),
        "license_number": doc.get("license_number"),
        "trades": doc.get("trades", []),
        "license_types": doc.get("license_types", []),
        "profile": doc.get("profile", {}),
        "submitted_at": doc.get("submitted_at"),
        "requirements": requirement_view(config, doc),
    }
