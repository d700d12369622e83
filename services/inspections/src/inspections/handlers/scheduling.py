"""Scheduling, cancelling, rescheduling and resulting inspections (R-INS-1…6)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from pymongo.errors import DuplicateKeyError

from chassis.auth import Principal
from chassis.errors import Conflict, NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from contracts.inspections import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionResulted,
    InspectionScheduled,
)
from inspections.domain.calendar import Calendar, calendar_from
from inspections.handlers.state import (
    INSPECTABLE,
    IdempotencyKeys,
    Inspections,
    InspectionsApp,
    Permits,
    Settings,
    Slots,
    Zones,
    may_schedule,
)

Doc = dict[str, Any]
DEFAULT_SETTINGS: Doc = {
    "working_days": [0, 1, 2, 3, 4],
    "holidays": [],
    "horizon_days": 14,
    "next_day_cutoff": "16:00",
    "cancel_cutoff": "06:00",
    "capacity": {},
    "default_capacity": None,
    "area_capacity": {},
    "ampm_allowed": True,
    "block_when_fees_due": False,
    "time_zone": None,
}
RESULT_V1 = {"pass": "pass", "fail": "fail", "partial": "partial", "not_ready": "no_access"}


# -- settings and calendar --------------------------------------------------------------------
async def load_settings(app: InspectionsApp, jid: str) -> Doc:
    doc = await Settings(app.runtime.db, jid).find_one({"_id": jid}) or {}
    zone = await Zones(app.runtime.db, jid).find_one({"_id": jid}) or {}
    merged = {**DEFAULT_SETTINGS, **doc}
    merged["effective_time_zone"] = merged["time_zone"] or zone.get("time_zone") or "UTC"
    return merged


async def put_settings(app: InspectionsApp, principal: Principal, jid: str, body: Doc) -> Doc:
    principal.require_admin_of(jid)

    async def work(tx: Transaction) -> None:
        await tx.repo(Settings, jid).update_one({"_id": jid}, {"$set": body}, upsert=True)

    await app.runtime.uow.run(work)
    return await load_settings(app, jid)


async def calendar(app: InspectionsApp, jid: str) -> tuple[Calendar, Doc]:
    settings = await load_settings(app, jid)
    return calendar_from(settings, settings["effective_time_zone"]), settings


def _slot_id(jid: str, inspection_type: str, day: date) -> str:
    return f"{jid}:{inspection_type}:{day.isoformat()}"


def _area_slot_id(jid: str, area: str | None, day: date) -> str:
    """Per inspector area (the site's zip), across inspection types."""
    return f"{jid}:area={area or '-'}:{day.isoformat()}"


async def _booked(app: InspectionsApp, jid: str, type_key: str) -> dict[date, int]:
    slots = await Slots(app.runtime.db, jid).find({"type": type_key})
    return {date.fromisoformat(s["date"]): s["count"] for s in slots}


async def _ensure_slot(app: InspectionsApp, jid: str, slot_id: str, key: str, day: date) -> None:
    """Slot documents exist before a transaction needs them (one $inc inside)."""
    await app.runtime.db["slots"].update_one(
        {"_id": slot_id},
        {
            "$setOnInsert": {
                "jurisdiction_id": jid,
                "type": key,
                "date": day.isoformat(),
                "count": 0,
            }
        },
        upsert=True,
    )


# -- access -------------------------------------------------------------------------------------
async def _permit(app: InspectionsApp, principal: Principal, jid: str, permit_id: str) -> Doc:
    if principal.jurisdiction_id != jid:
        raise NotFound("no such permit")
    permit = await Permits(app.runtime.db, jid).find_one({"_id": permit_id})
    if permit is None or "number" not in permit or not may_schedule(permit, principal):
        raise NotFound("no such permit")
    return permit


def _inspectable(permit: Doc, inspection_type: str, settings: Doc) -> None:
    if permit.get("status") not in INSPECTABLE:
        raise Conflict(
            f"{permit['number']} is {permit.get('status')}: inspections need an issued permit",
            slug="permit-not-inspectable",
        )
    if inspection_type not in permit.get("inspection_types", []):
        raise Unprocessable(
            f"{permit['number']} has no {inspection_type} inspection",
            errors=[
                field_error("inspection_type", f"choose from {permit.get('inspection_types')}")
            ],
        )
    if settings["block_when_fees_due"] and permit.get("open_lines"):
        raise Conflict(
            f"{permit['number']} has fees due; pay them before scheduling inspections",
            slug="fees-due",
        )


async def available_dates(
    app: InspectionsApp, principal: Principal, jid: str, permit_id: str, inspection_type: str
) -> tuple[list[date], Doc]:
    permit = await _permit(app, principal, jid, permit_id)
    cal, settings = await calendar(app, jid)
    _inspectable(permit, inspection_type, settings)
    area = permit.get("area")
    days = cal.available(
        app.runtime.clock.now(),
        inspection_type,
        await _booked(app, jid, inspection_type),
        area=area,
        area_booked=await _booked(app, jid, f"area={area or '-'}"),
    )
    return days, settings


# -- schedule -----------------------------------------------------------------------------------
def _notify(permit: Doc, principal_email: str | None) -> list[str]:
    return list(dict.fromkeys([e for e in [principal_email, *permit.get("party_emails", [])] if e]))


async def schedule(
    app: InspectionsApp, principal: Principal, jid: str, key: str | None, requests: list[Doc]
) -> tuple[list[Doc], bool]:
    """R-INS-4: every request or none. Each date must be offered at submit time."""
    rt = app.runtime
    record_id = f"{jid}:{principal.account_id}:{key}" if key else None
    digest = hashlib.sha256(json.dumps(requests, sort_keys=True, default=str).encode()).hexdigest()
    if record_id:
        existing = await IdempotencyKeys(rt.db, jid).find_one({"_id": record_id})
        if existing is not None:
            if existing["request_hash"] != digest:
                raise Unprocessable(
                    "this Idempotency-Key was already used for a different request",
                    errors=[field_error("Idempotency-Key", "reused with a different body")],
                )
            docs = await Inspections(rt.db, jid).find({"_id": {"$in": existing["inspection_ids"]}})
            return sorted(docs, key=lambda d: existing["inspection_ids"].index(d["_id"])), True
    cal, settings = await calendar(app, jid)
    now = rt.clock.now()
    seen: set[tuple[str, str]] = set()
    planned: list[tuple[Doc, Doc]] = []
    for n, req in enumerate(requests):
        permit = await _permit(app, principal, jid, req["permit_id"])
        _inspectable(permit, req["inspection_type"], settings)
        if req.get("ampm") and not settings["ampm_allowed"]:
            raise Unprocessable(
                "this jurisdiction does not take AM/PM requests",
                errors=[field_error(f"requests.{n}.ampm", "not offered")],
            )
        pair = (req["permit_id"], req["inspection_type"])
        if pair in seen:
            raise Unprocessable(
                "the same inspection is requested twice",
                errors=[field_error(f"requests.{n}", "duplicate")],
            )
        seen.add(pair)
        open_one = await Inspections(rt.db, jid).find_one(
            {
                "permit_id": req["permit_id"],
                "inspection_type": req["inspection_type"],
                "status": "SCHEDULED",
            }
        )
        if open_one is not None:
            raise Conflict(
                f"{permit['number']} {req['inspection_type']} is already scheduled "
                f"for {open_one['date']}",
                slug="already-scheduled",
            )
        planned.append((req, permit))
    for req, permit in planned:
        day = req["date"]
        await _ensure_slot(
            app, jid, _slot_id(jid, req["inspection_type"], day), req["inspection_type"], day
        )
        area_key = f"area={permit.get('area') or '-'}"
        await _ensure_slot(app, jid, _area_slot_id(jid, permit.get("area"), day), area_key, day)

    async def work(tx: Transaction) -> list[Doc]:
        docs = []
        if record_id:
            await tx.repo(IdempotencyKeys, jid).insert_one(
                {"_id": record_id, "request_hash": digest, "inspection_ids": [], "created_at": now}
            )
        for req, permit in planned:
            kind, day = req["inspection_type"], req["date"]
            slots = tx.repo(Slots, jid)
            slot_id = _slot_id(jid, kind, day)
            area_id = _area_slot_id(jid, permit.get("area"), day)
            slot = await slots.find_one({"_id": slot_id}) or {}
            area_slot = await slots.find_one({"_id": area_id}) or {}
            offered = cal.available(
                now,
                kind,
                {day: slot.get("count", 0)},
                area=permit.get("area"),
                area_booked={day: area_slot.get("count", 0)},
            )
            if day not in offered:
                raise Conflict(
                    f"{day.isoformat()} is not available for {kind} (choose another offered date)",
                    slug="date-unavailable",
                    date=day.isoformat(),
                )
            await slots.update_one({"_id": slot_id}, {"$inc": {"count": 1}})
            await slots.update_one({"_id": area_id}, {"$inc": {"count": 1}})
            doc = {
                "_id": "ins_" + uuid4().hex,
                "jurisdiction_id": jid,
                "permit_id": permit["_id"],
                "number": permit["number"],
                "record_type": "PERMIT",
                "permit_type": permit.get("type_name"),
                "address": permit.get("address"),
                "area": permit.get("area"),
                "inspection_type": kind,
                "date": day.isoformat(),
                "ampm": req.get("ampm"),
                "note": req.get("note"),
                "status": "SCHEDULED",
                "requested_by": {"account_id": principal.account_id, "email": principal.email},
                "requested_at": now,
                "cancel_until": cal.cancel_until(day),
                "notify_emails": _notify(permit, principal.email),
                "history": [
                    {
                        "at": now,
                        "what": "scheduled",
                        "by": principal.account_id,
                        "date": day.isoformat(),
                    }
                ],
                "version": 1,
            }
            await tx.repo(Inspections, jid).insert_one(doc)
            tx.emit(
                InspectionScheduled(
                    inspection_id=doc["_id"],
                    jurisdiction_id=jid,
                    permit_id=permit["_id"],
                    inspection_type=kind,
                    number=permit["number"],
                    address=permit.get("address"),
                    date=day,
                    ampm=req.get("ampm"),
                    note=req.get("note"),
                    requested_by=principal.account_id,
                    cancel_until=doc["cancel_until"],
                    notify_emails=doc["notify_emails"],
                ),
                jurisdiction_id=jid,
            )
            docs.append(doc)
        if record_id:
            await tx.repo(IdempotencyKeys, jid).update_one(
                {"_id": record_id}, {"$set": {"inspection_ids": [d["_id"] for d in docs]}}
            )
        return docs

    try:
        return await rt.uow.run(work), False
    except DuplicateKeyError:
        raise Conflict(
            "a request with this Idempotency-Key is in progress or done; retry to see it",
            slug="idempotency-key-in-progress",
        ) from None


# -- one inspection -----------------------------------------------------------------------------
async def get_inspection(
    app: InspectionsApp, principal: Principal, jid: str, inspection_id: str
) -> Doc:
    if principal.jurisdiction_id != jid:
        raise NotFound("no such inspection")
    doc = await Inspections(app.runtime.db, jid).find_one({"_id": inspection_id})
    if doc is None:
        raise NotFound("no such inspection")
    if principal.kind != "staff" and doc["requested_by"]["account_id"] != principal.account_id:
        permit = await Permits(app.runtime.db, jid).find_one({"_id": doc["permit_id"]})
        if permit is None or not may_schedule(permit, principal):
            raise NotFound("no such inspection")
    return doc


async def _release(tx: Transaction, jid: str, doc: Doc) -> None:
    day = date.fromisoformat(doc["date"])
    for slot_id in (
        _slot_id(jid, doc["inspection_type"], day),
        _area_slot_id(jid, doc.get("area"), day),
    ):
        await tx.repo(Slots, jid).update_one({"_id": slot_id}, {"$inc": {"count": -1}})


def _cancelled_event(doc: Doc, by: str, reason: str | None) -> InspectionCancelled:
    return InspectionCancelled(
        inspection_id=doc["_id"],
        jurisdiction_id=doc["jurisdiction_id"],
        permit_id=doc["permit_id"],
        inspection_type=doc["inspection_type"],
        number=doc["number"],
        address=doc.get("address"),
        date=date.fromisoformat(doc["date"]),
        by=by,
        reason=reason,
        notify_emails=doc.get("notify_emails", []),
    )


async def cancel(
    app: InspectionsApp, principal: Principal, jid: str, inspection_id: str, reason: str | None
) -> Doc:
    """R-INS-5: the requester until the cut-off on the day; staff any time."""
    doc = await get_inspection(app, principal, jid, inspection_id)
    now = app.runtime.clock.now()
    if doc["status"] != "SCHEDULED":
        raise Conflict(f"this inspection is {doc['status']}", slug="not-scheduled")
    if principal.kind != "staff" and now >= doc["cancel_until"]:
        cal, _ = await calendar(app, jid)
        raise Conflict(
            f"cancellations close at {cal.cancel_cutoff.strftime('%H:%M')} ({cal.time_zone}) on "
            f"the day of the inspection, {doc['date']}; please call the office",
            slug="cancel-cutoff-passed",
        )

    async def work(tx: Transaction) -> Doc:
        updated = await tx.repo(Inspections, jid).find_one_and_update(
            {"_id": inspection_id, "version": doc["version"], "status": "SCHEDULED"},
            {
                "$set": {"status": "CANCELLED", "cancelled_at": now, "cancel_reason": reason},
                "$inc": {"version": 1},
                "$push": {
                    "history": {
                        "at": now,
                        "what": "cancelled",
                        "by": principal.account_id,
                        "reason": reason,
                    }
                },
            },
        )
        if updated is None:
            raise Conflict("the inspection changed meanwhile; reload", slug="version-conflict")
        await _release(tx, jid, doc)
        tx.emit(_cancelled_event(doc, principal.account_id, reason), jurisdiction_id=jid)
        return updated

    return await app.runtime.uow.run(work)


async def cancel_pending(tx: Transaction, jid: str, permit_id: str, reason: str) -> int:
    """A permit expired or was cancelled: its scheduled inspections end (in the
    consumer's transaction) and the requesters are told."""
    now = tx.clock.now()
    count = 0
    for doc in await tx.repo(Inspections, jid).find(
        {"permit_id": permit_id, "status": "SCHEDULED"}
    ):
        await tx.repo(Inspections, jid).update_one(
            {"_id": doc["_id"]},
            {
                "$set": {"status": "CANCELLED", "cancelled_at": now, "cancel_reason": reason},
                "$inc": {"version": 1},
                "$push": {
                    "history": {"at": now, "what": "cancelled", "by": "system", "reason": reason}
                },
            },
        )
        await _release(tx, jid, doc)
        tx.emit(_cancelled_event(doc, "system", reason), jurisdiction_id=jid)
        count += 1
    return count


def _staff(principal: Principal, jid: str) -> None:
    if principal.jurisdiction_id != jid or principal.kind != "staff":
        raise NotFound("no such inspection")


async def reschedule(
    app: InspectionsApp, principal: Principal, jid: str, inspection_id: str, new_date: date
) -> Doc:
    """Staff may move an inspection to any working day from tomorrow, cut-offs aside."""
    _staff(principal, jid)
    doc = await get_inspection(app, principal, jid, inspection_id)
    if doc["status"] != "SCHEDULED":
        raise Conflict(f"this inspection is {doc['status']}", slug="not-scheduled")
    cal, _ = await calendar(app, jid)
    now = app.runtime.clock.now()
    if new_date <= cal.local_now(now).date() or not cal.is_working_day(new_date):
        raise Unprocessable(
            "choose a working day after today",
            errors=[field_error("date", "not a working day ahead")],
        )
    await _ensure_slot(
        app, jid, _slot_id(jid, doc["inspection_type"], new_date), doc["inspection_type"], new_date
    )
    area_key = f"area={doc.get('area') or '-'}"
    await _ensure_slot(app, jid, _area_slot_id(jid, doc.get("area"), new_date), area_key, new_date)

    async def work(tx: Transaction) -> Doc:
        updated = await tx.repo(Inspections, jid).find_one_and_update(
            {"_id": inspection_id, "version": doc["version"]},
            {
                "$set": {"date": new_date.isoformat(), "cancel_until": cal.cancel_until(new_date)},
                "$inc": {"version": 1},
                "$push": {
                    "history": {
                        "at": now,
                        "what": "rescheduled",
                        "by": principal.account_id,
                        "from": doc["date"],
                        "date": new_date.isoformat(),
                    }
                },
            },
        )
        if updated is None:
            raise Conflict("the inspection changed meanwhile; reload", slug="version-conflict")
        await _release(tx, jid, doc)
        for slot_id in (
            _slot_id(jid, doc["inspection_type"], new_date),
            _area_slot_id(jid, doc.get("area"), new_date),
        ):
            await tx.repo(Slots, jid).update_one({"_id": slot_id}, {"$inc": {"count": 1}})
        tx.emit(
            InspectionRescheduled(
                inspection_id=doc["_id"],
                jurisdiction_id=jid,
                permit_id=doc["permit_id"],
                inspection_type=doc["inspection_type"],
                number=doc["number"],
                address=doc.get("address"),
                from_date=date.fromisoformat(doc["date"]),
                date=new_date,
                by=principal.account_id,
                notify_emails=doc.get("notify_emails", []),
            ),
            jurisdiction_id=jid,
        )
        return updated

    return await app.runtime.uow.run(work)


async def record_result(
    app: InspectionsApp,
    principal: Principal,
    jid: str,
    inspection_id: str,
    outcome: str,
    comments: str | None,
    corrections: list[str],
) -> Doc:
    """R-INS-6: inspectors and staff record results; a pass restarts the
    permit's clock (permits consumes InspectionResulted)."""
    _staff(principal, jid)
    doc = await get_inspection(app, principal, jid, inspection_id)
    if doc["status"] != "SCHEDULED":
        raise Conflict(f"this inspection is {doc['status']}", slug="not-scheduled")
    if outcome == "fail" and not corrections:
        raise Unprocessable(
            "a failed inspection lists the corrections needed",
            errors=[field_error("corrections", "required for fail")],
        )
    now = app.runtime.clock.now()
    status = "CANCELLED" if outcome == "cancelled" else "RESULTED"

    async def work(tx: Transaction) -> Doc:
        updated = await tx.repo(Inspections, jid).find_one_and_update(
            {"_id": inspection_id, "version": doc["version"], "status": "SCHEDULED"},
            {
                "$set": {
                    "status": status,
                    "result": outcome,
                    "comments": comments,
                    "corrections": corrections,
                    "resulted_at": now,
                    "inspector": principal.account_id,
                },
                "$inc": {"version": 1},
                "$push": {
                    "history": {
                        "at": now,
                        "what": f"resulted: {outcome}",
                        "by": principal.account_id,
                    }
                },
            },
        )
        if updated is None:
            raise Conflict("the inspection changed meanwhile; reload", slug="version-conflict")
        if outcome == "cancelled":
            await _release(tx, jid, doc)
        tx.emit(
            InspectionResulted(
                inspection_id=doc["_id"],
                jurisdiction_id=jid,
                permit_id=doc["permit_id"],
                inspection_type=doc["inspection_type"],
                result=RESULT_V1.get(outcome, "cancelled"),  # type: ignore[arg-type]
                outcome=outcome,  # type: ignore[arg-type]
                resulted_at=now,
                number=doc["number"],
                date=date.fromisoformat(doc["date"]),
                comments=comments,
                corrections=corrections,
                inspector=principal.account_id,
                notify_emails=doc.get("notify_emails", []),
            ),
            jurisdiction_id=jid,
        )
        return updated

    return await app.runtime.uow.run(work)


# -- lists --------------------------------------------------------------------------------------
def is_cancellable(doc: Doc, now: datetime) -> bool:
    return bool(doc["status"] == "SCHEDULED" and now < doc["cancel_until"])


async def my_inspections(
    app: InspectionsApp, principal: Principal, jid: str, *, limit: int, offset: int
) -> tuple[list[Doc], int]:
    """R-INS-7: the caller's active inspections (requested by them or on a
    permit they may schedule)."""
    from inspections.handlers.state import visible_permits_filter

    if principal.jurisdiction_id != jid:
        raise NotFound("not found")
    permit_ids = [
        p["_id"]
        for p in await Permits(app.runtime.db, jid).find(
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
    repo = Inspections(app.runtime.db, jid)
    docs = await repo.find(query, sort=[("date", 1), ("_id", 1)], skip=offset, limit=limit)
    return docs, await repo.count(query)


async def search(
    app: InspectionsApp,
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
    if principal.jurisdiction_id != jid or principal.kind != "staff":
        raise NotFound("not found")
    query: Doc = {}
    if day:
        query["date"] = day.isoformat()
    elif date_from or date_to:
        query["date"] = {
            **({"$gte": date_from.isoformat()} if date_from else {}),
            **({"$lte": date_to.isoformat()} if date_to else {}),
        }
    for key, value in (
        ("inspection_type", inspection_type),
        ("area", area),
        ("number", permit_number),
        ("status", status),
    ):
        if value:
            query[key] = value
    repo = Inspections(app.runtime.db, jid)
    docs = await repo.find(
        query, sort=[("date", 1), ("area", 1), ("address", 1), ("_id", 1)], skip=offset, limit=limit
    )
    return docs, await repo.count(query)
