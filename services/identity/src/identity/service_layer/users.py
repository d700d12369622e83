"""People in a jurisdiction as staff manage them: creating users, listing
them, status and roles; and the first login with a PIN. Adding a person is
in ``people.py``; invitations in ``invitations.py``."""

from __future__ import annotations

from typing import Any

from chassis.errors import NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from identity.adapters import secrets
from identity.adapters.accounts import AccountRepository
from identity.adapters.repositories import (
    Accounts,
    MembershipRepository,
    Memberships,
)
from identity.domain.membership import Membership
from identity.domain.model import MembershipKind
from identity.service_layer.common import (
    Caller,
    Doc,
    Identity,
    audit,
    check_password,
    load_jurisdiction,
    normalize_answer,
    password_changed,
    require_staff,
)
from identity.service_layer.people import (
    Delivery,
    NewPerson,
    add_person,
    created_doc,
    revoke_sessions,
)


def _check_roles(kind: MembershipKind, roles: list[str]) -> None:
    if kind == "staff" and not roles:
        raise Unprocessable(
            "staff need at least one role", errors=[field_error("roles", "required")]
        )
    if kind != "staff" and roles:
        raise Unprocessable("only staff have roles", errors=[field_error("roles", "must be empty")])


async def create_user(
    idn: Identity,
    caller: Caller,
    jurisdiction_id: str,
    *,
    email: str,
    display_name: str,
    kind: MembershipKind,
    roles: list[str],
    delivery: Delivery,
) -> tuple[Doc, str | None]:
    require_staff(caller, jurisdiction_id, "admin")
    _check_roles(kind, roles)
    jurisdiction = await load_jurisdiction(idn.runtime.db, jurisdiction_id)
    person = NewPerson(
        email=email, display_name=display_name, kind=kind, roles=roles, delivery=delivery
    )

    issued: list[str] = []  # the PIN leaves by this, never in what a key's record keeps

    async def work(tx: Transaction) -> Doc:
        membership, pin = await add_person(idn, tx, jurisdiction, person, caller.account_id)
        what = {"actor": caller.account_id, "subject": membership.account_id, "kind": kind}
        await audit(tx, jurisdiction_id, "user_created", **what, roles=roles)
        issued[:] = [pin] if pin else []
        return created_doc(membership, pin)

    created = await idn.runtime.uow.run(work)
    return created["membership"], (issued[0] if issued else None)


async def list_users(
    idn: Identity,
    caller: Caller,
    jurisdiction_id: str,
    *,
    kind: str | None,
    status: str | None,
    email: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    """Staff, by email; contractors and community members by the start of
    their email (at least three characters) — there may be thousands of them,
    and reads stay flat."""
    require_staff(caller, jurisdiction_id, "admin")
    kind = kind or "staff"
    query: Doc = {"kind": kind}  # the status is applied to the bounded match here
    prefix = (email or "").strip().lower()
    if prefix:
        query["email"] = {"$gte": prefix, "$lt": prefix + "\uffff"}
    if kind != "staff" and len(prefix) < 3:
        msg = "give at least the first three characters of the person's email"
        raise Unprocessable(msg, errors=[field_error("email", msg)])
    bounded = "a jurisdiction's staff" if kind == "staff" else "the people one email start names"
    docs = await Memberships(idn.runtime.db, jurisdiction_id).find(query, bounded=bounded)
    found = sorted(
        (d for d in docs if status is None or d["status"] == status),
        key=lambda d: (d["email"], d["_id"]),
    )
    return found[offset : offset + limit], len(found)


async def get_user(idn: Identity, caller: Caller, jurisdiction_id: str, membership_id: str) -> Doc:
    require_staff(caller, jurisdiction_id, "admin")
    doc = await Memberships(idn.runtime.db, jurisdiction_id).find_one({"_id": membership_id})
    if doc is None:
        raise NotFound("no such user")
    return doc


async def update_user(
    idn: Identity,
    caller: Caller,
    jurisdiction_id: str,
    membership_id: str,
    *,
    status: str | None,
    roles: list[str] | None,
) -> Doc:
    """Disable or re-enable a person, or change a staff member's roles.

    Disabling revokes the person's sessions in this jurisdiction at once.
    """
    require_staff(caller, jurisdiction_id, "admin")
    changes = {k: v for k, v in (("status", status), ("roles", roles)) if v is not None}

    async def work(tx: Transaction) -> Doc:
        members = MembershipRepository(tx, jurisdiction_id)
        membership = await members.require(membership_id)
        others = await members.other_active_admins(membership_id)
        at, by = tx.clock.now(), caller.account_id
        if membership.change(status=status, roles=roles, other_active_admins=others, by=by, at=at):
            await members.save(membership)
            if membership.status == "disabled":
                await revoke_sessions(tx, membership)
            subject = membership.account_id
            await audit(tx, jurisdiction_id, "user_updated", actor=by, subject=subject, **changes)
        return MembershipRepository.to_doc(membership)

    return await idn.runtime.uow.run(work)


# -- first login with a PIN -----------------------------------------------------
NO_SETUP = "there is no first-login setup pending"


async def _pending_setup(idn: Identity, principal: Any) -> tuple[Doc, Membership]:
    """The account and the membership whose first-login PIN is still usable."""
    jurisdiction_id = principal.jurisdiction_id
    account = await Accounts(idn.runtime.db).by_id(principal.account_id)
    members = (
        MembershipRepository(idn.runtime.uow.reader(), jurisdiction_id) if jurisdiction_id else None
    )
    membership = await members.of_account(principal.account_id) if members else None
    if account is None or membership is None or not membership.pin_usable(idn.now):
        raise NotFound(NO_SETUP, slug="setup-not-pending")
    return account, membership


async def complete_setup(
    idn: Identity,
    principal: Any,
    *,
    new_password: str,
    security_question: str,
    security_answer: str,
) -> Doc:
    """R-ID-2: after a PIN login, set a password and a security question; the PIN dies."""
    from identity.service_layer.tokens import issue_tokens

    jurisdiction_id = principal.jurisdiction_id
    account, membership = await _pending_setup(idn, principal)
    jurisdiction = await load_jurisdiction(idn.runtime.db, jurisdiction_id)
    check_password(new_password, jurisdiction, account["email"], account.get("display_name", ""))
    password_hash = secrets.hash_password(new_password)
    answer_hash = secrets.hash_password(normalize_answer(security_answer))

    async def work(tx: Transaction) -> Doc:
        members = MembershipRepository(tx, jurisdiction_id)
        current = await members.get(membership.id)
        if current is None or current.pin_hash != membership.pin_hash:
            raise NotFound(NO_SETUP, slug="setup-not-pending")
        accounts = AccountRepository(tx)
        person = await accounts.change(
            account["_id"], lambda a: a.first_login(password_hash, security_question, answer_hash)
        )
        current.activate(at=tx.clock.now(), by=person.id)  # the PIN is spent
        await members.save(current)
        password_changed(tx, person, jurisdiction, "first_login")
        await audit(tx, jurisdiction_id, "pin_used", actor=person.id, subject=person.id)
        tokens_for = (accounts.to_doc(person), MembershipRepository.to_doc(current))
        return await issue_tokens(idn, tx, *tokens_for, jurisdiction_id)

    return await idn.runtime.uow.run(work)
