"""The contractor's flow (R-REG-2): start → confirm → draft steps → submit,
and after a return: update what needs info → resubmit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import uuid4

from chassis.clock import as_utc, local_time
from chassis.errors import Conflict, Forbidden, NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from contracts import IntegrationEvent
from contracts.registration import (
    RegisteredCompany,
    RegistrationAccepted,
    RegistrationEmailConfirmationRequested,
    RegistrationResubmitted,
    RegistrationSubmitted,
)
from registration.adapters.repositories import Registrations, Starts
from registration.domain.model import (
    EDITABLE,
    IllegalTransition,
    Requirement,
    RuleBroken,
    applicable,
    history_entry,
    missing,
    provided,
    transition,
    validate_field,
)
from registration.handlers.common import (
    LINKS_PER_EMAIL_PER_HOUR,
    Doc,
    Reg,
    conflict,
    load_config,
    new_token,
    requirements_of,
    split_token,
    token_hash,
)

NOT_USABLE = "this link is unknown, used or expired"
PROFILE_FIELDS = ("address", "city", "state", "zip", "phone", "cell", "fax", "company_email")


def _not_offered(config: Doc) -> None:
    if not config["enabled"]:
        raise Forbidden(
            "this jurisdiction does not offer contractor registration online; "
            "contact its building department to be set up",
            slug="registration-not-offered",
        )


async def start(reg: Reg, *, jurisdiction_id: str, email: str) -> None:
    """Step 1: an email confirmation link. Always 202 (no enumeration)."""
    _not_offered(await load_config(reg, jurisdiction_id))
    email = email.strip().lower()
    now = reg.now

    async def work(tx: Transaction) -> None:
        starts = tx.repo(Starts, jurisdiction_id)
        recent = await starts.count(
            {"email": email, "created_at": {"$gt": now - timedelta(hours=1)}}
        )
        if recent >= LINKS_PER_EMAIL_PER_HOUR:
            return
        token = new_token(jurisdiction_id)
        expires = now + timedelta(hours=reg.settings.start_link_hours)
        start_id = str(uuid4())
        await starts.insert_one(
            {
                "_id": start_id,
                "email": email,
                "token_hash": token_hash(token),
                "created_at": now,
                "expires_at": expires,
                "used_at": None,
            }
        )
        tx.emit(
            RegistrationEmailConfirmationRequested(
                start_id=start_id,
                jurisdiction_id=jurisdiction_id,
                email=email,
                token=token,
                expires_at=expires,
            ),
            jurisdiction_id=jurisdiction_id,
        )

    await reg.runtime.uow.run(work)


async def confirm(reg: Reg, token: str) -> tuple[Doc, str]:
    """Step 2: the link opens a new draft; the answer carries the draft's access token."""
    parts = split_token(token)
    if parts is None:
        raise NotFound(NOT_USABLE, slug="link-not-usable")
    jid = parts[0]
    now = reg.now

    async def work(tx: Transaction) -> tuple[Doc, str]:
        starts = tx.repo(Starts, jid)
        doc = await starts.find_one({"token_hash": token_hash(token)})
        if doc is None or doc["used_at"] is not None or now >= as_utc(doc["expires_at"]):
            raise NotFound(NOT_USABLE, slug="link-not-usable")
        await starts.update_one({"_id": doc["_id"], "used_at": None}, {"$set": {"used_at": now}})
        draft_token = new_token(jid)
        registration = {
            "_id": str(uuid4()),
            "email": doc["email"],
            "status": "draft",
            "round": 0,
            "version": 0,
            "company_name": None,
            "registrant_name": None,
            "trades": [],
            "license_types": [],
            "profile": {},
            "answers": {},
            "draft_token_hash": token_hash(draft_token),
            "created_at": now,
            "submitted_at": None,
            "decision": None,
            "history": [history_entry(now, doc["email"], "email_confirmed")],
        }
        await tx.repo(Registrations, jid).insert_one(registration)
        return {**registration, "jurisdiction_id": jid}, draft_token

    return await reg.runtime.uow.run(work)


async def resume(reg: Reg, token: str) -> tuple[Doc, str]:
    """A returned registration's email link: a fresh access token for the registrant."""
    parts = split_token(token)
    if parts is None:
        raise NotFound(NOT_USABLE, slug="link-not-usable")
    jid = parts[0]

    async def work(tx: Transaction) -> tuple[Doc, str]:
        repo = tx.repo(Registrations, jid)
        doc = await repo.find_one({"resume_token_hash": token_hash(token), "status": "returned"})
        if doc is None or reg.now >= as_utc(doc["resume_expires_at"]):
            raise NotFound(NOT_USABLE, slug="link-not-usable")
        draft_token = new_token(jid)
        await repo.update_one(
            {"_id": doc["_id"]},
            {
                "$set": {"draft_token_hash": token_hash(draft_token)},
                "$unset": {"resume_token_hash": "", "resume_expires_at": ""},
            },
        )
        return doc, draft_token

    return await reg.runtime.uow.run(work)


async def for_registrant(reg: Reg, registration_id: str, draft_token: str | None) -> Doc:
    """The registration, if the token is its registrant's; 404 for anyone else."""
    parts = split_token(draft_token or "")
    if parts is None:
        raise NotFound("no such registration")
    doc = await Registrations(reg.runtime.db, parts[0]).find_one(
        {"_id": registration_id, "draft_token_hash": token_hash(draft_token or "")}
    )
    if doc is None:
        raise NotFound("no such registration")
    return doc


def _editable(doc: Doc, *, requirement: str | None = None) -> None:
    if doc["status"] not in EDITABLE:
        raise Conflict(
            f"a registration that is {doc['status']} cannot be changed",
            slug="illegal-transition",
            current=doc["status"],
            requested="change",
        )
    if doc["status"] == "returned":
        needs = [
            rid
            for rid, a in doc["answers"].items()
            if (a.get("review") or {}).get("decision") == "needs_info"
        ]
        if requirement is None or requirement not in needs:
            raise Conflict(
                "only the requirements marked Needs Info can be updated now",
                slug="not-needs-info",
                needs_info=needs,
            )


async def _save(
    reg: Reg,
    doc: Doc,
    changes: Doc,
    action: str,
    actor: str,
    events: tuple[IntegrationEvent, ...] = (),
    **details: Any,
) -> Doc:
    """Apply ``changes`` (and emit ``events``) in one transaction, if nobody changed
    the registration meanwhile (version check)."""
    jid = doc["jurisdiction_id"]

    async def work(tx: Transaction) -> Doc:
        repo = tx.repo(Registrations, jid)
        updated = await repo.find_one_and_update(
            {"_id": doc["_id"], "version": doc["version"]},
            {
                "$set": changes,
                "$inc": {"version": 1},
                "$push": {"history": history_entry(reg.now, actor, action, **details)},
            },
        )
        if updated is None:
            raise Conflict(
                "the registration changed meanwhile; reload and try again", slug="version-conflict"
            )
        for event in events:
            tx.emit(event, jurisdiction_id=jid)
        return updated

    return await reg.runtime.uow.run(work)


async def update(reg: Reg, doc: Doc, patch: Doc) -> Doc:
    """Any step may go back: a draft's sections can be changed until it is submitted."""
    _editable(doc)
    config = await load_config(reg, doc["jurisdiction_id"])
    if "trades" in patch:
        unknown = set(patch["trades"]) - set(config["trades"])
        if unknown:
            raise Unprocessable(
                f"unknown trades: {sorted(unknown)}",
                errors=[field_error("trades", f"choose from {config['trades']}")],
            )
    if "license_types" in patch:
        online = {lt["code"] for lt in config["license_types"] if lt.get("online", True)}
        unknown = set(patch["license_types"]) - online
        if unknown:
            raise Unprocessable(
                f"license types not offered online: {sorted(unknown)}",
                errors=[field_error("license_types", f"choose from {sorted(online)}")],
            )
    changes = {
        k: v
        for k, v in patch.items()
        if k in ("company_name", "registrant_name", "license_number", "trades", "license_types")
    }
    if "profile" in patch:
        changes["profile"] = {**doc.get("profile", {}), **patch["profile"]}
    return await _save(reg, doc, changes, "updated", doc["email"], fields=sorted(changes))


def _requirement(config: Doc, doc: Doc, requirement_id: str) -> Requirement:
    for r in applicable(requirements_of(config), doc["trades"], doc["license_types"]):
        if r.id == requirement_id:
            return r
    raise NotFound("no such requirement for this registration's trades and licenses")


async def answer_field(reg: Reg, doc: Doc, requirement_id: str, value: str) -> Doc:
    _editable(doc, requirement=requirement_id)
    config = await load_config(reg, doc["jurisdiction_id"])
    requirement = _requirement(config, doc, requirement_id)
    if requirement.kind != "field":
        raise Unprocessable(
            "this requirement is a document: upload a file",
            errors=[field_error("value", "upload a file instead")],
        )
    jurisdiction_today = local_time(reg.now, config.get("time_zone", "UTC")).date()
    try:
        clean = validate_field(requirement, value, jurisdiction_today)
    except RuleBroken as exc:
        raise Unprocessable(str(exc), errors=[field_error(exc.field, str(exc))]) from exc
    answer = {
        "value": clean,
        "document": None,
        "updated_at": reg.now,
        "review": _review_after_update(doc, requirement_id),
    }
    return await _save(
        reg,
        doc,
        {f"answers.{requirement_id}": answer},
        "requirement_answered",
        doc["email"],
        requirement=requirement_id,
    )


def _review_after_update(doc: Doc, requirement_id: str) -> Doc | None:
    """An updated Needs Info answer is back for review; it keeps the staff comment."""
    review = (doc["answers"].get(requirement_id) or {}).get("review")
    if review and review.get("decision") == "needs_info":
        return {**review, "decision": "updated"}
    return review


async def upload_document(
    reg: Reg, doc: Doc, requirement_id: str, *, filename: str, chunks: AsyncIterator[bytes]
) -> Doc:
    _editable(doc, requirement=requirement_id)
    jid = doc["jurisdiction_id"]
    config = await load_config(reg, jid)
    requirement = _requirement(config, doc, requirement_id)
    if requirement.kind != "document":
        raise Unprocessable(
            "this requirement is a field: send a value",
            errors=[field_error("file", "send a value instead")],
        )
    stored = await reg.documents.store(
        chunks,
        filename=filename[:200] or "document",
        accepted_types=requirement.accepted_types,
        max_bytes=requirement.max_bytes or reg.settings.default_max_document_bytes,
        metadata={
            "jurisdiction_id": jid,
            "registration_id": doc["_id"],
            "requirement_id": requirement_id,
        },
    )
    previous = (doc["answers"].get(requirement_id) or {}).get("document")
    answer = {
        "value": None,
        "document": stored.as_doc(),
        "updated_at": reg.now,
        "review": _review_after_update(doc, requirement_id),
    }
    try:
        saved = await _save(
            reg,
            doc,
            {f"answers.{requirement_id}": answer},
            "document_uploaded",
            doc["email"],
            requirement=requirement_id,
            sha256=stored.sha256,
        )
    except BaseException:
        await reg.documents.delete(stored.file_id)  # nothing half-done stays behind
        raise
    if previous:
        await reg.documents.delete(previous["file_id"])
    return saved


async def submit(reg: Reg, doc: Doc, *, password: str) -> Doc:
    """Review → set password (handed to identity) → submit (R-REG-2/3)."""
    jid = doc["jurisdiction_id"]
    config = await load_config(reg, jid)
    _not_offered(config)
    action = "submit_automatic" if config["acceptance_mode"] == "automatic" else "submit_review"
    try:
        target = transition(doc["status"], action)
    except IllegalTransition as exc:
        raise conflict(exc) from exc
    problems = [
        field_error(f, "required") for f in ("company_name", "registrant_name") if not doc.get(f)
    ]
    problems += [
        field_error(f"requirements.{r.id}", f"{r.label} is required")
        for r in missing(
            requirements_of(config), doc["answers"], doc["trades"], doc["license_types"]
        )
    ]
    if problems:
        raise Unprocessable(
            "the registration is not complete: " + ", ".join(p["field"] for p in problems),
            slug="registration-incomplete",
            errors=problems,
        )
    account_id = await reg.identity.ensure_registrant(
        jid, email=doc["email"], display_name=doc["registrant_name"], password=password
    )
    now = reg.now

    async def work(tx: Transaction) -> Doc:
        repo = tx.repo(Registrations, jid)
        changes: Doc = {"status": target, "round": 1, "submitted_at": now, "account_id": account_id}
        entries = [history_entry(now, doc["email"], "submitted", round=1)]
        if target == "accepted":
            changes["decision"] = {"decision": "accept", "by": "automatic", "at": now}
            entries.append(history_entry(now, "automatic", "accepted"))
        updated = await repo.find_one_and_update(
            {"_id": doc["_id"], "version": doc["version"], "status": "draft"},
            {"$set": changes, "$inc": {"version": 1}, "$push": {"history": {"$each": entries}}},
        )
        if updated is None:
            raise Conflict(
                "the registration changed meanwhile; reload and try again", slug="version-conflict"
            )
        tx.emit(
            RegistrationSubmitted(
                registration_id=doc["_id"],
                jurisdiction_id=jid,
                registrant_email=doc["email"],
                company_name=doc["company_name"],
                trades=doc["trades"],
                license_types=doc["license_types"],
                acceptance_mode=config["acceptance_mode"],
            ),
            jurisdiction_id=jid,
        )
        if target == "accepted":
            emit_accepted(tx, updated)
        return updated

    return await reg.runtime.uow.run(work)


def emit_accepted(tx: Transaction, doc: Doc) -> None:
    profile = doc.get("profile", {})
    # A contractor applying for a first license has none yet: the registration's
    # record number stands in (eTRAKIT's "AEC record number").
    license_number = doc.get("license_number") or f"REG-{doc['_id'][:8].upper()}"
    tx.emit(
        RegistrationAccepted(
            registration_id=doc["_id"],
            jurisdiction_id=doc["jurisdiction_id"],
            registrant_email=doc["email"],
            registrant_name=doc["registrant_name"],
            registrant_account_id=doc.get("account_id"),
            license_types=doc["license_types"],
            company=RegisteredCompany(
                name=doc["company_name"],
                license_number=license_number,
                trades=doc["trades"],
                address=profile.get("address"),
                city=profile.get("city"),
                state=profile.get("state"),
                zip=profile.get("zip"),
                email=profile.get("company_email") or doc["email"],
                phone=profile.get("phone"),
                cell=profile.get("cell"),
                fax=profile.get("fax"),
            ),
        ),
        jurisdiction_id=doc["jurisdiction_id"],
    )


async def resubmit(reg: Reg, doc: Doc) -> Doc:
    try:
        transition(doc["status"], "resubmit")
    except IllegalTransition as exc:
        raise conflict(exc) from exc
    still = [
        rid
        for rid, a in doc["answers"].items()
        if (a.get("review") or {}).get("decision") == "needs_info"
    ]
    if still:
        raise Unprocessable(
            "update every requirement marked Needs Info first",
            slug="needs-info-open",
            errors=[field_error(f"requirements.{r}", "needs info") for r in still],
        )
    next_round = doc["round"] + 1
    event = RegistrationResubmitted(
        registration_id=doc["_id"],
        jurisdiction_id=doc["jurisdiction_id"],
        registrant_email=doc["email"],
        round=next_round,
    )
    return await _save(
        reg,
        doc,
        {"status": "pending_validation", "round": next_round, "submitted_at": reg.now},
        "resubmitted",
        doc["email"],
        events=(event,),
        round=next_round,
    )


def requirement_view(config: Doc, doc: Doc) -> list[Doc]:
    out = []
    for r in applicable(requirements_of(config), doc["trades"], doc["license_types"]):
        answer = doc["answers"].get(r.id) or {}
        review = answer.get("review") or {}
        out.append(
            {
                "id": r.id,
                "label": r.label,
                "kind": r.kind,
                "required": r.required,
                "field_type": r.field_type if r.kind == "field" else None,
                "accepted_types": list(r.accepted_types) if r.kind == "document" else None,
                "provided": provided(r, answer),
                "value": answer.get("value"),
                "document": answer.get("document"),
                "review": review.get("decision"),
                "comment": review.get("comment"),
            }
        )
    return out
