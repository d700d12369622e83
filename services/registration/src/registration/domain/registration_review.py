"""Staff review of a registration (R-REG-4): per-requirement marks and the
decision — accept, return for more information, deny — once. Part of the
``Registration`` aggregate (``registration.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from chassis.aggregate import Aggregate
from chassis.errors import Conflict, Unprocessable, field_error
from chassis.status import IllegalTransition
from contracts.registration import (
    NeedsInfo,
    RegisteredCompany,
    RegistrationAccepted,
    RegistrationDenied,
    RegistrationReturned,
)
from registration.domain.requirements import OUTCOME, Requirement, transition

Doc = dict[str, Any]


class RegistrationReview(Aggregate):
    if TYPE_CHECKING:  # the Registration's own fields, for the type checker
        email: str
        status: str
        round: int
        company_name: str | None
        registrant_name: str | None
        license_number: str | None
        trades: list[str]
        license_types: list[str]
        profile: Doc
        answers: dict[str, Doc]
        decision: Doc | None
        account_id: str | None
        resume_token_hash: str | None
        resume_expires_at: datetime | None

        def _log(self, at: datetime, actor: str, action: str, **details: Any) -> int: ...
        def _move(
            self, action: str, *, name: str, at: datetime, actor: str, **details: Any
        ) -> None: ...

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
            raise Unprocessable("say what is needed", errors=[field_error("comment", "required")])
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
            raise Conflict(
                "the registration changed since you loaded it",
                slug="version-conflict",
                current_version=self.version,
            )
        if decision == "deny" and not reason:
            raise Unprocessable(
                "a denial needs a reason", errors=[field_error("reason", "required")]
            )
        if decision == "return" and not needs:
            raise Unprocessable(
                "mark at least one requirement Needs Info before returning",
                errors=[field_error("requirements", "none marked Needs Info")],
            )

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
