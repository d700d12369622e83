"""Payment settings, the shopping cart and its checkout summary (R-PAY-2/3/4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from chassis.app import ServiceRuntime
from chassis.auth import Principal
from chassis.errors import Forbidden, NotFound, Unprocessable, field_error
from chassis.mongo import TenantRepository
from chassis.uow import Transaction
from payments.domain.money import ROUNDING_RULE, Method, may_pay
from payments.handlers.receivables import Receivables
from payments.providers import PaymentProvider
from payments.settings import PaymentsSettings

Doc = dict[str, Any]
DEFAULT_SETTINGS: Doc = {
    "online_payments": False,
    "currency": "USD",
    "fee_label": "Convenience fee",
    "rounding_rule": ROUNDING_RULE,
    "methods": [],
}


class PaymentSettingsRepo(TenantRepository):
    collection_name: ClassVar[str] = "payment_settings"


class Carts(TenantRepository):
    collection_name: ClassVar[str] = "carts"


@dataclass
class PaymentsApp:
    runtime: ServiceRuntime
    settings: PaymentsSettings
    provider: PaymentProvider


async def load_settings(app: PaymentsApp, jid: str) -> Doc:
    doc = await PaymentSettingsRepo(app.runtime.db, jid).find_one({"_id": jid})
    return {**DEFAULT_SETTINGS, **(doc or {})}


async def put_settings(app: PaymentsApp, principal: Principal, jid: str, body: Doc) -> Doc:
    principal.require_admin_of(jid)

    async def work(tx: Transaction) -> None:
        await tx.repo(PaymentSettingsRepo, jid).update_one(
            {"_id": jid}, {"$set": body}, upsert=True
        )

    await app.runtime.uow.run(work)
    return await load_settings(app, jid)


def _caller(principal: Principal, jid: str) -> None:
    if principal.jurisdiction_id != jid:
        raise NotFound("not found")


async def add_to_cart(
    app: PaymentsApp, principal: Principal, jid: str, permit_id: str, line_ids: list[str] | None
) -> None:
    """R-PAY-3: the open fees of a permit the caller may pay (all or chosen lines)."""
    _caller(principal, jid)
    settings = await load_settings(app, jid)
    if not settings["online_payments"]:
        raise Forbidden(
            "this jurisdiction does not take payments online", slug="online-payments-off"
        )
    receivable = await Receivables(app.runtime.db, jid).find_one({"_id": permit_id})
    if receivable is None or not may_pay(receivable, principal):
        raise NotFound("no such permit with fees")
    open_lines = [lid for lid, ln in receivable.get("lines", {}).items() if ln["status"] == "open"]
    chosen = line_ids or open_lines
    unknown = set(chosen) - set(open_lines)
    if unknown:
        raise Unprocessable(
            "only open fee lines can be paid",
            errors=[field_error("line_ids", f"not open: {sorted(unknown)}")],
        )
    if not chosen:
        raise Unprocessable(
            "this permit has no fees due", errors=[field_error("permit_id", "nothing due")]
        )

    async def work(tx: Transaction) -> None:
        carts = tx.repo(Carts, jid)
        await carts.update_one(
            {"_id": f"{jid}:{principal.account_id}"},
            {"$set": {f"items.{permit_id}": chosen, "account_id": principal.account_id}},
            upsert=True,
        )

    await app.runtime.uow.run(work)


async def remove_from_cart(
    app: PaymentsApp, principal: Principal, jid: str, permit_id: str
) -> None:
    _caller(principal, jid)

    async def work(tx: Transaction) -> None:
        await tx.repo(Carts, jid).update_one(
            {"_id": f"{jid}:{principal.account_id}"}, {"$unset": {f"items.{permit_id}": ""}}
        )

    await app.runtime.uow.run(work)


async def summary(app: PaymentsApp, principal: Principal, jid: str, method: str | None) -> Doc:
    """Every fee per permit, total fees, the method's convenience fee, total due.
    A line paid or voided since it was added is dropped with a notice."""
    _caller(principal, jid)
    settings = await load_settings(app, jid)
    cart = await Carts(app.runtime.db, jid).find_one({"_id": f"{jid}:{principal.account_id}"}) or {}
    receivables = Receivables(app.runtime.db, jid)
    permits, notices, total = [], [], 0
    for permit_id, line_ids in (cart.get("items") or {}).items():
        receivable = await receivables.find_one({"_id": permit_id})
        if receivable is None or not may_pay(receivable, principal):
            notices.append("a permit was removed: you may no longer pay its fees")
            continue
        lines = []
        for lid in line_ids:
            line = receivable.get("lines", {}).get(lid)
            if line is None or line["status"] != "open":
                notices.append(
                    f"{receivable['number']}: "
                    f"{line['name'] if line else 'a fee'} is no longer due and was dropped"
                )
                continue
            lines.append(
                {"line_id": lid, "name": line["name"], "amount_minor": line["amount_minor"]}
            )
        if lines:
            subtotal = sum(ln["amount_minor"] for ln in lines)
            total += subtotal
            permits.append(
                {
                    "permit_id": permit_id,
                    "number": receivable["number"],
                    "address": receivable.get("address"),
                    "lines": lines,
                    "subtotal_minor": subtotal,
                }
            )
    methods = {m["code"]: Method.from_doc(m) for m in settings["methods"]}
    fee = absorbed = 0
    rule = settings.get("rounding_rule") or ROUNDING_RULE
    if method is not None:
        if method not in methods:
            raise Unprocessable(
                "unknown payment method",
                errors=[field_error("method", f"choose from {sorted(methods)}")],
            )
        fee = methods[method].convenience_fee_minor(total, rule) if total else 0
        if methods[method].borne_by == "jurisdiction":
            fee, absorbed = 0, fee  # the jurisdiction pays it; the payer is not charged
    return {
        "permits": permits,
        "total_fees_minor": total,
        "method": method,
        "convenience_fee_label": settings["fee_label"],
        "convenience_fee_minor": fee,
        "total_due_minor": total + fee,
        "currency": settings["currency"],
        "absorbed_fee_minor": absorbed,
        "rounding_rule": rule,
        "notices": notices,
        "methods": [{"code": m.code, "label": m.label} for m in methods.values()],
    }
