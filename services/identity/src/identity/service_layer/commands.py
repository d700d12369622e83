"""What a caller asks of identity: one typed command per change, one typed
query per read (``docs/architecture.md``, one layout). A route builds one and
hands it to ``units.handle(cmd, handler)`` (a change, in one transaction) or
``units.ask(query, handler)`` (a read, or login's writes that must persist
whatever its answer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from chassis.auth import Principal
from chassis.commands import Command
from identity.domain import secrets
from identity.domain.model import PLATFORM, EnrollmentKind, MembershipKind
from identity.service_layer.common import Caller

Doc = dict[str, Any]
Delivery = Literal["invitation", "pin"]


@dataclass(frozen=True, kw_only=True)
class IdentityCommand(Command):
    """Identity checks a token against the membership it names, so its
    commands carry that caller (``actor`` is its principal)."""

    caller: Caller


def by(caller: Caller, jurisdiction_id: str | None = None) -> Doc:
    """The fields every caller's command starts with."""
    return {
        "jurisdiction_id": jurisdiction_id or caller.principal.jurisdiction_id or PLATFORM,
        "actor": caller.principal,
        "caller": caller,
    }


@dataclass(frozen=True, kw_only=True)
class Public:
    """Asked without a login: only the jurisdiction it is about."""

    jurisdiction_id: str


@dataclass(frozen=True, kw_only=True)
class WithLink:
    """Asked with an emailed link or a refresh token: its jurisdiction is the
    token's scope (``chassis.links``); a token of no scope is nobody's."""

    token: str

    @property
    def jurisdiction_id(self) -> str:
        return scope_of(self.token)


def scope_of(token: str) -> str:
    """The jurisdiction a scoped token or id names; of no scope: nobody's."""
    parts = secrets.split_scoped_token(token)
    return parts[0] if parts else PLATFORM


# -- the caller ---------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class LoadCaller:
    principal: Principal

    @property
    def jurisdiction_id(self) -> str:
        return self.principal.jurisdiction_id or PLATFORM


@dataclass(frozen=True, kw_only=True)
class ShowMe(IdentityCommand):
    pass


@dataclass(frozen=True, kw_only=True)
class UpdateProfile(IdentityCommand):
    fields: Doc


@dataclass(frozen=True, kw_only=True)
class ChangePassword(IdentityCommand):
    current_password: str
    new_password: str


@dataclass(frozen=True, kw_only=True)
class ChangeSecurityQuestion(IdentityCommand):
    current_answer: str | None
    question: str
    answer: str


@dataclass(frozen=True, kw_only=True)
class CompleteSetup(LoadCaller):
    """After a PIN login (R-ID-2): the setup token's principal."""

    new_password: str
    security_question: str
    security_answer: str


# -- tokens -------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Login:
    email: str
    password: str
    jurisdiction: str | None
    client: str | None

    @property
    def jurisdiction_id(self) -> str:
        return self.jurisdiction or PLATFORM


@dataclass(frozen=True, kw_only=True)
class Refresh(WithLink):
    to_jurisdiction: str | None = None


@dataclass(frozen=True, kw_only=True)
class Logout(WithLink):
    pass


# -- links: enrollment, invitations, resets ------------------------------------
@dataclass(frozen=True, kw_only=True)
class RequestEnrollment(Public):
    email: str
    kind: EnrollmentKind


@dataclass(frozen=True, kw_only=True)
class DescribeLink(WithLink):
    pass


@dataclass(frozen=True, kw_only=True)
class CompleteEnrollment(WithLink):
    display_name: str
    password: str
    phone: str | None


@dataclass(frozen=True, kw_only=True)
class AcceptInvitation(WithLink):
    password: str
    display_name: str | None
    security_question: str | None
    security_answer: str | None


@dataclass(frozen=True, kw_only=True)
class RequestReset(Public):
    email: str | None
    license_number: str | None


@dataclass(frozen=True, kw_only=True)
class CompleteReset(WithLink):
    password: str
    security_answer: str | None


@dataclass(frozen=True, kw_only=True)
class CountWrongAnswer(WithLink):
    account_id: str


@dataclass(frozen=True, kw_only=True)
class EnsureRegistrant(Public):
    """Registration hands the registrant's password over at submit."""

    email: str
    display_name: str
    password: str


# -- people and companies -------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class CreateUser(IdentityCommand):
    email: str
    display_name: str
    kind: MembershipKind
    roles: list[str] = field(default_factory=list)
    delivery: Delivery = "invitation"


@dataclass(frozen=True, kw_only=True)
class ListUsers(IdentityCommand):
    kind: str | None
    status: str | None
    email: str | None
    limit: int
    offset: int


@dataclass(frozen=True, kw_only=True)
class GetUser(IdentityCommand):
    membership_id: str


@dataclass(frozen=True, kw_only=True)
class UpdateUser(IdentityCommand):
    membership_id: str
    status: str | None
    roles: list[str] | None


@dataclass(frozen=True, kw_only=True)
class ReissuePin(IdentityCommand):
    """A retried creation whose first answer carried a PIN."""

    membership_id: str


@dataclass(frozen=True, kw_only=True)
class ShowAudit(IdentityCommand):
    limit: int
    offset: int


@dataclass(frozen=True, kw_only=True)
class CreateCompany(IdentityCommand):
    profile: Doc


@dataclass(frozen=True, kw_only=True)
class ListCompanies(IdentityCommand):
    q: str | None
    limit: int
    offset: int


@dataclass(frozen=True, kw_only=True)
class GetCompany(IdentityCommand):
    company_id: str


@dataclass(frozen=True, kw_only=True)
class UpdateCompany(IdentityCommand):
    company_id: str
    changes: Doc


@dataclass(frozen=True, kw_only=True)
class AddCompanyUser(IdentityCommand):
    company_id: str
    email: str
    display_name: str
    company_admin: bool
    delivery: Delivery


@dataclass(frozen=True, kw_only=True)
class RemoveCompanyUser(IdentityCommand):
    company_id: str
    account_id: str


@dataclass(frozen=True, kw_only=True)
class ShowPublicCompany(Public):
    company_id: str


# -- jurisdictions ------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class CreateJurisdiction(Public):
    fields: Doc
    first_admin: Doc | None = None
    actor_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateJurisdiction(IdentityCommand):
    fields: Doc


# -- set-up by the command line (operator, demo) ---------------------------------
@dataclass(frozen=True, kw_only=True)
class EnsureAccount(Public):
    email: str
    password: str
    display_name: str
    operator: bool = False


@dataclass(frozen=True, kw_only=True)
class EnsureMembership(Public):
    account_id: str
    kind: MembershipKind
    roles: list[str]


@dataclass(frozen=True, kw_only=True)
class EnsureCompany(Public):
    company: Doc
