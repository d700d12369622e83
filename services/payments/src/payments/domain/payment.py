"""The payment aggregate (R-PAY-3/5): a checkout or a counter payment, its
status, its lines and their refunds, its history and its events.

Every status change goes through :meth:`Payment._move` and the table below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from chassis.aggregate import SYSTEM, Aggregate
from chassis.money import Money
from chassis.principal import Principal
from chassis.refusals import Conflicting
from contracts.payments import (
    Allocation,
    CheckoutStarted,
    PaymentFailed,
    PaymentRefunded,
    PaymentSettled,
)
from payments.domain.cart import CheckoutSummary
from payments.domain.money import ROUNDING_RULE
from payments.domain.payment_status import (
    OPEN,
    REFUNDABLE,
    TABLE,
    FailReason,
)
from payments.domain.receivable import Receivable
from payments.domain.refund import Refund, refund_amount

Doc = dict[str, Any]


@dataclass(kw_only=True, eq=False)
class Payment(Aggregate):
    channel: Literal["online", "counter"]
    status: str
    method: str | None
    items: list[Doc]
    fees: Money
    convenience_fee: Money
    total: Money
    created_at: datetime
    account_id: str | None = None
    payer: Doc = field(default_factory=dict)
    convenience_fee_label: str | None = None
    method_label: str | None = None
    rounding_rule: str = ROUNDING_RULE
    absorbed_fee: Money = field(default_factory=lambda: Money(0))  # the jurisdiction bears it
    refunded_total: Money = field(default_factory=lambda: Money(0))
    provider: str | None = None
    merchant_account_id: str | None = None  # the account paid into (None: the installation's)
    traceparent: str | None = None  # the checkout's trace, which its settlement continues
    provider_ref: str | None = None
    hosted_url: str | None = None
    expires_at: datetime | None = None
    receipt_number: str | None = None
    settled_at: datetime | None = None
    paid_at: datetime | None = None
    failure_reason: str | None = None
    failed_at: datetime | None = None
    reference: str | None = None
    taken_by: str | None = None

    # -- starting ---------------------------------------------------------
    @classmethod
    def start(
        cls,
        *,
        payment_id: str,
        jurisdiction_id: str,
        channel: Literal["online", "counter"],
        summary: CheckoutSummary,
        payer: Doc,
        account_id: str | None,
        at: datetime,
        by: str,
        **extra: Any,
    ) -> Payment:
        """A payment of the summary's lines (see ``domain.checkout``), CREATED."""
        payment = cls(
            id=payment_id,
            jurisdiction_id=jurisdiction_id,
            channel=channel,
            status="CREATED",
            account_id=account_id,
            payer=payer,
            method=summary.method,
            method_label=summary.method_label,
            items=[p.as_item() for p in summary.permits],
            fees=summary.total_fees,
            convenience_fee=summary.convenience_fee,
            convenience_fee_label=summary.convenience_fee_label,
            total=summary.total_due,
            rounding_rule=summary.rounding_rule,
            absorbed_fee=summary.absorbed_fee,
            refunded_total=Money.zero(summary.currency),
            created_at=at,
            **extra,
        )
        payment._change()
        what = "checkout started" if channel == "online" else "taken at the counter"
        payment._note(at=at, by=by, from_status=None, to="CREATED", comment=what)
        if channel == "online":
            payment._record(payment._checkout_started(by, at))
        return payment

    def _checkout_started(self, by: str, at: datetime) -> CheckoutStarted:
        return CheckoutStarted(
            payment_id=self.id,
            jurisdiction_id=self.jurisdiction_id,
            account_id=by,
            method=self.method or "",
            allocations=self.allocations(),
            fees_minor=self.fees.minor,
            convenience_fee_minor=self.convenience_fee.minor,
            total_minor=self.total.minor,
            currency=self.currency,
            provider=self.provider or "",
            expires_at=self.expires_at or at,
        )

    @property
    def currency(self) -> str:
        return self.total.currency

    def visible_to(self, principal: Principal) -> bool:
        """The payer sees their own payments, staff their jurisdiction's."""
        if principal.jurisdiction_id != self.jurisdiction_id:
            return False
        return principal.acts_as_staff() or self.account_id == principal.account_id

    # -- the status table -------------------------------------------------
    def _move(self, to: str, *, at: datetime, comment: str, by: str = SYSTEM) -> None:
        TABLE.check(self.status, to)
        before = self.status
        self._change()
        self.status = to
        self._note(at=at, by=by, from_status=before, to=to, comment=comment)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def line_keys(self) -> list[tuple[str, str]]:
        return [(i["permit_id"], ln["line_id"]) for i in self.items for ln in i["lines"]]

    def allocations(self, only: set[str] | None = None) -> list[Allocation]:
        out = []
        for item in self.items:
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

    def taken_lines(
        self,
        receivables: Mapping[str, Receivable | None],
        holders: Mapping[tuple[str, str], str | None],
    ) -> list[tuple[str, str | None]]:
        """(permit number, the payment that has it) for every line that is no
        longer this payment's to pay: paid or voided since, or held by another
        open checkout (R-PAY-5)."""
        taken: list[tuple[str, str | None]] = []
        for item in self.items:
            receivable = receivables.get(item["permit_id"])
            for ln in item["lines"]:
                lid = ln["line_id"]
                if receivable is None or not receivable.is_open(lid):
                    taken.append(
                        (item["number"], receivable.holder_of(lid) if receivable else None)
                    )
                    continue
                holder = holders.get((item["permit_id"], lid))
                if holder and holder != self.id:
                    taken.append((item["number"], holder))
        return taken

    # -- the provider's page and its outcome (R-PAY-5) ------------------------
    def opened(self, provider_ref: str, hosted_url: str, *, at: datetime) -> bool:
        if self.status != "CREATED":
            return False  # settled or failed meanwhile
        self._move("PENDING", at=at, comment="payment page opened")
        self.provider_ref, self.hosted_url = provider_ref, hosted_url
        return True

    def settle(self, receipt_number: str, *, method: str | None, at: datetime) -> None:
        self._move("SETTLED", at=at, comment=f"settled, receipt {receipt_number}")
        self.receipt_number, self.settled_at = receipt_number, at
        self.method = method or self.method
        self.hosted_url = None
        self._record(
            PaymentSettled(
                payment_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                allocations=self.allocations(),
                currency=self.currency,
                settled_at=at,
                receipt_number=receipt_number,
                channel=self.channel,
                method=self.method,
                fees_minor=self.fees.minor,
                convenience_fee_minor=self.convenience_fee.minor,
                convenience_fee_label=self.convenience_fee_label,
                total_minor=self.total.minor,
                rounding_rule=self.rounding_rule,
                payer_email=self.payer.get("email"),
                payer_name=self.payer.get("name"),
                account_id=self.account_id,
            )
        )

    def fail(self, reason: FailReason, *, at: datetime) -> bool:
        """An open checkout ends without money taken; anything else is unchanged."""
        if not self.is_open:
            return False
        self._move("FAILED", at=at, comment=f"failed: {reason}")
        self.failure_reason, self.failed_at, self.hosted_url = reason, at, None
        self._record(
            PaymentFailed(
                payment_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                reason=reason,
                allocations=self.allocations(),
                payer_email=self.payer.get("email"),
                failed_at=at,
            )
        )
        return True

    def charged_but_taken(self, refund_id: str, *, method: str | None, at: datetime) -> None:
        """The provider charged it, but its fees were paid by another payment
        meanwhile (two payers at once): all of it goes back."""
        self._move("REFUNDING", at=at, comment=f"charged, but the fees were taken: {refund_id}")
        self.method, self.paid_at = method or self.method, at

    # -- refunds --------------------------------------------------------------
    def refund_request(self, line_ids: list[str] | None) -> tuple[list[str], Money]:
        """The lines a refund takes (default: every refundable line) and its
        amount; the convenience fee goes back only with the whole payment."""
        if self.status not in REFUNDABLE:
            raise Conflicting(f"a {self.status} payment cannot be refunded", code="not-refundable")
        chosen, lines_minor = refund_amount(self.items, line_ids)
        amount = Money(lines_minor, self.currency)
        whole = set(chosen) == {lid for _, lid in self.line_keys}
        if self.refunded_total.is_zero and whole:
            amount += self.convenience_fee
        self._change()
        for item in self.items:
            for ln in item["lines"]:
                if ln["line_id"] in chosen:
                    ln["refunding"] = True
        return chosen, amount

    def refunded(self, refund: Refund, *, at: datetime) -> None:
        reopened = set(refund.line_ids)
        for item in self.items:
            for ln in item["lines"]:
                if ln["line_id"] in reopened:
                    ln["refunded"], ln["refunding"] = True, False
        self.refunded_total += Money(refund.amount_minor, self.currency)
        everything = refund.automatic or all(
            ln.get("refunded") for item in self.items for ln in item["lines"]
        )
        self._move(
            "REFUNDED" if everything else "PARTIALLY_REFUNDED",
            at=at,
            by=refund.by,
            comment=f"refunded {refund.amount_minor} ({refund.id})",
        )
        self._record(
            PaymentRefunded(
                payment_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                allocations=self.allocations(reopened) if reopened else [],
                refunded_at=at,
                refund_id=refund.id,
                amount_minor=refund.amount_minor,
                currency=self.currency,
                reason=refund.reason,
                automatic=refund.automatic,
                receipt_number=self.receipt_number,
                permit_numbers=[item["number"] for item in self.items],
                payer_email=self.payer.get("email"),
                other_payer_email=refund.other_payer_email,
            )
        )
