"""Checkout arithmetic (R-PAY-3, R-PAY-4): integer minor units, Decimal rules.

The convenience fee of a method is a percentage of the fees and/or a flat
amount, bounded by a minimum and maximum, rounded half-up to the cent once;
the rule's id is recorded with every payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

ROUNDING_RULE = "half-up-cent-once-per-line.v1"
ROUNDING_RULES = {
    ROUNDING_RULE: ROUND_HALF_UP,
    "half-even-cent-once-per-line.v1": ROUND_HALF_EVEN,  # banker's rounding
}
CENT = Decimal("0.01")


def to_minor(amount: Decimal, rule: str = ROUNDING_RULE) -> int:
    return int(amount.quantize(CENT, rounding=ROUNDING_RULES[rule]) * 100)


def from_minor(minor: int) -> Decimal:
    return (Decimal(minor) / 100).quantize(CENT)


@dataclass(frozen=True)
class Method:
    code: str
    label: str
    fee_percent: Decimal = Decimal("0")
    fee_flat: Decimal = Decimal("0")
    fee_min: Decimal | None = None
    fee_max: Decimal | None = None
    borne_by: str = "payer"

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Method:
        def dec(key: str) -> Decimal | None:
            return Decimal(str(doc[key])) if doc.get(key) not in (None, "") else None

        return cls(
            code=doc["code"],
            label=doc["label"],
            fee_percent=dec("fee_percent") or Decimal("0"),
            fee_flat=dec("fee_flat") or Decimal("0"),
            fee_min=dec("fee_min"),
            fee_max=dec("fee_max"),
            borne_by=doc.get("borne_by") or "payer",
        )

    def convenience_fee_minor(self, fees_minor: int, rule: str = ROUNDING_RULE) -> int:
        fee = from_minor(fees_minor) * self.fee_percent / 100 + self.fee_flat
        if self.fee_min is not None:
            fee = max(fee, self.fee_min)
        if self.fee_max is not None:
            fee = min(fee, self.fee_max)
        return to_minor(fee, rule)


def may_pay(receivable: dict[str, Any], principal: Any) -> bool:
    """R-ID-6 / R-PAY-2, from the data the permit's events carried."""
    if principal.jurisdiction_id != receivable["jurisdiction_id"]:
        return False
    if principal.kind == "staff":
        return True
    email = (principal.email or "").lower()
    return (
        (email and email in receivable.get("payer_emails", []))
        or bool(set(principal.company_ids) & set(receivable.get("company_ids", [])))
        or principal.account_id in receivable.get("linked_accounts", [])
    )
