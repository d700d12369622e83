"""The shopping cart's Checkout Summary (R-PAY-3/4, seed 003) and a counter
payment's lines: pure functions of the cart, the receivables and the settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chassis.money import Money
from chassis.principal import Principal
from chassis.refusals import Missing
from payments.domain.errors import LinesNotOpen, NothingDue, UnknownMethod
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


@dataclass(frozen=True)
class PermitRow:
    """One permit's lines in a summary, and their sum."""

    permit_id: str
    number: str | None
    address: str | None
    lines: list[Doc]
    subtotal: Money

    def as_item(self) -> Doc:
        """The row as a payment keeps it (its lines, without the subtotal)."""
        return {
            "permit_id": self.permit_id,
            "number": self.number,
            "address": self.address,
            "lines": self.lines,
        }

    def as_doc(self) -> Doc:
        return self.as_item() | {"subtotal_minor": self.subtotal.minor}


@dataclass(frozen=True)
class MethodOffer:
    """A method as the payer chooses it: the fee and the total it would charge."""

    code: str
    label: str
    convenience_fee: Money
    total_due: Money

    def as_doc(self) -> Doc:
        return {
            "code": self.code,
            "label": self.label,
            "convenience_fee_minor": self.convenience_fee.minor,
            "total_due_minor": self.total_due.minor,
        }


@dataclass(frozen=True, kw_only=True)
class CheckoutSummary:
    """What a payment pays (seed 003's Checkout Summary, or a counter
    payment's lines): the amounts as Money; ``as_doc`` is the API's shape
    (integer minor units beside the currency)."""

    permits: list[PermitRow]
    total_fees: Money
    method: str | None
    method_label: str | None
    convenience_fee_label: str | None
    convenience_fee: Money
    total_due: Money
    absorbed_fee: Money
    rounding_rule: str = ROUNDING_RULE
    notices: list[str] = field(default_factory=list)
    methods: list[MethodOffer] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.total_due.currency

    def as_doc(self) -> Doc:
        return {
            "permits": [p.as_doc() for p in self.permits],
            "total_fees_minor": self.total_fees.minor,
            "method": self.method,
            "method_label": self.method_label,
            "convenience_fee_label": self.convenience_fee_label,
            "convenience_fee_minor": self.convenience_fee.minor,
            "total_due_minor": self.total_due.minor,
            "currency": self.currency,
            "absorbed_fee_minor": self.absorbed_fee.minor,
            "rounding_rule": self.rounding_rule,
            "notices": list(self.notices),
            "methods": [m.as_doc() for m in self.methods],
        }


def _permit_row(receivable: Receivable, lines: list[Doc], currency: str) -> PermitRow:
    return PermitRow(
        permit_id=receivable.id,
        number=receivable.number,
        address=receivable.address,
        lines=lines,
        subtotal=Money(sum(ln["amount_minor"] for ln in lines), currency),
    )


def _payable(
    receivable: Receivable | None,
    line_ids: list[str],
    principal: Principal,
    notices: list[str],
    currency: str,
) -> PermitRow | None:
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
    return _permit_row(receivable, lines, currency) if lines else None


def _convenience_fee(
    methods: Mapping[str, Method], method: str | None, total: Money, rule: str
) -> tuple[Money, Money]:
    """The payer's convenience fee for the method (R-PAY-4), and the part the
    jurisdiction bears instead (the payer is not charged it)."""
    none = Money.zero(total.currency)
    if method is None:
        return none, none
    if method not in methods:
        raise UnknownMethod(method, sorted(methods))
    fee = Money(methods[method].convenience_fee_minor(total.minor, rule), total.currency)
    fee = fee if total.minor else none
    if methods[method].borne_by == "jurisdiction":
        return none, fee
    return fee, none


def checkout_summary(
    items: Mapping[str, list[str]],
    receivables: Mapping[str, Receivable | None],
    settings: Doc,
    method: str | None,
    principal: Principal,
) -> CheckoutSummary:
    """Every fee per permit, total fees, the method's convenience fee, total due.
    A line paid or voided since it was added is dropped with a notice."""
    currency = settings["currency"]
    permits: list[PermitRow] = []
    notices: list[str] = []
    for permit_id, line_ids in items.items():
        row = _payable(receivables.get(permit_id), line_ids, principal, notices, currency)
        if row is not None:
            permits.append(row)
    total = sum((p.subtotal for p in permits), Money.zero(currency))
    methods = {m["code"]: Method.from_doc(m) for m in settings["methods"]}
    rule = settings.get("rounding_rule") or ROUNDING_RULE
    fee, absorbed = _convenience_fee(methods, method, total, rule)
    return CheckoutSummary(
        permits=permits,
        total_fees=total,
        method=method,
        method_label=methods[method].label if method in methods else None,
        convenience_fee_label=settings["fee_label"],
        convenience_fee=fee,
        total_due=total + fee,
        absorbed_fee=absorbed,
        rounding_rule=rule,
        notices=notices,
        methods=[_offer(methods, m, total, rule) for m in methods.values()],
    )


def _offer(methods: Mapping[str, Method], method: Method, total: Money, rule: str) -> MethodOffer:
    """A method as the payer chooses it: its label with the fee and the total
    it would charge (what a person sees beside the choice is what happens)."""
    fee, _ = _convenience_fee(methods, method.code, total, rule)
    return MethodOffer(method.code, method.label, fee, total + fee)


def cart_lines(
    receivable: Receivable | None, principal: Principal, line_ids: list[str] | None
) -> list[str]:
    """R-PAY-3: the open fees of a permit the caller may pay (all or chosen lines)."""
    if receivable is None or not receivable.may_pay(principal):
        raise Missing("no such permit with fees")
    open_lines = list(receivable.open_lines())
    chosen = line_ids or open_lines
    unknown = set(chosen) - set(open_lines)
    if unknown:
        raise LinesNotOpen("line_ids", f"not open: {sorted(unknown)}")
    if not chosen:
        raise NothingDue(receivable.number)
    return chosen


def counter_summary(
    wanted: list[Doc], receivables: Mapping[str, Receivable | None], method: str, currency: str
) -> CheckoutSummary:
    """Cash or a check at the desk: the chosen open lines (default all), no fee."""
    permits = []
    for want in wanted:
        receivable = receivables.get(want["permit_id"])
        if receivable is None:
            raise Missing(f"no fees for permit {want['permit_id']}")
        open_lines = receivable.open_lines()
        chosen = want.get("line_ids") or list(open_lines)
        unknown = sorted(set(chosen) - set(open_lines))
        if unknown or not chosen:
            raise LinesNotOpen("permits", f"{receivable.number}: not open {unknown}")
        lines = [receivable.line_doc(lid) for lid in chosen]
        permits.append(_permit_row(receivable, lines, currency))
    total = sum((p.subtotal for p in permits), Money.zero(currency))
    none = Money.zero(currency)
    return CheckoutSummary(
        permits=permits,
        method=method,
        method_label=COUNTER_METHODS.get(method, method),
        total_fees=total,
        convenience_fee=none,
        convenience_fee_label=None,
        total_due=total,
        absorbed_fee=none,
    )
