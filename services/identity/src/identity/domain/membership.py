"""A person's membership of a jurisdiction (R-ID-1…5): kind, status, staff
roles, companies, a first-login PIN. Every status change goes through
:meth:`Membership._move` and the table below; the announcements
(``AccountActivated``, ``MembershipGranted``, ``MembershipRevoked``, the
company's ``AuthorizedUserAdded``/``Removed``) come from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from chassis.aggregate import Aggregate
from chassis.refusals import Conflicting
from chassis.status import StatusTable
from contracts.identity import (
    AccountActivated,
    AuthorizedUserAdded,
    AuthorizedUserRemoved,
    MembershipGranted,
    MembershipRevoked,
)
from identity.domain.errors import RolesRefused
from identity.domain.model import MembershipKind

TRANSITIONS = {
    ("invited", "active"),  # accepted the invitation, set up with the PIN, or registered
    ("invited", "disabled"),
    ("active", "disabled"),  # by staff, or the last company left
    ("disabled", "active"),  # re-enabled by staff
}


TABLE = StatusTable.of("a membership", TRANSITIONS)


@dataclass(kw_only=True, eq=False)
class Membership(Aggregate):
    account_id: str
    email: str
    kind: MembershipKind
    status: str
    created_at: datetime
    display_name: str = ""
    roles: list[str] = field(default_factory=list)
    company_ids: list[str] = field(default_factory=list)
    company_admin_of: list[str] = field(default_factory=list)
    pin_hash: str | None = None
    pin_expires_at: datetime | None = None

    @classmethod
    def new(
        cls,
        *,
        jurisdiction_id: str,
        account_id: str,
        email: str,
        display_name: str,
        kind: MembershipKind,
        roles: list[str],
        active: bool,
        at: datetime,
        company_ids: list[str] | None = None,
        company_admin_of: list[str] | None = None,
        announce_account: bool = True,
    ) -> Membership:
        """Active (and announced) for someone who can log in; else invited.
        ``announce_account``: the account itself is new (``AccountActivated``)."""
        membership = cls(
            id=str(uuid4()),
            jurisdiction_id=jurisdiction_id,
            account_id=account_id,
            email=email,
            display_name=display_name,
            kind=kind,
            status="invited",
            roles=list(roles),
            company_ids=list(company_ids or []),
            company_admin_of=list(company_admin_of or []),
            created_at=at,
        )
        membership._change()
        for company_id in membership.company_ids:
            membership._record(membership._user_added(company_id))
        if active:
            membership.activate(at=at, by=account_id, announce_account=announce_account)
        return membership

    def _move(self, to: str, *, at: datetime, by: str, why: str) -> None:
        TABLE.check(self.status, to)
        before = self.status
        self._change()
        self.status = to
        self._note(at=at, by=by, from_status=before, to=to, comment=why)
        if to == "disabled":  # other services drop the person's access (R-ID-2)
            self._record(
                MembershipRevoked(
                    membership_id=self.id,
                    account_id=self.account_id,
                    jurisdiction_id=self.jurisdiction_id,
                    email=self.email,
                    reason=why,
                )
            )

    # -- becoming active ------------------------------------------------------
    def activate(
        self,
        *,
        at: datetime,
        by: str,
        display_name: str | None = None,
        announce_account: bool = True,
    ) -> bool:
        """The person can log in here now (a PIN, if any, is spent); announced."""
        self.pin_hash = self.pin_expires_at = None
        if display_name:
            self.display_name = display_name
        if self.status == "active":
            self._change()
            return False
        self._move("active", at=at, by=by, why="activated")
        if announce_account:
            self._record(self._activated())
        self._granted()
        return True

    def _activated(self) -> AccountActivated:
        return AccountActivated(
            account_id=self.account_id,
            membership_id=self.id,
            jurisdiction_id=self.jurisdiction_id,
            email=self.email,
            kind=self.kind,
            display_name=self.display_name,
        )

    def _granted(self) -> None:
        self._record(
            MembershipGranted(
                membership_id=self.id,
                account_id=self.account_id,
                jurisdiction_id=self.jurisdiction_id,
                email=self.email,
                kind=self.kind,
                roles=list(self.roles),
                company_ids=list(self.company_ids),
            )
        )

    def issue_pin(self, pin_hash: str, expires_at: datetime) -> None:
        """R-ID-1 first login: a PIN instead of an invitation link."""
        self._change()
        self.pin_hash, self.pin_expires_at = pin_hash, expires_at

    def pin_usable(self, now: datetime) -> bool:
        if self.pin_hash is None or self.pin_expires_at is None:
            return False
        expires = self.pin_expires_at
        if expires.tzinfo is None:
            from datetime import UTC

            expires = expires.replace(tzinfo=UTC)
        return now < expires

    # -- staff changes (R-ID-2) -----------------------------------------------
    def change(
        self,
        *,
        status: str | None = None,
        roles: list[str] | None = None,
        other_active_admins: int,
        by: str,
        at: datetime,
    ) -> bool:
        """Disable or re-enable, or change a staff member's roles. The
        jurisdiction never loses its last active admin."""
        if roles is not None:
            if self.kind != "staff":
                raise RolesRefused("only staff have roles", "not staff")
            if not roles:
                raise RolesRefused("staff need at least one role", "required")
        moving = status is not None and status != self.status
        if moving and self.status == "invited" and status == "active":
            raise Conflicting("an invited person becomes active by accepting the invitation")
        drops_admin = self.is_active_admin and (
            (moving and status == "disabled") or (roles is not None and "admin" not in roles)
        )
        if drops_admin and other_active_admins == 0:
            raise Conflicting("this would leave the jurisdiction without an active admin")
        changed_roles = roles is not None and roles != self.roles
        if not moving and not changed_roles:
            return False
        self._change()
        if changed_roles:
            self.roles = list(roles or [])
        if moving:
            self._move(str(status), at=at, by=by, why=f"{status} by staff")
        if self.status == "active":
            self._granted()
        return True

    @property
    def is_active_admin(self) -> bool:
        return self.kind == "staff" and "admin" in self.roles and self.status == "active"

    # -- companies (R-ID-5) ---------------------------------------------------------
    def _user_added(self, company_id: str) -> AuthorizedUserAdded:
        return AuthorizedUserAdded(
            company_id=company_id,
            jurisdiction_id=self.jurisdiction_id,
            account_id=self.account_id,
            email=self.email,
            company_admin=company_id in self.company_admin_of,
        )

    def join_company(self, company_id: str, *, admin: bool) -> None:
        """An authorized user of the company (announced); an active member's new
        access is announced too."""
        self._change()
        if company_id not in self.company_ids:
            self.company_ids.append(company_id)
        if admin and company_id not in self.company_admin_of:
            self.company_admin_of.append(company_id)
        self._record(self._user_added(company_id))
        if self.status == "active":
            self._granted()

    def leave_company(
        self, company_id: str, *, other_company_admins: int, by: str, at: datetime
    ) -> bool:
        """Removed from a company; with no company left, the membership ends
        (disabled). A company always keeps an admin. Returns whether it ended."""
        if company_id in self.company_admin_of and other_company_admins == 0:
            raise Conflicting("make another user a company admin before removing the last one")
        self._change()
        self.company_ids = [c for c in self.company_ids if c != company_id]
        self.company_admin_of = [c for c in self.company_admin_of if c != company_id]
        self._record(
            AuthorizedUserRemoved(
                company_id=company_id,
                jurisdiction_id=self.jurisdiction_id,
                account_id=self.account_id,
                email=self.email,
            )
        )
        if not self.company_ids and self.status != "disabled":
            self._move("disabled", at=at, by=by, why=f"removed from company {company_id}")
            return True
        return False
