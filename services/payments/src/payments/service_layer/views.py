"""Paid items (seed 003), one payment, its receipt, staff search."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo.asynchronous.database import AsyncDatabase

from chassis.access import require_staff
from chassis.errors import NotFound
from chassis.mongo import TenantRepository
from chassis.principal import Principal

Doc = dict[str, Any]
PAID = ("SETTLED", "PARTIALLY_REFUNDED", "REFUNDED")


class Payments(TenantRepository):
    """Payments as documents, for the read side."""

    collection_name: ClassVar[str] = "payments"


class Refunds(TenantRepository):
    collection_name: ClassVar[str] = "refunds"


def _visible(payment: Doc | None, principal: Principal) -> Doc:
    """The payer sees their own payments, staff their jurisdiction's; anyone
    else gets the same 404 as for a payment that does not exist."""
    if payment is None or principal.jurisdiction_id != payment["jurisdiction_id"]:
        raise NotFound("no such payment")
    if principal.kind != "staff" and payment.get("account_id") != principal.account_id:
        raise NotFound("no such payment")
    return payment


async def my_payments(
    db: AsyncDatabase[Doc],
    principal: Principal,
    jid: str,
    *,
    paid_only: bool,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    if principal.jurisdiction_id != jid:
        raise NotFound("not found")
    query: Doc = {"account_id": principal.account_id}
    if paid_only:
        query["status"] = {"$in": list(PAID)}
    repo = Payments(db, jid)
    docs = await repo.find(query, sort=[("created_at", -1), ("_id", -1)], skip=offset, limit=limit)
    return docs, await repo.count(query)


async def get_payment(
    db: AsyncDatabase[Doc], principal: Principal, jid: str, payment_id: str
) -> Doc:
    if principal.jurisdiction_id != jid:
        raise NotFound("no such payment")
    payment = _visible(await Payments(db, jid).find_one({"_id": payment_id}), principal)
    payment["refunds"] = await Refunds(db, jid).find(
        {"payment_id": payment_id}, sort=[("created_at", 1)]
    )
    return payment


async def receipt(db: AsyncDatabase[Doc], principal: Principal, jid: str, payment_id: str) -> Doc:
    payment = await get_payment(db, principal, jid, payment_id)
    if not payment.get("receipt_number"):
        raise NotFound("this payment has no receipt (it was not settled)")
    return payment


async def staff_search(
    db: AsyncDatabase[Doc],
    principal: Principal,
    jid: str,
    *,
    receipt_number: str | None,
    permit_number: str | None,
    method: str | None,
    status: str | None,
    settled_from: datetime | None,
    settled_to: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    require_staff(principal, jid)
    query: Doc = {}
    if receipt_number:
        query["receipt_number"] = receipt_number
    if permit_number:
        query["items.number"] = permit_number
    if method:
        query["method"] = method
    if status:
        query["status"] = status
    if settled_from or settled_to:
        query["settled_at"] = {
            **({"$gte": settled_from} if settled_from else {}),
            **({"$lt": settled_to} if settled_to else {}),
        }
    repo = Payments(db, jid)
    docs = await repo.find(query, sort=[("created_at", -1), ("_id", -1)], skip=offset, limit=limit)
    return docs, await repo.count(query)
