"""The payment ledger: settlement, failure and refunds (R-PAY-5).

Every change is one transaction over the payment, its reserved fee lines and
the receivables, with its event in the outbox. Settlement is idempotent by the
payment's status; a charged payment whose lines were meanwhile paid by someone
else is refunded automatically, never applied twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, ClassVar, Literal
from uuid import uuid4

from chassis.errors import Conflict
from chassis.mongo import TenantRepository
from chassis.uow import Transaction
from contracts.payments import Allocation, PaymentFailed, PaymentRefunded, PaymentSettled
from payments.handlers.cart import Carts, PaymentsApp
from payments.handlers.receivables import Receivables
from payments.providers import ProviderError

log = logging.getLogger(__name__)
Doc = dict[str, Any]
SETTLED_STATES = ("SETTLED", "PARTIALLY_REFUNDED", "REFUNDED", "REFUNDING")
OPEN_STATES = ("CREATED", "PENDING")


class Payments(TenantRepository):
    collection_name: ClassVar[str] = "payments"


class Reservations(TenantRepository):
    """One document per reserved fee line (``<permit_id>:<line_id>``): the unique
    ``_id`` is what keeps two open checkouts from taking the same line."""

    collection_name: ClassVar[str] = "reservations"


class Refunds(TenantRepository):
    collection_name: ClassVar[str] = "refunds"


class Counters(TenantRepository):
    collection_name: ClassVar[str] = "counters"


def line_key(permit_id: str, line_id: str) -> str:
    return f"{permit_id}:{line_id}"


def allocations(items: list[Doc], only: set[str] | None = None) -> list[Allocation]:
    out = []
    for item in items:
        lines = [ln for ln in item["lines"] if only is None or ln["line_id"] in only]
        if lines:
            out.append(
                Allocation(
                    permit_id=item["permit_id"],
                    number=item.get("number"),
                    line_ids=[ln["line_id"] for ln in lines],
                    amount_minor=sum(ln["amount_minor"] for ln in lines),
                )
            )
    return out


def history(now: datetime, what: str, by: str = "system", **extra: Any) -> Doc:
    return {"at": now, "what": what, "by": by, **extra}


async def next_receipt_number(tx: Transaction, jid: str, now: datetime) -> str:
    """Unique per jurisdiction: a per-year counter in the settlement's transaction."""
    counter = await tx.repo(Counters, jid).find_one_and_update(
        {"_id": f"{jid}:receipt:{now.year}"}, {"$inc": {"seq": 1}}, upsert=True
    )
    assert counter is not None
    return f"R{now.year}-{counter['seq']:06d}"


async def settle(
    tx: Transaction,
    app: PaymentsApp,
    jid: str,
    payment_id: str,
    *,
    method: str | None,
    on_conflict: Literal["refund", "raise"] = "refund",
) -> str:
    """Mark the payment's lines paid, number its receipt and publish
    ``PaymentSettled`` — once. Returns what happened."""
    now = tx.clock.now()
    payments = tx.repo(Payments, jid)
    payment = await payments.find_one({"_id": payment_id})
    if payment is None:
        return "unknown"
    if payment["status"] in SETTLED_STATES:
        return "already-settled"
    receivables = tx.repo(Receivables, jid)
    reservations = tx.repo(Reservations, jid)
    taken: list[tuple[str, str | None]] = []  # (permit number, the payment holding it)
    for item in payment["items"]:
        receivable = await receivables.find_one({"_id": item["permit_id"]}) or {}
        for ln in item["lines"]:
            current = receivable.get("lines", {}).get(ln["line_id"])
            if current is None or current["status"] != "open":
                taken.append((item["number"], (current or {}).get("payment_id")))
                continue
            hold = await reservations.find_one({"_id": line_key(item["permit_id"], ln["line_id"])})
            if hold and hold["payment_id"] != payment_id and hold["expires_at"] > now:
                taken.append((item["number"], hold["payment_id"]))
    if taken:
        numbers = sorted({n for n, _ in taken})
        if on_conflict == "raise":
            raise Conflict(
                f"fees of {', '.join(numbers)} are paid or being paid already",
                slug="fees-not-payable",
            )
        return await _refund_whole(tx, app, payment, taken, method, now)

    receipt = await next_receipt_number(tx, jid, now)
    for item in payment["items"]:
        await receivables.update_one(
            {"_id": item["permit_id"]},
            {
                "$set": {
                    **{f"lines.{ln['line_id']}.status": "paid" for ln in item["lines"]},
                    **{f"lines.{ln['line_id']}.payment_id": payment_id for ln in item["lines"]},
                }
            },
        )
    await reservations.delete_many({"payment_id": payment_id})
    method = method or payment["method"]
    await payments.update_one(
        {"_id": payment_id},
        {
            "$set": {
                "status": "SETTLED",
                "receipt_number": receipt,
                "settled_at": now,
                "method": method,
                "hosted_url": None,
            },
            "$push": {"history": history(now, "settled", receipt=receipt)},
        },
    )
    if payment.get("account_id"):
        await tx.repo(Carts, jid).update_one(
            {"_id": f"{jid}:{payment['account_id']}"},
            {"$unset": {f"items.{item['permit_id']}": "" for item in payment["items"]}},
        )
    tx.emit(
        PaymentSettled(
            payment_id=payment_id,
            jurisdiction_id=jid,
            allocations=allocations(payment["items"]),
            currency=payment["currency"],
            settled_at=now,
            receipt_number=receipt,
            channel=payment["channel"],
            method=method,
            fees_minor=payment["fees_minor"],
            convenience_fee_minor=payment["convenience_fee_minor"],
            convenience_fee_label=payment.get("convenience_fee_label"),
            total_minor=payment["total_minor"],
            rounding_rule=payment["rounding_rule"],
            payer_email=payment["payer"].get("email"),
            payer_name=payment["payer"].get("name"),
            account_id=payment.get("account_id"),
        ),
        jurisdiction_id=jid,
    )
    return "settled"


async def _refund_whole(
    tx: Transaction,
    app: PaymentsApp,
    payment: Doc,
    taken: list[tuple[str, str | None]],
    method: str | None,
    now: datetime,
) -> str:
    """The provider charged a payment whose fees another payment has paid or
    holds (R-PAY-5, two payers at once): give all of it back, tell both."""
    jid = payment["jurisdiction_id"]
    other = next((pid for _, pid in taken if pid), None)
    other_email = None
    if other:
        other_doc = await tx.repo(Payments, jid).find_one({"_id": other})
        other_email = (other_doc or {}).get("payer", {}).get("email")
    numbers = sorted({n for n, _ in taken})
    refund_id = "ref_" + uuid4().hex
    await tx.repo(Refunds, jid).insert_one(
        {
            "_id": refund_id,
            "payment_id": payment["_id"],
            "line_ids": [],
            "amount_minor": payment["total_minor"],
            "reason": f"the fees of {', '.join(numbers)} were paid by another payment",
            "automatic": True,
            "other_payer_email": other_email,
            "status": "REQUESTED",
            "by": "system",
            "created_at": now,
        }
    )
    await tx.repo(Reservations, jid).delete_many({"payment_id": payment["_id"]})
    await tx.repo(Payments, jid).update_one(
        {"_id": payment["_id"]},
        {
            "$set": {"status": "REFUNDING", "method": method or payment["method"], "paid_at": now},
            "$push": {"history": history(now, "charged-but-fees-taken", refund_id=refund_id)},
        },
    )

    async def refund_now() -> None:
        await complete_refund(app, jid, refund_id)

    tx.after_commit(refund_now)
    return "refunding"


async def fail(
    tx: Transaction,
    jid: str,
    payment_id: str,
    reason: Literal["declined", "canceled", "expired", "provider-error"],
) -> str:
    """End an open checkout without money taken: its lines are free again."""
    now = tx.clock.now()
    payment = await tx.repo(Payments, jid).find_one_and_update(
        {"_id": payment_id, "status": {"$in": list(OPEN_STATES)}},
        {
            "$set": {
                "status": "FAILED",
                "failure_reason": reason,
                "failed_at": now,
                "hosted_url": None,
            },
            "$push": {"history": history(now, f"failed: {reason}")},
        },
    )
    if payment is None:
        return "ignored"  # settled, already failed, or unknown: nothing to undo
    await tx.repo(Reservations, jid).delete_many({"payment_id": payment_id})
    tx.emit(
        PaymentFailed(
            payment_id=payment_id,
            jurisdiction_id=jid,
            reason=reason,
            allocations=allocations(payment["items"]),
            payer_email=payment["payer"].get("email"),
            failed_at=now,
        ),
        jurisdiction_id=jid,
    )
    return "failed"


async def complete_refund(app: PaymentsApp, jid: str, refund_id: str) -> str:
    """Take a requested refund to the provider (idempotently, keyed by the
    refund id), then record it and publish ``PaymentRefunded``. A crash in
    between leaves it REQUESTED; reconciliation finishes it."""
    rt = app.runtime
    refund = await Refunds(rt.db, jid).find_one({"_id": refund_id})
    if refund is None or refund["status"] != "REQUESTED":
        return "nothing-to-do"
    payment = await Payments(rt.db, jid).find_one({"_id": refund["payment_id"]})
    assert payment is not None
    provider_ref = None
    if payment["channel"] == "online":
        try:
            provider_ref = await app.provider.refund(
                payment["provider_ref"], refund["amount_minor"], idempotency_key=refund_id
            )
        except ProviderError:
            log.warning("refund %s not taken by the provider yet; will retry", refund_id)
            return "retry"

    async def work(tx: Transaction) -> str:
        now = tx.clock.now()
        done = await tx.repo(Refunds, jid).find_one_and_update(
            {"_id": refund_id, "status": "REQUESTED"},
            {"$set": {"status": "DONE", "provider_ref": provider_ref, "done_at": now}},
        )
        if done is None:
            return "nothing-to-do"
        payments = tx.repo(Payments, jid)
        current = await payments.find_one({"_id": payment["_id"]})
        assert current is not None
        reopened = set(done["line_ids"])
        receivables = tx.repo(Receivables, jid)
        items = []
        for item in current["items"]:
            lines = []
            for ln in item["lines"]:
                if ln["line_id"] in reopened:
                    ln = {**ln, "refunded": True, "refunding": False}
                    await receivables.update_one(
                        {
                            "_id": item["permit_id"],
                            f"lines.{ln['line_id']}.payment_id": current["_id"],
                        },
                        {
                            "$set": {f"lines.{ln['line_id']}.status": "open"},
                            "$unset": {f"lines.{ln['line_id']}.payment_id": ""},
                        },
                    )
                lines.append(ln)
            items.append({**item, "lines": lines})
        refunded = current.get("refunded_minor", 0) + done["amount_minor"]
        everything = done["automatic"] or all(
            ln.get("refunded") for item in items for ln in item["lines"]
        )
        await payments.update_one(
            {"_id": current["_id"]},
            {
                "$set": {
                    "items": items,
                    "refunded_minor": refunded,
                    "status": "REFUNDED" if everything else "PARTIALLY_REFUNDED",
                },
                "$inc": {"version": 1},
                "$push": {
                    "history": history(
                        now,
                        "refunded",
                        done["by"],
                        refund_id=refund_id,
                        amount=done["amount_minor"],
                    )
                },
            },
        )
        tx.emit(
            PaymentRefunded(
                payment_id=current["_id"],
                jurisdiction_id=jid,
                allocations=allocations(current["items"], reopened) if reopened else [],
                refunded_at=now,
                refund_id=refund_id,
                amount_minor=done["amount_minor"],
                currency=current["currency"],
                reason=done["reason"],
                automatic=done["automatic"],
                receipt_number=current.get("receipt_number"),
                permit_numbers=[item["number"] for item in current["items"]],
                payer_email=current["payer"].get("email"),
                other_payer_email=done.get("other_payer_email"),
            ),
            jurisdiction_id=jid,
        )
        return "refunded"

    return await rt.uow.run(work)
