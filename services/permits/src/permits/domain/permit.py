"""The permit aggregate: every change of a permit, its history and its events.

Each method is named after the rule it applies; every status change goes
through :meth:`Permit.move_to` and so through the transition table
(R-PER-3), writes one history entry and records ``PermitStatusChanged``.
Its fees are a :class:`~permits.domain.fee_ledger.FeeLedger` it holds: the
ledger says which lines changed, the permit records the events and moves.
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
from chassis.refusals import Missing
from chassis.status import IllegalTransition
from contracts.permits import (
    FeeAssessed,
    FeeVoided,
    Party,
    PermitApplied,
    PermitCancelled,
    PermitExpired,
    PermitExpiring,
    PermitIssued,
    PermitLinked,
    PermitPartiesChanged,
    PermitReinstated,
    PermitStatusChanged,
    PermitUnlinked,
    SiteAddress,
)
from permits.domain.errors import NoOwner
from permits.domain.fee_ledger import FeeLedger
from permits.domain.fees import FeeLine
from permits.domain.permit_type import PermitType
from permits.domain.workflow import ACTIVE, CLOSED_TO_FEES, check_transition

Doc = dict[str, Any]


def _party(party: Doc | None) -> Doc | None:
    if not party:
        return None
    return {**party, "email": (party.get("email") or "").lower() or None}


@dataclass(kw_only=True, eq=False)
class Permit(Aggregate):
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
    fees: FeeLedger = field(default_factory=FeeLedger)
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

    # -- who is on it (R-ID-6, seed 000) ---------------------------------------
    def _parties(self) -> Doc:
        return {
            "applicant": Party(**self.applicant),
            "owner": Party(**self.owner) if self.owner else None,
            "company_ids": list(self.company_ids),
        }

    def _parties_changed(self, action: str, by: str, at: datetime, **details: Any) -> int:
        version = self._change()
        comment = f"{action}: {details}"
        self._note(at=at, by=by, from_status=self.status, to=self.status, comment=comment)
        self._record(
            PermitPartiesChanged(
                permit_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                number=self.number,
                linked_accounts=list(self.linked_accounts),
                version=version,
                **self._parties(),
            )
        )
        return version

    def change_parties(
        self,
        *,
        add_companies: list[str],
        remove_companies: list[str],
        applicant_email: str | None,
        owner_email: str | None,
        by: str,
        at: datetime,
    ) -> None:
        if owner_email is not None and not self.owner:
            raise NoOwner()
        companies = [c for c in self.company_ids if c not in remove_companies]
        self.company_ids = companies + [c for c in add_companies if c not in companies]
        if applicant_email is not None:
            self.applicant = {**self.applicant, "email": applicant_email.lower()}
        if owner_email is not None and self.owner:
            self.owner = {**self.owner, "email": owner_email.lower()}
        self._parties_changed("parties changed", by, at, companies=self.company_ids)

    def matches_fact(self, fact: str) -> bool:
        """The second fact that links a permit: its street number, zip or access code."""
        facts = {
            (self.site.get("street") or "").split(" ")[0].upper(),
            (self.site.get("zip") or "").upper(),
            (self.access_code or "").upper(),
        } - {""}
        return fact.strip().upper() in facts

    def link(self, account_id: str, *, at: datetime) -> None:
        if account_id in self.linked_accounts:
            return
        self.linked_accounts.append(account_id)
        version = self._parties_changed("linked", account_id, at)
        self._record(PermitLinked(**self._link(account_id, version)))

    def unlink(self, account_id: str, *, at: datetime) -> None:
        if account_id not in self.linked_accounts:
            raise Missing("this permit is not linked to you")
        self.linked_accounts.remove(account_id)
        version = self._parties_changed("unlinked", account_id, at)
        self._record(PermitUnlinked(**self._link(account_id, version)))

    def _link(self, account_id: str, version: int) -> Doc:
        return {
            "permit_id": self.id,
            "jurisdiction_id": self.jurisdiction_id,
            "number": self.number,
            "account_id": account_id,
            "version": version,
        }

    @property
    def payer_emails(self) -> list[str]:
        return [e for e in (self.applicant.get("email"), (self.owner or {}).get("email")) if e]

    # -- review comments and attachments (R-PER-4) ----------------------------
    def add_comment(self, text: str, *, by: str, at: datetime) -> None:
        self._change()
        self.comments.append({"id": str(uuid4()), "at": at, "by": by, "text": text})

    def attach(self, document: Doc, *, by: str, at: datetime) -> None:
        self._change()
        self.documents.append({**document, "by": by, "at": at})

    def has_document(self, file_id: str) -> bool:
        return any(d["file_id"] == file_id for d in self.documents)

    # -- fees (R-PAY-1, R-PAY-6) ------------------------------------------------
    @property
    def fees_due_minor(self) -> int:
        return self.fees.balance_minor

    def quote(
        self,
        terms: PermitType,
        items: list[tuple[str, Decimal]],
        manual: list[tuple[str, Decimal, str]],
        *,
        at: datetime,
        by: str,
    ) -> list[FeeLine]:
        """The lines :meth:`assess` would add, priced now; nothing changes."""
        if self.status in CLOSED_TO_FEES:
            raise IllegalTransition(
                self.status, "assess fees", f"a {self.status} permit takes no new fees"
            )
        valuation = Decimal(self.valuation or "0")
        return FeeLedger.price(terms, items, manual, valuation=valuation, at=at, by=by)

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
        lines = self.quote(terms, items, manual, at=at, by=by)
        version = self._change()
        self.fees.add(lines)
        self._record(
            FeeAssessed(
                **self._fee_event(version, terms.currency),
                type_name=self.type_name,
                site=SiteAddress(**self.site),
                lines=[ln.announced() for ln in lines],
                payer_emails=self.payer_emails,
                company_ids=list(self.company_ids),
            )
        )
        if self.status == "PENDING_APPROVAL" and self.fees_due_minor > 0:
            self.move_to(
                "AWAITING_PAYMENT", by=SYSTEM, roles=[SYSTEM], at=at, comment="fees assessed"
            )
        return lines

    def _fee_event(self, version: int, currency: str) -> Doc:
        return {
            "permit_id": self.id,
            "jurisdiction_id": self.jurisdiction_id,
            "number": self.number,
            "balance_minor": self.fees_due_minor,
            "currency": currency,
            "version": version,
        }

    def void_fee(self, line_id: str, reason: str) -> None:
        version = self._change()
        line = self.fees.void(line_id, reason)
        self._record(
            FeeVoided(**self._fee_event(version, line.currency), line_id=line_id, reason=reason)
        )

    def settle_lines(
        self, line_ids: list[str], payment_id: str, *, at: datetime, terms: PermitType
    ) -> bool:
        """A settled payment pays its open lines, once; a zero balance readies
        the permit and, where the type says so, issues it (R-PER-6)."""
        if not self.fees.pay(line_ids, payment_id):
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
        if not self.fees.reopen(payment_id):
            return False
        self._change()
        if self.status == "READY_TO_ISSUE" and self.fees_due_minor > 0:
            self.move_to(
                "AWAITING_PAYMENT", by=SYSTEM, roles=[SYSTEM], at=at, comment="payment refunded"
            )
        return True

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
