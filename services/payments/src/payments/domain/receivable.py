"""A receivable: what payments knows of one permit's fees and who may pay them.

It is event-carried state from permits (``FeeAssessed``, ``FeeVoided``,
``PermitPartiesChanged``), applied in the order of the permit's version
(``source_version``): an older or redelivered event changes nothing. Its own
``version`` guards payments' changes (a line paid, reopened by a refund).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from chassis.aggregate import Aggregate
from chassis.money import Money
from chassis.parties import Parties
from chassis.principal import Principal
from contracts.permits import FeeAssessed, FeeVoided, PermitPartiesChanged

LineStatus = Literal["open", "paid", "voided"]


@dataclass(kw_only=True)
class ReceivableLine:
    name: str
    amount: Money
    code: str | None = None
    status: LineStatus = "open"
    payment_id: str | None = None


@dataclass(kw_only=True, eq=False)
class Receivable(Aggregate):
    source_version: int = 0
    number: str | None = None
    type_name: str | None = None
    address: str | None = None
    currency: str = "USD"
    payer_emails: list[str] = field(default_factory=list)
    company_ids: list[str] = field(default_factory=list)
    linked_accounts: list[str] = field(default_factory=list)
    lines: dict[str, ReceivableLine] = field(default_factory=dict)

    # -- from permits' events, in order -----------------------------------
    def _newer(self, version: int) -> bool:
        if version <= self.source_version:
            return False
        self._change()
        self.source_version = version
        return True

    def fees_assessed(self, event: FeeAssessed) -> bool:
        if not self._newer(event.version):
            return False
        for ln in event.lines:
            self.lines[ln.line_id] = ReceivableLine(
                name=ln.name, code=ln.code, amount=Money(ln.amount_minor, ln.currency)
            )
        self.number, self.type_name, self.address = event.number, event.type_name, event.site.street
        self.currency = event.currency
        self.payer_emails = [e.lower() for e in event.payer_emails]
        self.company_ids = list(event.company_ids)
        return True

    def fee_voided(self, event: FeeVoided) -> bool:
        if not self._newer(event.version):
            return False
        if event.line_id in self.lines:
            self.lines[event.line_id].status = "voided"
        return True

    def parties_changed(self, event: PermitPartiesChanged) -> bool:
        if not self._newer(event.version):
            return False
        self.payer_emails = [
            p.email.lower() for p in (event.applicant, event.owner) if p and p.email
        ]
        self.company_ids = list(event.company_ids)
        self.linked_accounts = list(event.linked_accounts)
        self.number = event.number
        return True

    # -- who may pay (R-ID-6 / R-PAY-2) -----------------------------------
    def may_pay(self, principal: Principal) -> bool:
        """R-ID-6: whoever may see the permit may pay its fees."""
        parties = Parties.of(self.payer_emails, self.company_ids, self.linked_accounts)
        return parties.admits(principal, self.jurisdiction_id)

    # -- payments' own changes -------------------------------------------
    def open_lines(self) -> dict[str, ReceivableLine]:
        return {lid: ln for lid, ln in self.lines.items() if ln.status == "open"}

    def is_open(self, line_id: str) -> bool:
        line = self.lines.get(line_id)
        return line is not None and line.status == "open"

    def pay(self, line_ids: list[str], payment_id: str) -> None:
        self._change()
        for lid in line_ids:
            line = self.lines[lid]
            line.status, line.payment_id = "paid", payment_id

    def reopen(self, line_id: str, payment_id: str) -> None:
        """A refunded line is due again — if this payment is what paid it."""
        line = self.lines.get(line_id)
        if line is not None and line.payment_id == payment_id:
            self._change()
            line.status, line.payment_id = "open", None

    def holder_of(self, line_id: str) -> str | None:
        line = self.lines.get(line_id)
        return line.payment_id if line else None

    def line_doc(self, line_id: str) -> dict[str, Any]:
        line = self.lines[line_id]
        return {"line_id": line_id, "name": line.name, "amount_minor": line.amount.minor}
