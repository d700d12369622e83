"""The shopping cart's Checkout Summary (R-PAY-3/4, seed 003) and a counter
payment's lines: pure functions of the cart, the receivables and the settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chassis.errors import NotFound, Unprocessable, field_error
from chassis.principal import Principal
from payments.domain.errors import NothingDue, UnknownMethod
from payments.domain.money import ROUNDING_RULE, Method
from payments.domain.receivable import Receivable

Doc = dict[str, Any]
# how a receipt names what was paid with at the desk
COUNTER_METHODS = {"cash": "Cash", "check": "Check", "card-present": "Card at the counter"}
DEFAULT_SETTINGS: Doc = {
    "online_payments": False,
    "currency": "USD",
    "fee_label": "Convenience fee",
    "rounding_rule": ROUNDING_RULE,
    "methods": [],
}


def _permit_row(receivable: Receivable, lines: list[Doc]) -> Doc:
    return {
        "permit_id": receivable.id,
        "number": receivable.number,
        "address": receivable.address,
        "lines": lines,
        "subtotal_minor": sum(ln["amount_minor"] for ln in lines),
    }


def _payable(
    receivable: Receivable | None, line_ids: list[str], principal: Principal, notices: list[str]
) -> Doc | None:
    """A permit's row of the summary: the lines still due (R-PAY-3); what
    dropped out since it was added is told in ``notices``."""
    if receivable is None or not receivable.may_pay(principal):
        notices.append("a permit was removed: you may no longer pay its fees")
        return None
    lines = []
    for lid in line_ids:
        if receivable.is_open(lid):
            lines.append(receivable.line_doc(lid))
            continue
        line = receivable.lines.get(lid)
        name = line.name if line else "a fee"
        notices.append(f"{receivable.number}: {name} is no longer due and was dropped")
    return _permit_row(receivable, lines) if lines else None


def _convenience_fee(
    methods: Mapping[str, Method], method: str | None, total: int, rule: str
) -> tuple[int, int]:
    """The payer's convenience fee for the method (R-PAY-4), and the part the
    jurisdiction bears instead (the payer is not charged it)."""
    if method is None:
        return 0, 0
    if method not in methods:
        raise UnknownMethod(method, sorted(methods))
    fee = methods[method].convenience_fee_minor(total, rule) if total else 0
    if methods[method].borne_by == "jurisdiction":
        return 0, fee
    return fee, 0


def checkout_summary(
    items: Mapping[str, list[str]],
    receivables: Mapping[str, Receivable | None],
    settings: Doc,
    method: str | None,
    principal: Principal,
) -> Doc:
    """Every fee per permit, total fees, the method's convenience fee, total due.
    A line paid or voided since it was added is dropped with a notice."""
    permits: list[Doc] = []
    notices: list[str] = []
    for permit_id, line_ids in items.items():
        row = _payable(receivables.get(permit_id), line_ids, principal, notices)
        if row is not None:
            permits.append(row)
    total = sum(p["subtotal_minor"] for p in permits)
    methods = {m["code"]: Method.from_doc(m) for m in settings["methods"]}
    rule = settings.get("rounding_rule") or ROUNDING_RULE
    fee, absorbed = _convenience_fee(methods, method, total, rule)
    return {
        "permits": permits,
        "total_fees_minor": total,
        "method": method,
        "method_label": methods[method].label if method in methods else None,
        "convenience_fee_label": settings["fee_label"],
        "convenience_fee_minor": fee,
        "total_due_minor": total + fee,
        "currency": settings["currency"],
        "absorbed_fee_minor": absorbed,
        "rounding_rule": rule,
        "notices": notices,
        "methods": [_offer(methods, m, total, rule) for m in methods.values()],
    }


def _offer(methods: Mapping[str, Method], method: Method, total: int, rule: str) -> Doc:
    """A method as the payer chooses it: its label with the fee and the total
    it would charge (what a person sees beside the choice is what happens)."""
    fee, _ = _convenience_fee(methods, method.code, total, rule)
    return {
        "code": method.code,
        "label": method.label,
        "convenience_fee_minor": fee,
        "total_due_minor": total + fee,
    }


def cart_lines(
    receivable: Receivable | None, principal: Principal, line_ids: list[str] | None
) -> list[str]:
    """R-PAY-3: the open fees of a permit the caller may pay (all or chosen lines)."""
    if receivable is None or not receivable.may_pay(principal):
        raise NotFound("no such permit with fees")
    open_lines = list(receivable.open_lines())
    chosen = line_ids or open_lines
    unknown = set(chosen) - set(open_lines)
    if unknown:
        raise Unprocessable(
            "only open fee lines can be paid",
            errors=[field_error("line_ids", f"not open: {sorted(unknown)}")],
        )
    if not chosen:
        raise NothingDue(receivable.number)
    return chosen


def counter_summary(
    wanted: list[Doc], receivables: Mapping[str, Receivable | None], method: str, currency: str
) -> Doc:
    """Cash or a check at the desk: the chosen open lines (default all), no fee."""
    permits = []
    for want in wanted:
        receivable = receivables.get(want["permit_id"])
        if receivable is None:
            raise NotFound(f"no fees for permit {want['permit_id']}")
        open_lines = receivable.open_lines()
        chosen = want.get("line_ids") or list(open_lines)
        unknown = sorted(set(chosen) - set(open_lines))
        if unknown or not chosen:
            raise Unprocessable(
                "only open fee lines can be paid",
                errors=[field_error("permits", f"{receivable.number}: not open {unknown}")],
            )
        permits.append(_permit_row(receivable, [receivable.line_doc(lid) for lid in chosen]))
    total = sum(p["subtotal_minor"] for p in permits)
    return {
        "permits": permits,
        "method": method,
        "method_label": COUNTER_METHODS.get(method, method),
        "total_fees_minor": total,
        "convenience_fee_minor": 0,
        "convenience_fee_label": None,
        "total_due_minor": total,
        "currency": currency,
    }
