"""People in a jurisdiction as staff manage them: creating users, listing
them, status and roles; the audit trail; and the first login with a PIN.
Adding a person is in ``people.py``; invitations in ``invitations.py``."""

from __future__ import annotations

from datetime import timedelta

from chassis.refusals import Missing, NarrowTheSearch
from identity.domain import secrets
from identity.domain.errors import RolesRefused
from identity.domain.membership import Membership
from identity.domain.model import MembershipKind
from identity.service_layer.commands import (
    CompleteSetup,
    CreateUser,
    GetUser,
    ListUsers,
    ShowAudit,
    UpdateUser,
)
from identity.service_layer.common import (
    Doc,
    check_password,
    normalize_answer,
    password_changed,
    require_staff,
)
from identity.service_layer.people import NewPerson, add_person, created_doc, revoke_sessions
from identity.service_layer.tokens import issue_tokens
from identity.service_layer.unit_of_work import IdentityUnitOfWork

AUDIT_DAYS = 30


def _check_roles(kind: MembershipKind, roles: list[str]) -> None:
    if kind == "staff" and not roles:
        raise RolesRefused("staff need at least one role", "required")
    if kind != "staff" and roles:
        raise RolesRefused("only staff have roles", "must be empty")


async def create_user(cmd: CreateUser, uow: IdentityUnitOfWork) -> tuple[Doc, str | None]:
    """Staff admins add a person (seed 000: Users → Create User); the answer
    is what the creation commits (:func:`created_doc`) and the PIN, if one."""
    require_staff(cmd.caller, uow.jurisdiction_id, "admin")
    _check_roles(cmd.kind, cmd.roles)
    jurisdiction = await uow.jurisdictions.require()
    person = NewPerson(
        email=cmd.email,
        display_name=cmd.display_name,
        kind=cmd.kind,
        roles=cmd.roles,
        delivery=cmd.delivery,
    )
    membership, pin = await add_person(uow, jurisdiction, person, cmd.caller.account_id)
    what = {"actor": cmd.caller.account_id, "subject": membership.account_id, "kind": cmd.kind}
    await uow.audit.record("user_created", **what, roles=cmd.roles)
    return created_doc(membership, pin), pin


async def list_users(query: ListUsers, uow: IdentityUnitOfWork) -> tuple[list[Membership], int]:
    """Staff, by email; contractors and community members by the start of
    their email (at least three characters) — there may be thousands of them,
    and reads stay flat."""
    require_staff(query.caller, uow.jurisdiction_id, "admin")
    kind = query.kind or "staff"
    filter_: Doc = {"kind": kind}  # the status is applied to the bounded match here
    prefix = (query.email or "").strip().lower()
    if prefix:
        filter_["email"] = {"$gte": prefix, "$lt": prefix + "\uffff"}
    if kind != "staff" and len(prefix) < 3:
        msg = "give at least the first three characters of the person's email"
        raise NarrowTheSearch(msg, "email", msg)
    bounded = "a jurisdiction's staff" if kind == "staff" else "the people one email start names"
    found = sorted(
        (
            m
            for m in await uow.memberships.find(filter_, bounded=bounded)
            if query.status is None or m.status == query.status
        ),
        key=lambda m: (m.email, m.id),
    )
    return found[query.offset : query.offset + query.limit], len(found)


async def get_user(query: GetUser, uow: IdentityUnitOfWork) -> Membership:
    require_staff(query.caller, uow.jurisdiction_id, "admin")
    found = await uow.memberships.get(query.membership_id)
    if found is None:
        raise Missing("no such user")
    return found


async def update_user(cmd: UpdateUser, uow: IdentityUnitOfWork) -> Membership:
    """Disable or re-enable a person, or change a staff member's roles.

    Disabling revokes the person's sessions in this jurisdiction at once.
    """
    require_staff(cmd.caller, uow.jurisdiction_id, "admin")
    changes = {k: v for k, v in (("status", cmd.status), ("roles", cmd.roles)) if v is not None}
    membership = await uow.memberships.require(cmd.membership_id)
    others = await uow.memberships.other_active_admins(cmd.membership_id)
    by = cmd.caller.account_id
    if membership.change(
        status=cmd.status, roles=cmd.roles, other_active_admins=others, by=by, at=uow.now
    ):
        await uow.memberships.save(membership)
        if membership.status == "disabled":
            await revoke_sessions(uow, membership)
        subject = membership.account_id
        await uow.audit.record("user_updated", actor=by, subject=subject, **changes)
    return membership


async def audit_trail(query: ShowAudit, uow: IdentityUnitOfWork) -> list[Doc]:
    """The last ``AUDIT_DAYS`` days, newest first (staff admins)."""
    require_staff(query.caller, uow.jurisdiction_id, "admin")
    since = uow.now - timedelta(days=AUDIT_DAYS)
    return await uow.audit.since(since, limit=query.limit, offset=query.offset)


# -- first login with a PIN -----------------------------------------------------
NO_SETUP = "there is no first-login setup pending"


async def complete_setup(cmd: CompleteSetup, uow: IdentityUnitOfWork) -> Doc:
    """R-ID-2: after a PIN login, set a password and a security question; the PIN dies."""
    principal = cmd.principal
    account = await uow.accounts.get(principal.account_id)
    membership = (
        await uow.memberships.of_account(principal.account_id)
        if principal.jurisdiction_id
        else None
    )
    if account is None or membership is None or not membership.pin_usable(uow.now):
        raise Missing(NO_SETUP, code="setup-not-pending")
    jurisdiction = await uow.jurisdictions.require()
    check_password(cmd.new_password, jurisdiction, account.email, account.display_name or "")
    password_hash = secrets.hash_password(cmd.new_password)
    answer_hash = secrets.hash_password(normalize_answer(cmd.security_answer))
    account.first_login(password_hash, cmd.security_question, answer_hash)
    await uow.accounts.save(account)
    membership.activate(at=uow.now, by=account.id)  # the PIN is spent
    await uow.memberships.save(membership)
    password_changed(uow, account, jurisdiction, "first_login")
    await uow.audit.record("pin_used", actor=account.id, subject=account.id)
    return await issue_tokens(uow, account, membership)
