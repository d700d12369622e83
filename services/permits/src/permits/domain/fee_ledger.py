"""A permit's fee lines as one value (R-PAY-1, R-PAY-6): priced from the
type's schedule or by hand, voided, paid by a settled payment, reopened by a
refund. The ledger does the arithmetic and the lines' states and says what
changed; the ``Permit`` that holds it records the events and moves its
status (``permit.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import uuid4

from chassis.money import Money, to_minor
from chassis.refusals import Conflicting, Missing
from permits.domain.errors import FeeTooLarge, NoFeeLines, UnknownFee
from permits.domain.fees import MAX_LINE_MINOR, FeeLine, balance_minor
from permits.domain.permit_type import PermitType


@dataclass
class FeeLedger:
    lines: list[FeeLine] = field(default_factory=list)

    def __iter__(self) -> Iterator[FeeLine]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index: int) -> FeeLine:
        return self.lines[index]

    @property
    def balance_minor(self) -> int:
        """Assessed - voided - paid: what is still due."""
        return balance_minor(self.lines)

    @staticmethod
    def price(
        terms: PermitType,
        items: list[tuple[str, Decimal]],
        manual: list[tuple[str, Decimal, str]],
        *,
        valuation: Decimal,
        at: datetime,
        by: str,
    ) -> list[FeeLine]:
        """Lines from the type's schedule (code, quantity) and manual lines
        (name, amount, reason); refused naming the item that cannot be priced."""
        lines: list[FeeLine] = []
        for n, (code, quantity) in enumerate(items):
            item = terms.fee(code)
            if item is None:
                raise UnknownFee(code, index=n)
            minor = to_minor(item.amount_for(valuation=valuation, quantity=quantity))
            if minor > MAX_LINE_MINOR:
                raise FeeTooLarge(item.code, index=n)
            lines.append(_line(item.code, item.name, minor, None, terms.currency, at, by))
        for name, amount, reason in manual:
            lines.append(_line(None, name, to_minor(amount), reason, terms.currency, at, by))
        if not lines:
            raise NoFeeLines()
        return lines

    def add(self, lines: list[FeeLine]) -> None:
        self.lines.extend(lines)

    def void(self, line_id: str, reason: str) -> FeeLine:
        """An open line, voided with its reason."""
        line = next((ln for ln in self.lines if ln.id == line_id), None)
        if line is None:
            raise Missing("no such fee line")
        if line.status != "open":
            raise Conflicting(f"this fee line is {line.status}", code="fee-not-open")
        line.void(reason)
        return line

    def pay(self, line_ids: list[str], payment_id: str) -> list[FeeLine]:
        """The open lines of ``line_ids`` the payment pays, once: a redelivered
        payment pays nothing again."""
        wanted = set(line_ids)
        return [ln for ln in self.lines if ln.id in wanted and ln.pay(payment_id)]

    def reopen(self, payment_id: str) -> list[FeeLine]:
        """The lines a refunded payment had paid, open again."""
        return [ln for ln in self.lines if ln.reopen(payment_id)]


def _line(
    code: str | None,
    name: str,
    minor: int,
    reason: str | None,
    currency: str,
    at: datetime,
    by: str,
) -> FeeLine:
    return FeeLine(
        id=str(uuid4()),
        code=code,
        name=name,
        amount=Money(minor, currency),
        reason=reason,
        assessed_at=at,
        by=by,
    )
