"""What inspections knows of a permit, from permits' and payments' events
(event-carried state, applied in the permit's version order): whether it may
be inspected, its address and types, who may schedule (R-ID-6) and which fee
lines are still open."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chassis.aggregate import Aggregate
from chassis.parties import Parties
from chassis.principal import Principal
from contracts.permits import Party
from inspections.domain.errors import FeesDue, NoSuchInspectionType, NotInspectable

INSPECTABLE = ("ISSUED", "TCO")  # R-INS-1


def emails(*parties: Party | None) -> list[str]:
    return list(dict.fromkeys(p.email.lower() for p in parties if p is not None and p.email))


@dataclass(kw_only=True, eq=False)
class InspectablePermit(Aggregate):
    source_version: int = 0
    number: str | None = None
    type_name: str | None = None
    address: str | None = None
    area: str | None = None  # the site's zip: an inspector's area
    status: str | None = None
    inspection_types: list[str] = field(default_factory=list)
    party_emails: list[str] = field(default_factory=list)
    company_ids: list[str] = field(default_factory=list)
    linked_accounts: list[str] = field(default_factory=list)
    open_lines: list[str] = field(default_factory=list)

    def apply(self, version: int, *, same_version: bool = False, **values: Any) -> bool:
        """Permits emits a status change and its specific event (issued, expired,
        cancelled) in one transaction with one version: those apply at an equal
        version too (``same_version``). An older event changes nothing."""
        if version < self.source_version or (version == self.source_version and not same_version):
            return False
        self._change()
        self.source_version = version
        for name, value in values.items():
            setattr(self, name, value)
        return True

    def fees(self, *, opened: Sequence[str] = (), closed: Sequence[str] = ()) -> None:
        """Fee lines due or paid (for the optional "no inspections while fees are due")."""
        self._change()
        self.open_lines = [ln for ln in self.open_lines if ln not in set(closed)]
        self.open_lines += [ln for ln in opened if ln not in self.open_lines]

    def may_schedule(self, principal: Principal) -> bool:
        """R-ID-6 from the data the permit's events carried (none before its
        first event: not yet a permit here)."""
        if self.number is None:
            return False
        parties = Parties.of(self.party_emails, self.company_ids, self.linked_accounts)
        return parties.admits(principal, self.jurisdiction_id)

    def ensure_inspectable(
        self, inspection_type: str, *, block_when_fees_due: bool, index: int | None = None
    ) -> None:
        """R-INS-1; ``index``: which of a submit's requests this is."""
        if self.status not in INSPECTABLE:
            raise NotInspectable(self.number, self.status, index=index)
        if inspection_type not in self.inspection_types:
            offered = self.inspection_types
            raise NoSuchInspectionType(self.number, inspection_type, offered, index=index)
        if block_when_fees_due and self.open_lines:
            raise FeesDue(self.number, index=index)

    def notify_emails(self, requester: str | None) -> list[str]:
        return list(dict.fromkeys([e for e in [requester, *self.party_emails] if e]))
