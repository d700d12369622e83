"""An invitation (R-ID-2/5): a single-use, expiring link to a membership
created by staff or a company admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from chassis.aggregate import Aggregate
from chassis.clock import as_utc
from contracts.identity import InvitationIssued
from identity.domain.membership import Membership


@dataclass(kw_only=True, eq=False)
class Invitation(Aggregate):
    account_id: str
    email: str
    membership_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        membership: Membership,
        *,
        jurisdiction_name: str,
        company_name: str | None,
        token: str,
        token_hash: str,
        at: datetime,
        expires_at: datetime,
    ) -> Invitation:
        invitation = cls(
            id=str(uuid4()),
            jurisdiction_id=membership.jurisdiction_id,
            account_id=membership.account_id,
            email=membership.email,
            membership_id=membership.id,
            token_hash=token_hash,
            created_at=at,
            expires_at=expires_at,
        )
        invitation._change()
        invitation._record(
            InvitationIssued(
                invitation_id=invitation.id,
                jurisdiction_id=membership.jurisdiction_id,
                jurisdiction_name=jurisdiction_name,
                email=membership.email,
                kind=membership.kind,
                roles=list(membership.roles),
                company_name=company_name,
                token=token,
                expires_at=expires_at,
            )
        )
        return invitation

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < as_utc(self.expires_at)

    def use(self, now: datetime) -> None:
        self._change()
        self.used_at = now
