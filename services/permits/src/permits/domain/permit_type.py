"""A permit type: its numbering, fee schedule, inspections and issuance terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from permits.domain.fees import FeeItem
from permits.domain.numbering import NumberFormat


@dataclass(frozen=True)
class PermitType:
    code: str
    name: str
    number_format: NumberFormat
    kind: str = "permit"
    inspection_types: tuple[str, ...] = ()
    auto_issue: bool = False
    inactivity_days: int = 180
    fee_schedule: tuple[FeeItem, ...] = field(default=())
    currency: str = "USD"

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> PermitType:
        return cls(
            code=doc["code"],
            name=doc["name"],
            number_format=NumberFormat(doc["number_format"]),
            kind=doc.get("kind", "permit"),
            inspection_types=tuple(doc.get("inspection_types", [])),
            auto_issue=bool(doc.get("auto_issue")),
            inactivity_days=int(doc.get("inactivity_days", 180)),
            fee_schedule=tuple(FeeItem.from_doc(i) for i in doc.get("fee_schedule", [])),
            currency=doc.get("currency", "USD"),
        )

    @classmethod
    def default(cls, code: str, name: str) -> PermitType:
        """Terms for a permit whose type is gone: no schedule, the default period."""
        return cls(code=code, name=name, number_format=NumberFormat(code + "-{seq:04}"))

    def fee(self, code: str) -> FeeItem | None:
        return next((item for item in self.fee_schedule if item.code == code), None)

    def numbers_like(self, other: PermitType) -> bool:
        """Whether two types could hand out the same number (R-PER-1)."""
        return other.code != self.code and self.number_format.overlaps(other.number_format)
