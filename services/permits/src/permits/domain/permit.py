"""The permit aggregate: every change of a permit, its history and its events.

Each method is named after the rule it applies; every status change goes
through :meth:`Permit.move_to` and so through the transition table
(R-PER-3), writes one history entry and records ``PermitStatusChanged``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from chassis.aggregate import SYSTEM, Aggregate
from chassis.clock import as_utc
from chassis.parties import Parties
from chassis.principal import Principal
from contracts.permits import (
    PermitApplied,
    PermitCancelled,
    PermitExpired,
    PermitExpiring,
    PermitIssued,
    PermitReinstated,
    PermitStatusChanged,
    SiteAddress,
)
from permits.domain.fees import FeeLine
from permits.domain.permit_fees import PermitFees
from permits.domain.permit_parties import PermitParties
from permits.domain.permit_type import PermitType
from permits.domain.workflow import ACTIVE, check_transition

Doc = dict[str, Any]


def _party(party: Doc | None) -> Doc | None:
    if not party:
        return None
    return {**party, "email": (party.get("email") or "").lower() or None}


@dataclass(kw_only=True, eq=False)
class Permit(PermitFees, PermitParties, Aggregate):
    number: str
    type_code: str
    type_name: str
    kind: str
    status: str
    site: Doc
    applicant: Doc
    applied_at: datetime
    applied_by: str
    description: str | None = None
    valuation: str = "0.00"
    owner: Doc | None = None
    company_ids: list[str] = field(default_factory=list)
    linked_accounts: list[str] = field(default_factory=list)
    access_code: str | None = None
    street_key: str = ""  # the site's street, upper-cased: staff search by its prefix
    comments: list[Doc] = field(default_factory=list)
    documents: list[Doc] = field(default_factory=list)
    fees: list[FeeLine] = field(default_factory=list)
    issued_at: datetime | None = None
    last_activity_at: datetime | None = None
    expires_at: datetime | None = None
    expiring_notified: bool = False
    expired_at: datetime | None = None

    # -- applying (R-PER-1) ---------------------------------------------------
    @classmethod
    def apply(
        cls,
        *,
        jurisdiction_id: str,
        number: str,
        permit_type: PermitType,
        site: Doc,
        applicant: Doc,
        owner: Doc | None,
        company_ids: list[str],
        description: str | None,
        valuation: Decimal,
        access_code: str,
        at: datetime,
        by: str,
    ) -> Permit:
        permit = cls(
            id=str(uuid4()),
            jurisdiction_id=jurisdiction_id,
            number=number,
            type_code=permit_type.code,
            type_name=permit_type.name,
            kind=permit_type.kind,
            status="SUBMITTED",
            site=site,
            description=description,
            valuation=str(valuation.quantize(Decimal("0.01"))),
            applicant=_party(applicant) or {},
            owner=_party(owner),
            company_ids=list(company_ids),
            access_code=access_code,
            street_key=str(site.get("street") or "").strip().upper(),
            applied_at=at,
            applied_by=by,
        )
        version = permit._change()
        permit._note(at=at, by=by, from_status=None, to="SUBMITTED", comment=None)
        permit._record(
            PermitApplied(
                permit_id=permit.id,
                jurisdiction_id=jurisdiction_id,
                number=number,
                type_code=permit.type_code,
                type_name=permit.type_name,
                kind=permit.kind,
                status=permit.status,
                site=SiteAddress(**site),
                version=version,
                **permit._parties(),
            )
        )
        return permit

    # -- access (R-ID-6) --------------------------------------------------------
    @property
    def parties(self) -> Parties:
        """R-ID-6: the applicant's and owner's emails, the companies on it,
        the public accounts that linked it."""
        return Parties.of(
            [self.applicant.get("email"), (self.owner or {}).get("email")],
            self.company_ids,
            self.linked_accounts,
        )

    def visible_to(self, principal: Principal) -> bool:
        return self.parties.admits(principal, self.jurisdiction_id)

    def is_applicant(self, principal: Principal) -> bool:
        return bool(principal.email) and principal.email.lower() == self.applicant.get("email")

    # -- the workflow (R-PER-3, R-PER-6) --------------------------------------
    def move_to(
        self,
        to: str,
        *,
        by: str,
        roles: list[str],
        at: datetime,
        comment: str | None = None,
        terms: PermitType | None = None,
    ) -> None:
        """The one way a permit's status changes: the table decides, history and
        events follow. Issuing (``to="ISSUED"``) needs the type's ``terms``."""
        check_transition(self.status, to, roles)
        before = self.status
        version = self._change()
        self.status = to
        self._note(at=at, by=by, from_status=before, to=to, comment=comment)
        common = {
            "permit_id": self.id,
            "jurisdiction_id": self.jurisdiction_id,
            "number": self.number,
            "version": version,
        }
        self._record(
            PermitStatusChanged(
                from_status=before, to_status=to, by=by, at=at, comment=comment, **common
            )
        )
        if to == "ISSUED":
            self._issue(at, terms, automatic=by == SYSTEM)
        if to == "EXPIRED":
            self.expired_at = at
            self._record(PermitExpired(expired_at=at, **common, **self._parties()))
        if to == "CANCELLED":
            self._record(PermitCancelled(by=by, at=at, comment=comment, **common))
        elif before in ("CANCELLED", "EXPIRED"):
            self._record(
                PermitReinstated(
                    from_status=before, to_status=to, by=by, at=at, comment=comment, **common
                )
            )

    def _issue(self, at: datetime, terms: PermitType | None, *, automatic: bool) -> None:
        """R-PER-6; the R-PER-5 inactivity clock starts (again, on reinstatement)."""
        if terms is None:
            raise ValueError("issuing needs the permit type's terms")
        self.issued_at = self.last_activity_at = at
        self.expires_at = at + timedelta(days=terms.inactivity_days)
        self.expiring_notified = False
        self._record(
            PermitIssued(
                permit_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                number=self.number,
                type_name=self.type_name,
                site=SiteAddress(**self.site),
                inspection_types=list(terms.inspection_types),
                issued_at=at,
                expires_at=self.expires_at,
                automatic=automatic,
                version=self.version,
                **self._parties(),
            )
        )

    # -- activity and expiry (R-PER-5) ------------------------------------------
    def record_activity(self, at: datetime, *, inactivity_days: int) -> bool:
        """A passing inspection restarts the inactivity clock of an active permit."""
        if self.status not in ACTIVE:
            return False
        self._change()
        self.last_activity_at = at
        self.expires_at = at + timedelta(days=inactivity_days)
        self.expiring_notified = False
        return True

    def expire(self, at: datetime) -> bool:
        if self.status not in ACTIVE or self.expires_at is None or as_utc(self.expires_at) > at:
            return False
        self.move_to(
            "EXPIRED", by=SYSTEM, roles=[SYSTEM], at=at, comment="no passing inspection in time"
        )
        return True

    def warn_expiring(self) -> bool:
        """Once per inactivity period, a notice before the permit expires."""
        if self.expiring_notified or self.status not in ACTIVE or self.expires_at is None:
            return False
        self._change()
        self.expiring_notified = True
        self._record(
            PermitExpiring(
                permit_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                number=self.number,
                expires_at=as_utc(self.expires_at),
                **self._parties(),
            )
        )
        return True
