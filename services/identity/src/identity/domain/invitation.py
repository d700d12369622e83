"""An invitation (R-ID-2/5): a single-use, expiring link to a membership
created by staff or a company admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chassis.links import EmailedLink
from contracts.identity import InvitationIssued
from identity.domain.membership import Membership


@dataclass(kw_only=True, eq=False)
class Invitation(EmailedLink):
    account_id: str
    email: str
    membership_id: str

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
        invitation = cls._open(
            jurisdiction_id=membership.jurisdiction_id,
            token_hash=token_hash,
            at=at,
            expires_at=expires_at,
            account_id=membership.account_id,
            email=membership.email,
            membership_id=membership.id,
        )
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
