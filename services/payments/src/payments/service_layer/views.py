"""Paid items (seed 003), one payment, its receipt, staff search."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chassis.access import require_staff
from chassis.api import SEARCH_CAP, capped_page
from chassis.clock import as_utc
from chassis.principal import Principal
from chassis.refusals import Missing, NarrowTheSearch
from payments.service_layer.unit_of_work import PaymentsUnitOfWork

Doc = dict[str, Any]
PAID = ("SETTLED", "PARTIALLY_REFUNDED", "REFUNDED")


def _visible(payment: Doc | None, principal: Principal) -> Doc:
    """The payer sees their own payments, staff their jurisdiction's; anyone
    else gets the same 404 as for a payment that does not exist."""
    if payment is None or principal.jurisdiction_id != payment["jurisdiction_id"]:
        raise Missing("no such payment")
    if not principal.acts_as_staff() and payment.get("account_id") != principal.account_id:
        raise Missing("no such payment")
    return payment


async def my_payments(
    uow: PaymentsUnitOfWork,
    principal: Principal,
    *,
    paid_only: bool,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    if principal.jurisdiction_id != uow.jurisdiction_id:
        raise Missing("not found")
    query: Doc = {"account_id": principal.account_id}
    if paid_only:
        query["status"] = {"$in": list(PAID)}
    return await uow.payment_docs.page(
        query, order=_newest_first, offset=offset, limit=limit, bounded="a payer's own payments"
    )


def _newest_first(doc: Doc) -> tuple[float, str]:
    return -as_utc(doc["created_at"]).timestamp(), str(doc["_id"])


async def get_payment(uow: PaymentsUnitOfWork, principal: Principal, payment_id: str) -> Doc:
    if principal.jurisdiction_id != uow.jurisdiction_id:
        raise Missing("no such payment")
    payment = _visible(await uow.payment_docs.find_one({"_id": payment_id}), principal)
    payment["refunds"] = await uow.refund_docs.find(
        {"payment_id": payment_id}, sort=[("created_at", 1)], bounded="one payment's refunds"
    )
    return payment


async def receipt(uow: PaymentsUnitOfWork, principal: Principal, payment_id: str) -> Doc:
    payment = await get_payment(uow, principal, payment_id)
    if not payment.get("receipt_number"):
        raise Missing("this payment has no receipt (it was not settled)")
    return payment


async def staff_search(
    uow: PaymentsUnitOfWork,
    principal: Principal,
    *,
    receipt_number: str | None,
    permit_number: str | None,
    method: str | None,
    status: str | None,
    settled_from: datetime | None,
    settled_to: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int, bool]:
    """Newest first. A settlement window that is all that bounds the search is
    walked a day at a time from its newest end, reading at most ``SEARCH_CAP``
    + 1 payments; the total counts up to ``SEARCH_CAP`` (the third value:
    there are more)."""
    require_staff(principal, uow.jurisdiction_id)
    settled_from, settled_to = _window(settled_from, settled_to)
    bounded = _bounded_by(receipt_number, permit_number, status, settled_from, settled_to)
    query: Doc = {}
    if receipt_number:
        query["receipt_number"] = receipt_number
    if permit_number:
        query["items.number"] = permit_number
    if method:
        query["method"] = method
    if status:
        query["status"] = status
    repo = uow.payment_docs
    if settled_from and settled_to and not (receipt_number or permit_number):
        found = await repo.newest_in_window(
            query, "settled_at", settled_from, settled_to, want=SEARCH_CAP + 1
        )
        found.sort(key=_newest_first)
        return capped_page(found, offset, limit)
    if settled_from or settled_to:
        query["settled_at"] = {
            **({"$gte": settled_from} if settled_from else {}),
            **({"$lt": settled_to} if settled_to else {}),
        }
    docs, total = await repo.page(
        query, order=_newest_first, offset=offset, limit=limit, bounded=bounded
    )
    return docs, total, False


WINDOW_DAYS = 92
IN_PROGRESS = ("CREATED", "PENDING", "REFUNDING")


def _window(
    start: datetime | None, end: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """A one-sided window is ``WINDOW_DAYS`` long."""
    span = timedelta(days=WINDOW_DAYS)
    if start and not end:
        return start, start + span
    if end and not start:
        return end - span, end
    return start, end


def _bounded_by(
    receipt_number: str | None,
    permit_number: str | None,
    status: str | None,
    settled_from: datetime | None,
    settled_to: datetime | None,
) -> str:
    """Why the search's match is small, or a 422 saying how to narrow it."""
    if receipt_number or permit_number:
        return "one receipt's or one permit's payments"
    if status in IN_PROGRESS:
        return "a work queue: payments still in progress"
    if settled_from and settled_to and settled_to - settled_from <= timedelta(days=WINDOW_DAYS):
        return f"payments settled within {WINDOW_DAYS} days"
    raise NarrowTheSearch(
        "narrow the search: give a receipt or permit number, a status in progress "
        f"({', '.join(IN_PROGRESS)}), or a settlement window (from, to) of at most "
        f"{WINDOW_DAYS} days",
        "from",
        f"a window of at most {WINDOW_DAYS} days",
    )
