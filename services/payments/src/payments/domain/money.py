"""Checkout arithmetic (R-PAY-3, R-PAY-4): integer minor units, Decimal rules.

The convenience fee of a method is a percentage of the fees and/or a flat
amount, bounded by a minimum and maximum, rounded to the cent once by the
jurisdiction's rule; the rule's id is recorded with every payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chassis.money import HALF_UP, ROUNDING_RULES, from_minor, to_minor

__all__ = ["ROUNDING_RULE", "ROUNDING_RULES", "Method", "from_minor", "to_minor"]

ROUNDING_RULE = HALF_UP


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
