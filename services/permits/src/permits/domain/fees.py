"""Fee arithmetic (R-PAY-1) with Decimal: half-up to the cent, once per line;
the permit's fee lines and their states (R-PAY-6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from chassis.money import Money, round_cents, to_minor
from contracts.permits import FeeLine as FeeLineOut

__all__ = ["MAX_LINE_MINOR", "FeeItem", "FeeLine", "balance_minor", "round_cents", "to_minor"]

MAX_LINE_MINOR = 9_999_999_999  # 99,999,999.99: what a fee line may come to
LineStatus = Literal["open", "paid", "voided"]


@dataclass(frozen=True)
class FeeItem:
    """A schedule item: ``fixed`` amount, a ``rate`` per ``per`` of valuation, or per quantity."""

    code: str
    name: str
    kind: Literal["fixed", "valuation", "quantity"]
    amount: Decimal = Decimal("0")
    rate: Decimal = Decimal("0")
    per: Decimal = Decimal("1")
    minimum: Decimal = Decimal("0")

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> FeeItem:
        return cls(
            code=doc["code"],
            name=doc["name"],
            kind=doc.get("kind", "fixed"),
            amount=Decimal(str(doc.get("amount", "0"))),
            rate=Decimal(str(doc.get("rate", "0"))),
            per=Decimal(str(doc.get("per", "1"))),
            minimum=Decimal(str(doc.get("minimum", "0"))),
        )

    def amount_for(self, *, valuation: Decimal, quantity: Decimal) -> Decimal:
        if self.kind == "fixed":
            raw = self.amount
        elif self.kind == "valuation":
            raw = valuation / self.per * self.rate
        else:
            raw = quantity * self.rate
        return max(round_cents(raw), round_cents(self.minimum))


@dataclass(kw_only=True)
class FeeLine:
    """One assessed line: open until paid or voided; a refund reopens it."""

    id: str
    code: str | None
    name: str
    amount: Money
    reason: str | None
    assessed_at: datetime
    by: str
    status: LineStatus = "open"
    payment_id: str | None = None
    void_reason: str | None = None

    @property
    def amount_minor(self) -> int:
        return self.amount.minor

    @property
    def currency(self) -> str:
        return self.amount.currency

    def announced(self) -> FeeLineOut:
        """The line as events carry it."""
        return FeeLineOut(
            line_id=self.id,
            code=self.code,
            name=self.name,
            amount_minor=self.amount.minor,
            currency=self.amount.currency,
        )

    def as_doc(self) -> dict[str, Any]:
        """As stored and in read views: the amount as minor units beside its currency."""
        doc = {k: v for k, v in vars(self).items() if k != "amount"}
        return doc | {"amount_minor": self.amount.minor, "currency": self.amount.currency}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> FeeLine:
        values = {k: v for k, v in doc.items() if k not in ("amount_minor", "currency")}
        return cls(amount=Money(int(doc["amount_minor"]), doc["currency"]), **values)

    def pay(self, payment_id: str) -> bool:
        if self.status != "open":
            return False  # paid once, whatever redelivers the payment
        self.status, self.payment_id = "paid", payment_id
        return True

    def reopen(self, payment_id: str) -> bool:
        if self.status != "paid" or self.payment_id != payment_id:
            return False
        self.status, self.payment_id = "open", None
        return True

    def void(self, reason: str) -> None:
        self.status, self.void_reason = "voided", reason


def balance_minor(lines: list[dict[str, Any]] | list[FeeLine]) -> int:
    """Assessed - voided - paid: the open lines."""
    total = 0
    for line in lines:
        status, amount = (
            (line["status"], line["amount_minor"])
            if isinstance(line, dict)
            else (line.status, line.amount_minor)
        )
        if status == "open":
            total += int(amount)
    return total
