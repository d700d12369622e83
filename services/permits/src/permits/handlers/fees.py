"""Fee assessment and voiding (R-PAY-1, R-PAY-6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from contracts.permits import FeeAssessed, FeeLine, FeeVoided, PermitStatusChanged, SiteAddress
from permits.adapters.repositories import Permits, PermitTypes
from permits.domain.fees import FeeItem, balance_minor, to_minor
from permits.handlers.permits import Doc, PermitsApp, get_permit

FEE_ROLES = ("admin", "permit_technician", "cashier")


def _require_fee_staff(principal: Principal) -> None:
    if not principal.is_operator() and (
        principal.kind != "staff" or not principal.has_role(*FEE_ROLES)
    ):
        raise Forbidden(f"fees are assessed by {', '.join(FEE_ROLES)}")


MAX_LINE_MINOR = 9_999_999_999  # 99,999,999.99: what a fee line may come to


async def assess(
    app: PermitsApp,
    principal: Principal,
    jurisdiction_id: str,
    permit_id: str,
    *,
    items: list[dict[str, Any]],
    manual: list[dict[str, Any]],
) -> Doc:
    """Add lines from the type's schedule and/or manual lines (with a reason)."""
    doc = await get_permit(app, principal, jurisdiction_id, permit_id)  # 404 before 403
    _require_fee_staff(principal)
    if doc["status"] in ("CANCELLED", "EXPIRED", "FINALED"):
        raise Conflict(
            f"a {doc['status']} permit takes no new fees",
            slug="illegal-transition",
            current=doc["status"],
            requested="assess fees",
        )
    ptype = (
        await PermitTypes(app.runtime.db, jurisdiction_id).find_one({"code": doc["type_code"]})
        or {}
    )
    schedule = {i["code"]: FeeItem.from_doc(i) for i in ptype.get("fee_schedule", [])}
    currency = ptype.get("currency", "USD")
    now = app.now
    lines: list[Doc] = []
    for n, item in enumerate(items):
        fee = schedule.get(item["code"])
        if fee is None:
            raise Unprocessable(
                f"no fee {item['code']!r} in the schedule",
                errors=[field_error(f"items.{n}.code", "unknown")],
            )
        amount = fee.amount_for(
            valuation=Decimal(doc.get("valuation") or "0"),
            quantity=Decimal(str(item.get("quantity") or "0")),
        )
        if to_minor(amount) > MAX_LINE_MINOR:
            raise Unprocessable(
                f"the fee {fee.code} would come to more than 99,999,999.99",
                errors=[field_error(f"items.{n}.quantity", "too large")],
            )
        lines.append(
            {"code": fee.code, "name": fee.name, "amount_minor": to_minor(amount), "reason": None}
        )
    for line in manual:
        amount = Decimal(line["amount"])  # checked by the request schema (chassis.numbers)
        lines.append(
            {
                "code": None,
                "name": line["name"],
                "amount_minor": to_minor(amount),
                "reason": line["reason"],
            }
        )
    if not lines:
        raise Unprocessable("no fee lines given", errors=[field_error("items", "empty")])
    for line in lines:
        line.update(
            {
                "id": str(uuid4()),
                "status": "open",
                "currency": currency,
                "assessed_at": now,
                "by": principal.account_id,
            }
        )

    async def work(tx: Transaction) -> Doc:
        fees = [*doc.get("fees", []), *lines]
        update: Doc = {"$set": {"fees": fees}, "$inc": {"version": 1}}
        moves = doc["status"] == "PENDING_APPROVAL" and balance_minor(fees) > 0
        if moves:  # R-PAY: a permit with a balance awaits payment
            update["$set"]["status"] = "AWAITING_PAYMENT"
            update["$push"] = {
                "history": {
                    "at": now,
                    "by": "system",
                    "from": doc["status"],
                    "to": "AWAITING_PAYMENT",
                    "comment": "fees assessed",
                }
            }
        updated = await tx.repo(Permits, jurisdiction_id).find_one_and_update(
            {"_id": permit_id, "version": doc["version"]}, update
        )
        if updated is None:
            raise Conflict(
                "the permit changed meanwhile; reload and try again", slug="version-conflict"
            )
        tx.emit(
            FeeAssessed(
                permit_id=permit_id,
                jurisdiction_id=jurisdiction_id,
                number=doc["number"],
                type_name=doc["type_name"],
                site=SiteAddress(**doc["site"]),
                lines=[
                    FeeLine(
                        line_id=ln["id"],
                        code=ln["code"],
                        name=ln["name"],
                        amount_minor=ln["amount_minor"],
                        currency=currency,
                    )
                    for ln in lines
                ],
                balance_minor=balance_minor(fees),
                currency=currency,
                payer_emails=[
                    e
                    for e in (
                        (doc.get("applicant") or {}).get("email"),
                        (doc.get("owner") or {}).get("email"),
                    )
                    if e
                ],
                company_ids=list(doc.get("company_ids", [])),
                version=updated["version"],
            ),
            jurisdiction_id=jurisdiction_id,
        )
        if moves:
            tx.emit(
                PermitStatusChanged(
                    permit_id=permit_id,
                    jurisdiction_id=jurisdiction_id,
                    number=doc["number"],
                    from_status=doc["status"],
                    to_status="AWAITING_PAYMENT",
                    by="system",
                    at=now,
                    comment="fees assessed",
                    version=updated["version"],
                ),
                jurisdiction_id=jurisdiction_id,
            )
        return updated

    return await app.runtime.uow.run(work)


async def void(
    app: PermitsApp,
    principal: Principal,
    jurisdiction_id: str,
    permit_id: str,
    line_id: str,
    reason: str,
) -> Doc:
    doc = await get_permit(app, principal, jurisdiction_id, permit_id)  # 404 before 403
    _require_fee_staff(principal)
    line = next((ln for ln in doc.get("fees", []) if ln["id"] == line_id), None)
    if line is None:
        raise NotFound("no such fee line")
    if line["status"] != "open":
        raise Conflict(f"this fee line is {line['status']}", slug="fee-not-open")
    fees = [
        {**ln, "status": "voided", "void_reason": reason} if ln["id"] == line_id else ln
        for ln in doc["fees"]
    ]

    async def work(tx: Transaction) -> Doc:
        updated = await tx.repo(Permits, jurisdiction_id).find_one_and_update(
            {"_id": permit_id, "version": doc["version"]},
            {"$set": {"fees": fees}, "$inc": {"version": 1}},
        )
        if updated is None:
            raise Conflict(
                "the permit changed meanwhile; reload and try again", slug="version-conflict"
            )
        tx.emit(
            FeeVoided(
                permit_id=permit_id,
                jurisdiction_id=jurisdiction_id,
                number=doc["number"],
                line_id=line_id,
                reason=reason,
                balance_minor=balance_minor(fees),
                currency=line["currency"],
                version=updated["version"],
            ),
            jurisdiction_id=jurisdiction_id,
        )
        return updated

    return await app.runtime.uow.run(work)
