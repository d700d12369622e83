"""Checkout (R-PAY-3/5): an ``Idempotency-Key`` per request, the cart's fee
lines reserved while the hosted payment page is open, the provider's verified
webhooks applied once, counter payments and refunds by staff."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import quote
from uuid import uuid4

from pymongo.errors import DuplicateKeyError

from chassis.auth import Principal
from chassis.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ProblemError,
    Unprocessable,
    field_error,
)
from chassis.mongo import TenantRepository
from chassis.uow import Transaction
from contracts.payments import CheckoutStarted
from payments.domain.money import ROUNDING_RULE
from payments.handlers import cart
from payments.handlers.cart import PaymentsApp
from payments.handlers.ledger import (
    Payments,
    Refunds,
    Reservations,
    allocations,
    complete_refund,
    fail,
    history,
    line_key,
    settle,
)
from payments.handlers.receivables import Receivables
from payments.providers import CheckoutRequest, InvalidWebhook, ProviderError

log = logging.getLogger(__name__)
Doc = dict[str, Any]
CASHIER_ROLES = ("cashier", "admin")


class IdempotencyKeys(TenantRepository):
    collection_name: ClassVar[str] = "idempotency_keys"


class WebhookEvents(TenantRepository):
    collection_name: ClassVar[str] = "webhook_events"


def _digest(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _require_key(key: str | None) -> str:
    if not key:
        raise ProblemError(
            "this request needs an Idempotency-Key header (a unique value per intended "
            "payment; send the same value when you retry)",
            status=400,
            slug="idempotency-key-missing",
            errors=[field_error("Idempotency-Key", "required")],
        )
    return key


async def _idempotent(
    app: PaymentsApp,
    principal: Principal,
    jid: str,
    key: str | None,
    body: Mapping[str, Any],
    create: Callable[[str, Doc], Awaitable[Doc]],
) -> tuple[Doc, bool]:
    """Same key and body → the same payment; another body → 422; the first
    request still running → 409. ``create(payment_id, idempotency_doc)`` makes the
    payment and must insert ``idempotency_doc`` in its transaction."""
    key = _require_key(key)
    repo = IdempotencyKeys(app.runtime.db, jid)
    record_id = f"{jid}:{principal.account_id}:{key}"  # _id is unique across tenants
    digest = _digest(body)
    for _ in range(2):
        existing = await repo.find_one({"_id": record_id})
        if existing is not None:
            return await _replay(app, jid, existing, digest), True
        payment_id = "pay_" + uuid4().hex
        record = {
            "_id": record_id,
            "request_hash": digest,
            "payment_id": payment_id,
            "created_at": app.runtime.clock.now(),
        }
        try:
            return await create(payment_id, record), False
        except DuplicateKeyError as exc:
            if "idempotency_keys" not in str(exc):
                raise
            # a concurrent request with the same key won: answer as its retry
    raise Conflict("a request with this Idempotency-Key is in progress", slug="idempotency-busy")


async def _replay(app: PaymentsApp, jid: str, record: Doc, digest: str) -> Doc:
    if record["request_hash"] != digest:
        raise Unprocessable(
            "this Idempotency-Key was already used for a different request",
            slug="idempotency-key-reused",
            errors=[field_error("Idempotency-Key", "reused with a different body")],
        )
    payment = await Payments(app.runtime.db, jid).find_one({"_id": record["payment_id"]})
    assert payment is not None  # written in the same transaction as the record
    if payment["status"] == "CREATED" and payment["channel"] == "online":
        age = app.runtime.clock.now() - payment["created_at"]
        if age < timedelta(seconds=app.settings.idempotency_in_progress_seconds):
            raise Conflict(
                "a request with this Idempotency-Key is still being processed; retry shortly",
                slug="idempotency-key-in-progress",
            )
        return await _open_with_provider(app, payment)  # the first request died midway
    return payment


def _payment_doc(
    payment_id: str, jid: str, principal: Principal, summary: Doc, channel: str, now: Any
) -> Doc:
    return {
        "_id": payment_id,
        "jurisdiction_id": jid,
        "channel": channel,
        "status": "CREATED",
        "account_id": principal.account_id,
        "payer": {"email": principal.email, "name": None},
        "method": summary["method"],
        "items": [
            {
                "permit_id": p["permit_id"],
                "number": p["number"],
                "address": p.get("address"),
                "lines": p["lines"],
            }
            for p in summary["permits"]
        ],
        "fees_minor": summary["total_fees_minor"],
        "convenience_fee_minor": summary["convenience_fee_minor"],
        "convenience_fee_label": summary["convenience_fee_label"],
        "total_minor": summary["total_due_minor"],
        "currency": summary["currency"],
        "rounding_rule": summary.get("rounding_rule", ROUNDING_RULE),
        "absorbed_fee_minor": summary.get("absorbed_fee_minor", 0),
        "refunded_minor": 0,
        "created_at": now,
        "history": [],
        "version": 1,
    }


async def _reserve(tx: Transaction, jid: str, payment: Doc, expires_at: Any) -> None:
    """Take every line for this payment; a line another open checkout holds
    fails the whole transaction (the unique ``_id``)."""
    now = tx.clock.now()
    reservations = tx.repo(Reservations, jid)
    receivables = tx.repo(Receivables, jid)
    keys = [line_key(i["permit_id"], ln["line_id"]) for i in payment["items"] for ln in i["lines"]]
    await reservations.delete_many({"_id": {"$in": keys}, "expires_at": {"$lte": now}})
    for item in payment["items"]:
        receivable = await receivables.find_one({"_id": item["permit_id"]}) or {}
        for ln in item["lines"]:
            if receivable.get("lines", {}).get(ln["line_id"], {}).get("status") != "open":
                raise Conflict(
                    f"{item['number']}: {ln['name']} is no longer due; review your cart",
                    slug="fees-not-payable",
                )
            await reservations.insert_one(
                {
                    "_id": line_key(item["permit_id"], ln["line_id"]),
                    "payment_id": payment["_id"],
                    "expires_at": expires_at,
                }
            )


async def start_checkout(
    app: PaymentsApp, principal: Principal, jid: str, key: str | None, body: Doc
) -> tuple[Doc, bool]:
    cart._caller(principal, jid)
    _require_key(key)
    summary = await cart.summary(app, principal, jid, body["method"])
    settings = await cart.load_settings(app, jid)
    if not settings["online_payments"]:
        raise Forbidden(
            "this jurisdiction does not take payments online", slug="online-payments-off"
        )

    async def create(payment_id: str, record: Doc) -> Doc:
        if not summary["permits"]:
            raise Unprocessable("your cart has no fees due", errors=[field_error("cart", "empty")])
        now = app.runtime.clock.now()
        expires = now + timedelta(minutes=app.settings.reservation_minutes)
        payment = {
            **_payment_doc(payment_id, jid, principal, summary, "online", now),
            "provider": app.provider.name,
            "expires_at": expires,
            "history": [history(now, "checkout started", principal.account_id)],
        }

        async def work(tx: Transaction) -> None:
            await tx.repo(IdempotencyKeys, jid).insert_one(record)
            await _reserve(tx, jid, payment, expires)
            await tx.repo(Payments, jid).insert_one(payment)
            tx.emit(
                CheckoutStarted(
                    payment_id=payment_id,
                    jurisdiction_id=jid,
                    account_id=principal.account_id,
                    method=payment["method"],
                    allocations=allocations(payment["items"]),
                    fees_minor=payment["fees_minor"],
                    convenience_fee_minor=payment["convenience_fee_minor"],
                    total_minor=payment["total_minor"],
                    currency=payment["currency"],
                    provider=app.provider.name,
                    expires_at=expires,
                ),
                jurisdiction_id=jid,
            )

        try:
            await app.runtime.uow.run(work)
        except DuplicateKeyError as exc:
            if "reservations" not in str(exc):
                raise
            raise Conflict(
                "some of these fees are in another payment that is still open; "
                "try again when it ends",
                slug="fees-reserved",
            ) from None
        return await _open_with_provider(app, payment)

    return await _idempotent(app, principal, jid, key, body, create)


async def _open_with_provider(app: PaymentsApp, payment: Doc) -> Doc:
    jid = payment["jurisdiction_id"]
    numbers = ", ".join(i["number"] for i in payment["items"])
    return_url = f"{app.settings.return_url}?jurisdiction={quote(jid)}"
    try:
        hosted = await app.provider.create_checkout(
            CheckoutRequest(
                payment_id=payment["_id"],
                jurisdiction_id=jid,
                amount_minor=payment["total_minor"],
                currency=payment["currency"],
                method=payment["method"],
                description=f"Permit fees: {numbers}",
                return_url=return_url,
                expires_at=payment["expires_at"],
            )
        )
    except ProviderError:
        log.warning("provider refused checkout %s", payment["_id"], exc_info=True)

        async def undo(tx: Transaction) -> None:
            await fail(tx, jid, payment["_id"], "provider-error")
            await tx.repo(IdempotencyKeys, jid).delete_many({"payment_id": payment["_id"]})

        await app.runtime.uow.run(undo)
        raise ProblemError(
            "the payment provider is unavailable; nothing was charged — try again",
            status=503,
            slug="provider-unavailable",
            title="Payment provider unavailable",
        ) from None

    async def work(tx: Transaction) -> Doc | None:
        return await tx.repo(Payments, jid).find_one_and_update(
            {"_id": payment["_id"], "status": "CREATED"},
            {
                "$set": {
                    "status": "PENDING",
                    "provider_ref": hosted.provider_ref,
                    "hosted_url": hosted.url,
                }
            },
        )

    updated = await app.runtime.uow.run(work)
    return updated or await Payments(app.runtime.db, jid).find_one({"_id": payment["_id"]}) or {}


async def handle_webhook(app: PaymentsApp, body: bytes, headers: Mapping[str, str]) -> str:
    """Only a verified webhook settles (R-PAY-5). Each provider event applies
    once (its id is recorded in the same transaction as its effect)."""
    rt = app.runtime
    try:
        event = app.provider.parse_webhook(body, headers, rt.clock.now())
    except InvalidWebhook as exc:
        raise ProblemError(str(exc), status=400, slug="invalid-webhook") from None
    if event is None or event.outcome == "pending" or event.payment_id is None:
        return "ignored"
    payment_id: str = event.payment_id
    # Payment ids are unguessable and global; the payment names its jurisdiction.
    raw = await rt.db["payments"].find_one({"_id": event.payment_id}, {"jurisdiction_id": 1})
    if raw is None:
        log.warning("webhook for unknown payment %s ignored", event.payment_id)
        return "unknown-payment"
    jid = raw["jurisdiction_id"]
    outcome = event.outcome

    async def work(tx: Transaction) -> str:
        await tx.repo(WebhookEvents, jid).insert_one(
            {
                "_id": f"{app.provider.name}:{event.event_id}",
                "payment_id": event.payment_id,
                "outcome": outcome,
                "received_at": tx.clock.now(),
            }
        )
        payment = await tx.repo(Payments, jid).find_one({"_id": event.payment_id})
        assert payment is not None
        if event.amount_minor is not None and event.amount_minor != payment["total_minor"]:
            log.error("webhook amount %s ≠ payment %s", event.amount_minor, payment["_id"])
            return "amount-mismatch"
        if outcome == "succeeded":
            return await settle(tx, app, jid, payment_id, method=event.method)
        return await fail(tx, jid, payment_id, outcome)

    try:
        return await rt.uow.run(work)
    except DuplicateKeyError as exc:
        if "webhook_events" not in str(exc):
            raise
        return "duplicate"


# -- counter payments and refunds (staff) ------------------------------------------------------
def _cashier(principal: Principal, jid: str) -> None:
    if principal.jurisdiction_id != jid or principal.kind != "staff":
        raise NotFound("not found")
    if not principal.has_role(*CASHIER_ROLES):
        raise Forbidden("this needs the cashier or admin role")


async def counter_payment(
    app: PaymentsApp, principal: Principal, jid: str, key: str | None, body: Doc
) -> tuple[Doc, bool]:
    """Cash or check taken at the desk: settled at once, with a receipt."""
    _cashier(principal, jid)
    _require_key(key)

    async def create(payment_id: str, record: Doc) -> Doc:
        receivables = Receivables(app.runtime.db, jid)
        items, total = [], 0
        for want in body["permits"]:
            receivable = await receivables.find_one({"_id": want["permit_id"]})
            if receivable is None:
                raise NotFound(f"no fees for permit {want['permit_id']}")
            open_lines = {
                lid: ln for lid, ln in receivable.get("lines", {}).items() if ln["status"] == "open"
            }
            chosen = want.get("line_ids") or list(open_lines)
            unknown = sorted(set(chosen) - set(open_lines))
            if unknown or not chosen:
                raise Unprocessable(
                    "only open fee lines can be paid",
                    errors=[field_error("permits", f"{receivable['number']}: not open {unknown}")],
                )
            lines = [
                {
                    "line_id": lid,
                    "name": open_lines[lid]["name"],
                    "amount_minor": open_lines[lid]["amount_minor"],
                }
                for lid in chosen
            ]
            total += sum(ln["amount_minor"] for ln in lines)
            items.append(
                {
                    "permit_id": want["permit_id"],
                    "number": receivable["number"],
                    "address": receivable.get("address"),
                    "lines": lines,
                    "subtotal_minor": sum(ln["amount_minor"] for ln in lines),
                }
            )
        settings = await cart.load_settings(app, jid)
        now = app.runtime.clock.now()
        summary = {
            "permits": items,
            "method": body["method"],
            "total_fees_minor": total,
            "convenience_fee_minor": 0,
            "convenience_fee_label": None,
            "total_due_minor": total,
            "currency": settings["currency"],
        }
        payment = {
            **_payment_doc(payment_id, jid, principal, summary, "counter", now),
            "account_id": None,
            "payer": {"email": body.get("payer_email"), "name": body["payer_name"]},
            "reference": body.get("reference"),
            "taken_by": principal.account_id,
            "history": [history(now, "taken at the counter", principal.account_id)],
        }

        async def work(tx: Transaction) -> Doc | None:
            await tx.repo(IdempotencyKeys, jid).insert_one(record)
            await tx.repo(Payments, jid).insert_one(payment)
            await settle(tx, app, jid, payment_id, method=body["method"], on_conflict="raise")
            return await tx.repo(Payments, jid).find_one({"_id": payment_id})

        return await app.runtime.uow.run(work) or {}

    return await _idempotent(app, principal, jid, key, body, create)


async def request_refund(
    app: PaymentsApp,
    principal: Principal,
    jid: str,
    payment_id: str,
    line_ids: list[str] | None,
    reason: str,
) -> Doc:
    """Full (every line and the convenience fee) or per line; the lines are due again."""
    _cashier(principal, jid)
    payment = await Payments(app.runtime.db, jid).find_one({"_id": payment_id})
    if payment is None:
        raise NotFound("no such payment")
    if payment["status"] not in ("SETTLED", "PARTIALLY_REFUNDED"):
        raise Conflict(f"a {payment['status']} payment cannot be refunded", slug="not-refundable")
    refundable = {
        ln["line_id"]: ln
        for item in payment["items"]
        for ln in item["lines"]
        if not ln.get("refunded") and not ln.get("refunding")
    }
    chosen = line_ids or list(refundable)
    unknown = sorted(set(chosen) - set(refundable))
    if unknown or not chosen:
        raise Unprocessable(
            "only paid lines not yet refunded can be refunded",
            errors=[field_error("line_ids", f"not refundable: {unknown}")],
        )
    amount = sum(refundable[lid]["amount_minor"] for lid in chosen)
    whole = payment["refunded_minor"] == 0 and set(chosen) == {
        ln["line_id"] for item in payment["items"] for ln in item["lines"]
    }
    if whole:
        amount += payment["convenience_fee_minor"]
    refund_id = "ref_" + uuid4().hex
    chosen_set = set(chosen)

    async def work(tx: Transaction) -> Doc:
        items = [
            {
                **item,
                "lines": [
                    {**ln, "refunding": True} if ln["line_id"] in chosen_set else ln
                    for ln in item["lines"]
                ],
            }
            for item in payment["items"]
        ]
        marked = await tx.repo(Payments, jid).update_one(
            {"_id": payment_id, "version": payment["version"]},
            {"$set": {"items": items}, "$inc": {"version": 1}},
        )
        if not marked:
            raise Conflict("the payment changed meanwhile; reload and try again")
        requested = {
            "_id": refund_id,
            "payment_id": payment_id,
            "line_ids": chosen,
            "amount_minor": amount,
            "reason": reason,
            "automatic": False,
            "status": "REQUESTED",
            "by": principal.account_id,
            "created_at": tx.clock.now(),
        }
        await tx.repo(Refunds, jid).insert_one(requested)

        async def refund_now() -> None:
            await complete_refund(app, jid, refund_id)

        tx.after_commit(refund_now)
        return requested

    await app.runtime.uow.run(work)
    refund = await Refunds(app.runtime.db, jid).find_one({"_id": refund_id})
    assert refund is not None
    return refund
