"""Who is on a permit (R-ID-6, seed 000) — companies, applicant and owner
emails, linked accounts — and its review comments and attachments (R-PER-4).
Part of the ``Permit`` aggregate (``permit.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from chassis.errors import NotFound, Unprocessable, field_error
from contracts.permits import Party, PermitLinked, PermitPartiesChanged, PermitUnlinked
from permits.domain.permit_state import PermitState

Doc = dict[str, Any]


class PermitParties(PermitState):
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
            raise Unprocessable(
                "this permit has no property owner", errors=[field_error("owner_email", "no owner")]
            )
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
        self._record(self._link_event(PermitLinked, account_id, version))

    def unlink(self, account_id: str, *, at: datetime) -> None:
        if account_id not in self.linked_accounts:
            raise NotFound("this permit is not linked to you")
        self.linked_accounts.remove(account_id)
        version = self._parties_changed("unlinked", account_id, at)
        self._record(self._link_event(PermitUnlinked, account_id, version))

    def _link_event(
        self, kind: type[PermitLinked] | type[PermitUnlinked], account_id: str, version: int
    ) -> PermitLinked | PermitUnlinked:
        return kind(
            permit_id=self.id,
            jurisdiction_id=self.jurisdiction_id,
            number=self.number,
            account_id=account_id,
            version=version,
        )

    # -- review comments and attachments (R-PER-4) ----------------------------
    def add_comment(self, text: str, *, by: str, at: datetime) -> None:
        self._change()
        self.comments.append({"id": str(uuid4()), "at": at, "by": by, "text": text})

    def attach(self, document: Doc, *, by: str, at: datetime) -> None:
        self._change()
        self.documents.append({**document, "by": by, "at": at})

    def has_document(self, file_id: str) -> bool:
        return any(d["file_id"] == file_id for d in self.documents)
