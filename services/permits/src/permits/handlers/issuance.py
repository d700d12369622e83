"""Issuance (R-PER-6) and the payment effects that lead to it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chassis.uow import Transaction
from contracts.payments import PaymentRefunded, PaymentSettled
from contracts.permits import Party, PermitIssued, PermitStatusChanged, SiteAddress
from permits.adapters.repositories import Permits, PermitTypes
from permits.domain.fees import balance_minor

Doc = dict[str, Any]


def issue(
    doc: Doc, ptype: Doc, now: datetime, *, automatic: bool, version: int
) -> tuple[Doc, PermitIssued]:
    """The fields an issuance sets, and its event. The R-PER-5 clock starts now."""
    expires = now + timedelta(days=int(ptype.get("inactivity_days", 180)))
    fields = {
        "issued_at": now,
        "last_activity_at": now,
        "expires_at": expires,
        "expiring_notified": False,
    }
    event = PermitIssued(
        permit_id=doc["_id"],
        jurisdiction_id=doc["jurisdiction_id"],
        number=doc["number"],
        type_name=doc["type_name"],
        site=SiteAddress(**doc["site"]),
        inspection_types=list(ptype.get("inspection_types", [])),
        issued_at=now,
        expires_at=expires,
        automatic=automatic,
        applicant=Party(**doc["applicant"]),
        owner=Party(**doc["owner"]) if doc.get("owner") else None,
        company_ids=list(doc.get("company_ids", [])),
        version=version,
    )
    return fields, event


def _move(doc: Doc, to: str, now: datetime, comment: str, moves: list[tuple[str, str]]) -> Doc:
    moves.append((doc["status"], to))
    return {"at": now, "by": "system", "from": doc["status"], "to": to, "comment": comment}


async def apply_payment(tx: Transaction, event: PaymentSettled) -> None:
    """Mark the allocated lines paid (once); a zero balance readies the permit and,
    where the type says so, issues it."""
    jid = event.jurisdiction_id
    now = tx.clock.now()
    permits = tx.repo(Permits, jid)
    for allocation in event.allocations:
        doc = await permits.find_one({"_id": allocation.permit_id})
        if doc is None:
            continue
        paid = set(allocation.line_ids)
        fees = [
            {**ln, "status": "paid", "payment_id": event.payment_id}
            if ln["id"] in paid and ln["status"] == "open"
            else ln
            for ln in doc.get("fees", [])
        ]
        history: list[Doc] = []
        moves: list[tuple[str, str]] = []
        fields: Doc = {"fees": fees}
        status = doc["status"]
        issued: PermitIssued | None = None
        if balance_minor(fees) == 0 and status == "AWAITING_PAYMENT":
            history.append(_move(doc, "READY_TO_ISSUE", now, "fees paid", moves))
            status = "READY_TO_ISSUE"
            ptype = await tx.repo(PermitTypes, jid).find_one({"code": doc["type_code"]}) or {}
            if ptype.get("auto_issue"):
                history.append(
                    _move(
                        {**doc, "status": status},
                        "ISSUED",
                        now,
                        "issued electronically once fees were paid",
                        moves,
                    )
                )
                status = "ISSUED"
                issue_fields, issued = issue(
                    {**doc, "jurisdiction_id": jid},
                    ptype,
                    now,
                    automatic=True,
                    version=doc["version"] + 1,
                )
                fields.update(issue_fields)
        fields["status"] = status
        update: Doc = {"$set": fields, "$inc": {"version": 1}}
        if history:
            update["$push"] = {"history": {"$each": history}}
        updated = await permits.find_one_and_update(
            {"_id": doc["_id"], "version": doc["version"]}, update
        )
        if updated is None:
            raise RuntimeError("permit changed during the payment; retrying")  # transient
        for from_status, to_status in moves:
            tx.emit(
                PermitStatusChanged(
                    permit_id=doc["_id"],
                    jurisdiction_id=jid,
                    number=doc["number"],
                    from_status=from_status,
                    to_status=to_status,
                    by="system",
                    at=now,
                    comment="payment settled",
                    version=updated["version"],
                ),
                jurisdiction_id=jid,
            )
        if issued is not None:
            tx.emit(issued, jurisdiction_id=jid)


async def undo_payment(tx: Transaction, event: PaymentRefunded) -> None:
    """The refunded payment's lines are unpaid again; a permit not yet issued
    awaits payment again."""
    jid = event.jurisdiction_id
    permits = tx.repo(Permits, jid)
    for allocation in event.allocations:
        doc = await permits.find_one({"_id": allocation.permit_id})
        if doc is None:
            continue
        fees = [
            {**ln, "status": "open", "payment_id": None}
            if ln.get("payment_id") == event.payment_id and ln["status"] == "paid"
            else ln
            for ln in doc.get("fees", [])
        ]
        fields: Doc = {"fees": fees}
        if doc["status"] == "READY_TO_ISSUE" and balance_minor(fees) > 0:
            fields["status"] = "AWAITING_PAYMENT"
        await permits.update_one({"_id": doc["_id"]}, {"$set": fields, "$inc": {"version": 1}})
