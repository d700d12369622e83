"""Fee arithmetic (R-PAY-1) with Decimal: half-up to the cent, once per line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

CENT = Decimal("0.01")


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


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor(value: Decimal) -> int:
    return int(round_cents(value) * 100)


def balance_minor(lines: list[dict[str, Any]]) -> int:
    """Assessed - voided - paid: the open lines."""
    return sum(int(line["amount_minor"]) for line in lines if line["status"] == "open")
