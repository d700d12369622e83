"""Who may act on a record besides staff (R-ID-6): one rule for every service.

A record's parties are the emails of its applicant and owner (or whoever may
pay it), the contracting companies on it, and the public accounts that
linked it. A caller is admitted by :meth:`Parties.admits` — staff of the
record's jurisdiction and the platform operator always, anyone else of that
jurisdiction through one of the three — and finds their records through
:func:`party_branches`, one equality query per access path (no ``$or``:
reads stay flat, ``docs/architecture.md``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chassis.principal import Principal


@dataclass(frozen=True)
class Parties:
    emails: frozenset[str] = frozenset()
    company_ids: frozenset[str] = frozenset()
    linked_accounts: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        emails: Iterable[str | None] = (),
        company_ids: Iterable[str] = (),
        linked_accounts: Iterable[str] = (),
    ) -> Parties:
        return cls(
            emails=frozenset(e.lower() for e in emails if e),
            company_ids=frozenset(company_ids),
            linked_accounts=frozenset(linked_accounts),
        )

    def include(self, principal: Principal) -> bool:
        """The caller is a party: by email, a company of theirs, or a link."""
        email = (principal.email or "").lower()
        return bool(
            (email and email in self.emails)
            or self.company_ids.intersection(principal.company_ids)
            or principal.account_id in self.linked_accounts
        )

    def admits(self, principal: Principal, jurisdiction_id: str) -> bool:
        """The operator; staff of the record's jurisdiction; a party of it."""
        if principal.is_operator():
            return True
        if principal.jurisdiction_id != jurisdiction_id:
            return False
        return principal.acts_as_staff() or self.include(principal)


def party_branches(principal: Principal, *email_fields: str) -> list[dict[str, Any]]:
    """The records a caller is a party of, as equality queries (one per access
    path, each served by its own index): the linked account, the caller's
    email in each of ``email_fields``, and each of the caller's companies."""
    branches: list[dict[str, Any]] = [{"linked_accounts": principal.account_id}]
    email = (principal.email or "").lower()
    if email:
        branches += [{name: email} for name in email_fields]
    # one branch per company: with the caller's own ``$in`` (a status, say) a
    # second operator field would make the embedded database walk the jurisdiction
    branches += [{"company_ids": company_id} for company_id in principal.company_ids]
    return branches
