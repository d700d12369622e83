"""People in a jurisdiction: staff-created users, PINs, status and roles
(invitations are in ``invitations.py``)."""

from __future__ import annotations

import secrets as pysecrets
from datetime import datetime, timedelta
from typing import Any, Literal

from chassis.errors import Conflict, NotFound, Unprocessable, field_error
from chassis.uow import Transaction
from contracts.identity import MembershipRevoked
from identity.adapters import secrets
from identity.adapters.repositories import (
    Accounts,
    MembershipRepository,
    Memberships,
    RefreshTokens,
)
from identity.domain.membership import Membership
from identity.domain.model import MembershipKind, normalize_email
from identity.service_layer.common import (
    Caller,
    Doc,
    Identity,
    audit,
    check_password,
    get_or_create_account,
    load_jurisdiction,
    normalize_answer,
    password_changed,
    require_staff,
)
from identity.service_layer.invitations import invite

Delivery = Literal["invitation", "pin"]


async def add_person(
    idn: Identity,
    tx: Transaction,
    *,
    jurisdiction: Doc,
    email: str,
    display_name: str,
    kind: MembershipKind,
    roles: list[str],
    delivery: Delivery,
    actor: str | None,
    company: Doc | None = None,
    company_admin: bool = False,
) -> tuple[Doc, str | None]:
    """Give a person a membership (and optionally a company); invite them if
    they have no Permitsuite login yet. Returns the membership and, for PIN
    delivery, the one-time PIN to hand over."""
    jid = jurisdiction["_id"]
    email = normalize_email(email)
    now = idn.now
    account = await get_or_create_account(
        tx, email=email, display_name=display_name, phone=None, password_hash=None
    )
    members = MembershipRepository(tx, jid)
    membership = await members.of_account(account["_id"])
    has_login = account.get("password_hash") is not None
    if membership is not None:
        _joinable(membership, email, kind, company)
        assert company is not None
        await _join(members, membership, company["_id"], company_admin, has_login, actor, now)
        return MembershipRepository.to_doc(membership), None
    membership = Membership.new(
        jurisdiction_id=jid,
        account_id=account["_id"],
        email=account["email"],
        display_name=account.get("display_name", ""),
        kind=kind,
        roles=roles,
        active=has_login,
        at=now,
        company_ids=[company["_id"]] if company else [],
        company_admin_of=[company["_id"]] if company and company_admin else [],
        announce_account=False,
    )
    pin = await _pin(idn, tx, membership, actor) if not has_login and delivery == "pin" else None
    await members.add(membership)
    if not has_login and delivery == "invitation":
        await invite(idn, tx, jurisdiction, membership, company)
    return MembershipRepository.to_doc(membership), pin


async def _pin(idn: Identity, tx: Transaction, membership: Membership, actor: str | None) -> str:
    """A one-time PIN for a first login without an email link (R-ID-1)."""
    pin = f"{pysecrets.randbelow(10**8):08d}"
    expires = tx.clock.now() + timedelta(days=idn.settings.pin_valid_days)
    membership.issue_pin(secrets.hash_password(pin), expires)
    jid = membership.jurisdiction_id
    await audit(tx, jid, "pin_issued", actor=actor, subject=membership.account_id)
    return pin


async def _join(
    members: MembershipRepository,
    membership: Membership,
    company_id: str,
    company_admin: bool,
    has_login: bool,
    actor: str | None,
    at: datetime,
) -> None:
    """An existing member becomes a company's user; one who can log in is active."""
    membership.join_company(company_id, admin=company_admin)
    if has_login and membership.status != "active":
        membership.activate(at=at, by=actor or "system", announce_account=False)
    await members.save(membership)


def _joinable(membership: Membership, email: str, kind: str, company: Doc | None) -> None:
    """An existing member is added to a company, nothing else."""
    if membership.kind != kind:
        raise Conflict(
            f"{email} already has a {membership.kind.replace('_', ' ')} membership here",
            slug="membership-exists",
        )
    if company is None:
        raise Conflict(f"{email} is already a member here", slug="membership-exists")
    if company["_id"] in membership.company_ids:
        raise Conflict(f"{email} is already an authorized user of this company")


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
    if kind == "staff" and not roles:
        raise Unprocessable(
            "staff need at least one role", errors=[field_error("roles", "required")]
        )
    if kind != "staff" and roles:
        raise Unprocessable("only staff have roles", errors=[field_error("roles", "must be empty")])
    jurisdiction = await load_jurisdiction(idn.runtime.db, jurisdiction_id)

    async def work(tx: Transaction) -> tuple[Doc, str | None]:
        result = await add_person(
            idn,
            tx,
            jurisdiction=jurisdiction,
            email=email,
            display_name=display_name,
            kind=kind,
            roles=roles,
            delivery=delivery,
            actor=caller.account_id,
        )
        await audit(
            tx,
            jurisdiction_id,
            "user_created",
            actor=caller.account_id,
            subject=result[0]["account_id"],
            kind=kind,
            roles=roles,
        )
        return result

    return await idn.runtime.uow.run(work)


async def list_users(
    idn: Identity,
    caller: Caller,
    jurisdiction_id: str,
    *,
    kind: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Doc], int]:
    require_staff(caller, jurisdiction_id, "admin")
    members = Memberships(idn.runtime.db, jurisdiction_id)
    query: Doc = {}
    if kind:
        query["kind"] = kind
    if status:
        query["status"] = status
    docs = await members.find(query, sort=[("email", 1)], skip=offset, limit=limit)
    return docs, await members.count(query)


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

    async def work(tx: Transaction) -> Doc:
        members = MembershipRepository(tx, jurisdiction_id)
        membership = await members.require(membership_id)
        changed = membership.change(
            status=status,
            roles=roles,
            other_active_admins=await members.other_active_admins(membership_id),
            by=caller.account_id,
            at=tx.clock.now(),
        )
        doc: Doc = MembershipRepository.to_doc(membership)
        if not changed:
            return doc
        await members.save(membership)
        if membership.status == "disabled" and status == "disabled":
            await revoke_sessions(tx, jurisdiction_id, doc, reason="disabled by staff")
        changes = {k: v for k, v in (("status", status), ("roles", roles)) if v is not None}
        await audit(
            tx,
            jurisdiction_id,
            "user_updated",
            actor=caller.account_id,
            subject=membership.account_id,
            **changes,
        )
        return doc

    return await idn.runtime.uow.run(work)


async def revoke_sessions(
    tx: Transaction, jurisdiction_id: str, membership: Doc, *, reason: str, announce: bool = True
) -> None:
    """Cut access: refresh tokens in this jurisdiction revoked now; access tokens
    then expire within their lifetime (identity itself refuses them at once).
    ``announce`` publishes ``MembershipRevoked`` (the membership was disabled)."""
    await tx.repo(RefreshTokens, jurisdiction_id).revoke_account(membership["account_id"])
    if not announce:
        return
    tx.emit(
        MembershipRevoked(
            membership_id=membership["_id"],
            account_id=membership["account_id"],
            jurisdiction_id=jurisdiction_id,
            email=membership["email"],
            reason=reason,
        ),
        jurisdiction_id=jurisdiction_id,
    )


# -- first login with a PIN -----------------------------------------------------
async def complete_setup(
    idn: Identity,
    principal: Any,
    *,
    new_password: str,
    security_question: str,
    security_answer: str,
) -> Doc:
    """R-ID-2: after a PIN login, set a password and a security question; the PIN dies."""
    from identity.service_layer.tokens import issue_tokens, pin_usable

    jid = principal.jurisdiction_id
    db = idn.runtime.db
    account = await Accounts(db).by_id(principal.account_id)
    membership = await Memberships(db, jid).of_account(principal.account_id) if jid else None
    if account is None or membership is None or not pin_usable(membership, idn.now):
        raise NotFound("there is no first-login setup pending", slug="setup-not-pending")
    jurisdiction = await load_jurisdiction(db, jid)
    check_password(new_password, jurisdiction, account["email"], account.get("display_name", ""))
    fields = {
        "password_hash": secrets.hash_password(new_password),
        "security_question": security_question,
        "security_answer_hash": secrets.hash_password(normalize_answer(security_answer)),
    }

    async def work(tx: Transaction) -> Doc:
        members = MembershipRepository(tx, jid)
        current = await members.get(membership["_id"])
        if current is None or current.pin_hash != membership["pin_hash"]:
            raise NotFound("there is no first-login setup pending", slug="setup-not-pending")
        await Accounts(tx.db, tx.session).update(account["_id"], fields)
        current.activate(at=tx.clock.now(), by=account["_id"])  # the PIN is spent
        await members.save(current)
        password_changed(tx, account, jurisdiction, "first_login")
        await audit(tx, jid, "pin_used", actor=account["_id"], subject=account["_id"])
        fresh = {**account, **fields}
        return await issue_tokens(idn, tx, fresh, MembershipRepository.to_doc(current), jid)

    return await idn.runtime.uow.run(work)
