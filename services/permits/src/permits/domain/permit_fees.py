"""A permit's fees (R-PAY-1, R-PAY-6): assessed from the type's schedule or by
hand, voided, paid by a settled payment, reopened by a refund. Part of the
``Permit`` aggregate (``permit.py``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from chassis.aggregate import SYSTEM
from chassis.errors import Conflict, NotFound, Unprocessable, field_error
from chassis.money import to_minor
from chassis.status import IllegalTransition
from contracts.permits import FeeAssessed, FeeVoided, SiteAddress
from contracts.permits import FeeLine as FeeLineOut
from permits.domain.errors import FeeTooLarge, UnknownFee
from permits.domain.fees import MAX_LINE_MINOR, FeeLine, balance_minor
from permits.domain.permit_state import PermitState
from permits.domain.permit_type import PermitType
from permits.domain.workflow import CLOSED_TO_FEES

Doc = dict[str, Any]


class PermitFees(PermitState):
    # -- fees (R-PAY-1, R-PAY-6) ------------------------------------------------
    @property
    def fees_due_minor(self) -> int:
        return balance_minor(self.fees)

    def _price(
        self,
        terms: PermitType,
        items: list[tuple[str, Decimal]],
        manual: list[tuple[str, Decimal, str]],
        *,
        at: datetime,
        by: str,
    ) -> list[FeeLine]:
        """Lines from the type's schedule (code, quantity) and manual lines
        (name, amount, reason); refused naming the item that cannot be priced."""
        lines: list[FeeLine] = []
        valuation = Decimal(self.valuation or "0")
        for n, (code, quantity) in enumerate(items):
            item = terms.fee(code)
            if item is None:
                raise UnknownFee(code, index=n)
            minor = to_minor(item.amount_for(valuation=valuation, quantity=quantity))
            if minor > MAX_LINE_MINOR:
                raise FeeTooLarge(item.code, index=n)
            lines.append(self._line(item.code, item.name, minor, None, terms, at, by))
        for name, amount, reason in manual:
            lines.append(self._line(None, name, to_minor(amount), reason, terms, at, by))
        if not lines:
            raise Unprocessable("no fee lines given", errors=[field_error("items", "empty")])
        return lines

    @staticmethod
    def _line(
        code: str | None,
        name: str,
        minor: int,
        reason: str | None,
        terms: PermitType,
        at: datetime,
        by: str,
    ) -> FeeLine:
        return FeeLine(
            id=str(uuid4()),
            code=code,
            name=name,
            amount_minor=minor,
            currency=terms.currency,
            reason=reason,
            assessed_at=at,
            by=by,
        )

    def assess(
        self,
        terms: PermitType,
        items: list[tuple[str, Decimal]],
        manual: list[tuple[str, Decimal, str]],
        *,
        at: datetime,
        by: str,
    ) -> list[FeeLine]:
        """Lines from the type's schedule (code, quantity) and manual lines (name,
        amount, reason); a permit pending approval with a balance awaits payment."""
        if self.status in CLOSED_TO_FEES:
            raise IllegalTransition(
                self.status, "assess fees", f"a {self.status} permit takes no new fees"
            )
        lines = self._price(terms, items, manual, at=at, by=by)
        version = self._change()
        self.fees.extend(lines)
        self._record(
            FeeAssessed(
                permit_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                number=self.number,
                type_name=self.type_name,
                site=SiteAddress(**self.site),
                lines=[
                    FeeLineOut(
                        line_id=ln.id,
                        code=ln.code,
                        name=ln.name,
                        amount_minor=ln.amount_minor,
                        currency=ln.currency,
                    )
                    for ln in lines
                ],
                balance_minor=self.fees_due_minor,
                currency=terms.currency,
                payer_emails=self.payer_emails,
                company_ids=list(self.company_ids),
                version=version,
            )
        )
        if self.status == "PENDING_APPROVAL" and self.fees_due_minor > 0:
            self.move_to(
                "AWAITING_PAYMENT", by=SYSTEM, roles=[SYSTEM], at=at, comment="fees assessed"
            )
        return lines

    def void_fee(self, line_id: str, reason: str) -> None:
        line = next((ln for ln in self.fees if ln.id == line_id), None)
        if line is None:
            raise NotFound("no such fee line")
        if line.status != "open":
            raise Conflict(f"this fee line is {line.status}", slug="fee-not-open")
        version = self._change()
        line.void(reason)
        self._record(
            FeeVoided(
                permit_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                number=self.number,
                line_id=line_id,
                reason=reason,
                balance_minor=self.fees_due_minor,
                currency=line.currency,
                version=version,
            )
        )

    def settle_lines(
        self, line_ids: list[str], payment_id: str, *, at: datetime, terms: PermitType
    ) -> bool:
        """A settled payment pays its open lines, once; a zero balance readies
        the permit and, where the type says so, issues it (R-PER-6)."""
        wanted = set(line_ids)
        paid = [ln for ln in self.fees if ln.id in wanted and ln.pay(payment_id)]
        if not paid:
            return False
        self._change()
        if self.fees_due_minor == 0 and self.status == "AWAITING_PAYMENT":
            self.move_to("READY_TO_ISSUE", by=SYSTEM, roles=[SYSTEM], at=at, comment="fees paid")
            if terms.auto_issue:
                self.move_to(
                    "ISSUED",
                    by=SYSTEM,
                    roles=[SYSTEM],
                    at=at,
                    comment="issued electronically once fees were paid",
                    terms=terms,
                )
        return True

    def unsettle_lines(self, payment_id: str, *, at: datetime) -> bool:
        """A refunded payment's lines are open again; a permit not yet issued
        awaits payment again."""
        reopened = [ln for ln in self.fees if ln.reopen(payment_id)]
        if not reopened:
            return False
        self._change()
        if self.status == "READY_TO_ISSUE" and self.fees_due_minor > 0:
            self.move_to(
                "AWAITING_PAYMENT", by=SYSTEM, roles=[SYSTEM], at=at, comment="payment refunded"
            )
        return True

    @property
    def payer_emails(self) -> list[str]:
        return [e for e in (self.applicant.get("email"), (self.owner or {}).get("email")) if e]
