"""The registration aggregate (R-REG-2…5): a contractor's draft, its answers,
the submission, staff review and the decision — every status change through
the table in ``requirements.py``, history and events produced here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from uuid import uuid4

from chassis.aggregate import Aggregate
from chassis.refusals import Conflicting, Missing
from chassis.status import IllegalTransition
from contracts.registration import (
    NeedsInfo,
    RegisteredCompany,
    RegistrationAccepted,
    RegistrationDenied,
    RegistrationResubmitted,
    RegistrationReturned,
    RegistrationSubmitted,
)
from registration.domain.confirmation import EmailConfirmation
from registration.domain.errors import Incomplete, NeedsInfoOpen, NothingMarked, ReasonRequired
from registration.domain.requirements import (
    EDITABLE,
    OUTCOME,
    Requirement,
    applicable,
    missing,
    requirement_view,
    transition,
)

Doc = dict[str, Any]
PROFILE_FIELDS = ("address", "city", "state", "zip", "phone", "cell", "fax", "company_email")
# the seeds' profile marks these required (* Address, City, State, Zip, Phone)
PROFILE_REQUIRED = ("address", "city", "state", "zip", "phone")
SECTIONS = ("company_name", "registrant_name", "license_number", "trades", "license_types")


@dataclass(kw_only=True, eq=False)
class Registration(Aggregate):
    email: str
    status: str
    created_at: datetime
    draft_token_hash: str
    round: int = 0
    company_name: str | None = None
    registrant_name: str | None = None
    license_number: str | None = None
    trades: list[str] = field(default_factory=list)
    license_types: list[str] = field(default_factory=list)
    profile: Doc = field(default_factory=dict)
    answers: dict[str, Doc] = field(default_factory=dict)
    submitted_at: datetime | None = None
    decision: Doc | None = None
    account_id: str | None = None
    resume_token_hash: str | None = None
    resume_expires_at: datetime | None = None

    @classmethod
    def open(
        cls, confirmation: EmailConfirmation, *, draft_token_hash: str, at: datetime
    ) -> Registration:
        draft = cls(
            id=str(uuid4()),
            jurisdiction_id=confirmation.jurisdiction_id,
            email=confirmation.email,
            status="draft",
            created_at=at,
            draft_token_hash=draft_token_hash,
        )
        draft._log(at, draft.email, "email_confirmed")
        return draft

    def _log(self, at: datetime, actor: str, action: str, **details: Any) -> int:
        version = self._change()
        self._note(
            at=at,
            by=actor,
            from_status=self.status,
            to=self.status,
            comment=action,
            details=details,
        )
        return version

    def _move(self, action: str, *, name: str, at: datetime, actor: str, **details: Any) -> None:
        """The status table decides; the history entry is ``name``d."""
        before, self.status = self.status, transition(self.status, action)
        self._change()
        self._note(
            at=at, by=actor, from_status=before, to=self.status, comment=name, details=details
        )

    # -- the registrant's draft ---------------------------------------------
    def resume(self, *, draft_token_hash: str, at: datetime) -> bool:
        """A returned registration's emailed link: a fresh access token, once."""
        if self.status != "returned" or self.resume_expires_at is None:
            return False
        if at >= self.resume_expires_at:
            return False
        self._change()
        self.draft_token_hash = draft_token_hash
        self.resume_token_hash = self.resume_expires_at = None
        return True

    def needs_info(self) -> list[str]:
        return [
            rid
            for rid, a in self.answers.items()
            if (a.get("review") or {}).get("decision") == "needs_info"
        ]

    def ensure_editable(self, requirement: str | None = None) -> None:
        """A draft changes freely; a returned one only where staff asked for info."""
        if self.status not in EDITABLE:
            raise IllegalTransition(
                self.status, "change", f"a registration that is {self.status} cannot be changed"
            )
        asked = self.needs_info()
        if self.status == "returned" and (requirement is None or requirement not in asked):
            raise Conflicting(
                "only the requirements marked Needs Info can be updated now",
                code="not-needs-info",
                needs_info=asked,
            )

    def update(self, changes: Doc, profile: Doc | None, *, at: datetime) -> None:
        self.ensure_editable()
        sections = {k: v for k, v in changes.items() if k in SECTIONS}
        for name, value in sections.items():
            setattr(self, name, value)
        if profile is not None:
            self.profile = {**self.profile, **profile}
            sections["profile"] = self.profile
        self._log(at, self.email, "updated", fields=sorted(sections))

    def answer(
        self, requirement: Requirement, *, value: str | None, document: Doc | None, at: datetime
    ) -> None:
        self.ensure_editable(requirement.id)
        review = (self.answers.get(requirement.id) or {}).get("review")
        if review and review.get("decision") == "needs_info":
            review = {**review, "decision": "updated"}  # back for review, with its comment
        self.answers[requirement.id] = {
            "value": value,
            "document": document,
            "updated_at": at,
            "review": review,
        }
        if document is None:
            self._log(at, self.email, "requirement_answered", requirement=requirement.id)
        else:
            self._log(
                at,
                self.email,
                "document_uploaded",
                requirement=requirement.id,
                sha256=document.get("sha256"),
            )

    def requirement(self, requirements: list[Requirement], requirement_id: str) -> Requirement:
        for r in applicable(requirements, self.trades, self.license_types):
            if r.id == requirement_id:
                return r
        raise Missing("no such requirement for this registration's trades and licenses")

    # -- submitting (R-REG-2/3) ---------------------------------------------------
    def incomplete(self, requirements: list[Requirement]) -> list[tuple[str, str]]:
        """What submitting still needs: (the part, why)."""
        problems = [
            (f, "required") for f in ("company_name", "registrant_name") if not getattr(self, f)
        ]
        problems += [
            (f"profile.{f}", "required")
            for f in PROFILE_REQUIRED
            if not str(self.profile.get(f) or "").strip()
        ]
        problems += [
            (f"requirements.{r.id}", f"{r.label} is required")
            for r in missing(requirements, self.answers, self.trades, self.license_types)
        ]
        return problems

    def check_submittable(self, requirements: list[Requirement], acceptance_mode: str) -> None:
        transition(self.status, _submit_action(acceptance_mode))
        problems = self.incomplete(requirements)
        if problems:
            raise Incomplete(problems)

    def submit(
        self,
        requirements: list[Requirement],
        *,
        acceptance_mode: str,
        account_id: str,
        at: datetime,
    ) -> None:
        self.check_submittable(requirements, acceptance_mode)
        self.account_id, self.round, self.submitted_at = account_id, 1, at
        action = _submit_action(acceptance_mode)
        self._move(action, name="submitted", at=at, actor=self.email, round=1)
        if self.status == "accepted":
            self.decision = {"decision": "accept", "by": "automatic", "at": at}
            self._note(
                at=at, by="automatic", from_status=self.status, to=self.status, comment="accepted"
            )
        self._record(
            RegistrationSubmitted(
                registration_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                registrant_email=self.email,
                company_name=self.company_name or "",
                trades=self.trades,
                license_types=self.license_types,
                acceptance_mode=acceptance_mode,  # type: ignore[arg-type]
            )
        )
        if self.status == "accepted":
            self._record(self._accepted())

    def resubmit(self, *, at: datetime) -> None:
        transition(self.status, "resubmit")
        still = self.needs_info()
        if still:
            raise NeedsInfoOpen(still)
        self.round += 1
        self.submitted_at = at
        self._move("resubmit", name="resubmitted", at=at, actor=self.email, round=self.round)
        self._record(
            RegistrationResubmitted(
                registration_id=self.id,
                jurisdiction_id=self.jurisdiction_id,
                registrant_email=self.email,
                round=self.round,
            )
        )

    # -- staff review (R-REG-4) -------------------------------------------------
    def mark(
        self,
        requirement: Requirement,
        *,
        decision: Literal["approved", "needs_info"],
        comment: str | None,
        by: str,
        at: datetime,
    ) -> None:
        if self.status != "pending_validation":
            raise IllegalTransition(
                self.status, "review", f"a registration that is {self.status} is not under review"
            )
        if decision == "needs_info" and not comment:
            raise ReasonRequired("comment", "say what is needed")
        answer = self.answers.setdefault(requirement.id, {})
        answer["review"] = {"decision": decision, "comment": comment, "by": by, "at": at}
        self._log(
            at,
            by,
            "requirement_reviewed",
            requirement=requirement.id,
            decision=decision,
            comment=comment,
        )

    def already_decided(self, decision: str) -> bool:
        """The same decision retried (answered as recorded, changing nothing)."""
        recorded = self.decision or {}
        return (
            self.status == OUTCOME[decision]
            and recorded.get("decision") == decision
            and recorded.get("round") == self.round
        )

    def decide(
        self,
        decision: Literal["accept", "return", "deny"],
        *,
        reason: str | None,
        needs: list[Doc],
        by: str,
        at: datetime,
        seen_version: int,
        resume: tuple[str, str, datetime] | None,
    ) -> None:
        """Accept, return (``resume``: token, its hash, expiry) or deny, once;
        ``seen_version`` is the version the reviewer decided on."""
        transition(self.status, decision)
        self._check_decision(decision, reason=reason, needs=needs, seen_version=seen_version)
        self.decision = {
            "decision": decision,
            "reason": reason,
            "by": by,
            "at": at,
            "round": self.round,
        }
        self._move(
            decision, name=OUTCOME[decision], at=at, actor=by, reason=reason, round=self.round
        )
        if decision == "accept":
            self._record(self._accepted())
        elif decision == "deny":
            self._record(self._denied(reason or ""))
        else:
            assert resume is not None
            self._record(self._returned(needs, reason, resume))

    def _check_decision(
        self, decision: str, *, reason: str | None, needs: list[Doc], seen_version: int
    ) -> None:
        """R-REG-4: decided on the version the reviewer saw; a denial says why;
        a return names what is needed."""
        if seen_version != self.version:
            raise Conflicting(
                "the registration changed since you loaded it",
                code="version-conflict",
                current_version=self.version,
            )
        if decision == "deny" and not reason:
            raise ReasonRequired("reason", "a denial needs a reason")
        if decision == "return" and not needs:
            raise NothingMarked()

    def _denied(self, reason: str) -> RegistrationDenied:
        return RegistrationDenied(
            registration_id=self.id,
            jurisdiction_id=self.jurisdiction_id,
            registrant_email=self.email,
            company_name=self.company_name or "",
            reason=reason,
        )

    def _returned(
        self, needs: list[Doc], comment: str | None, resume: tuple[str, str, datetime]
    ) -> RegistrationReturned:
        """Returned for the Needs Info items; the emailed resume link is stored hashed."""
        token, token_hash, expires = resume
        self.resume_token_hash, self.resume_expires_at = token_hash, expires
        return RegistrationReturned(
            registration_id=self.id,
            jurisdiction_id=self.jurisdiction_id,
            registrant_email=self.email,
            company_name=self.company_name or "",
            round=self.round,
            needs_info=[
                NeedsInfo(requirement_id=n["id"], label=n["label"], comment=n["comment"] or "")
                for n in needs
            ],
            comment=comment,
            resume_token=token,
            resume_expires_at=expires,
        )

    def _accepted(self) -> RegistrationAccepted:
        # A contractor applying for a first license has none yet: the registration's
        # record number stands in (eTRAKIT's "AEC record number").
        license_number = self.license_number or f"REG-{self.id[:8].upper()}"
        p = self.profile
        return RegistrationAccepted(
            registration_id=self.id,
            jurisdiction_id=self.jurisdiction_id,
            registrant_email=self.email,
            registrant_name=self.registrant_name or "",
            registrant_account_id=self.account_id,
            license_types=self.license_types,
            company=RegisteredCompany(
                name=self.company_name or "",
                license_number=license_number,
                trades=self.trades,
                address=p.get("address"),
                city=p.get("city"),
                state=p.get("state"),
                zip=p.get("zip"),
                email=p.get("company_email") or self.email,
                phone=p.get("phone"),
                cell=p.get("cell"),
                fax=p.get("fax"),
            ),
        )

    # -- views ------------------------------------------------------------------
    def requirement_view(self, requirements: list[Requirement]) -> list[Doc]:
        return requirement_view(requirements, self.answers, self.trades, self.license_types)


def _submit_action(acceptance_mode: str) -> str:
    return "submit_automatic" if acceptance_mode == "automatic" else "submit_review"
