"""Giving a person a membership (staff-created users, company users, a
jurisdiction's first admin, an accepted registrant), and cutting their
access again."""

from __future__ import annotations

import secrets as pysecrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal, cast

from chassis.errors import Conflict
from chassis.idempotency import IdempotentCall
from chassis.uow import Transaction
from identity.adapters import secrets
from identity.adapters.repositories import MembershipRepository, RefreshTokens
from identity.domain.account import Account
from identity.domain.company import Company
from identity.domain.membership import Membership
from identity.domain.model import MembershipKind, normalize_email
from identity.service_layer.common import Doc, Identity, audit, get_or_create_account
from identity.service_layer.invitations import invite

Delivery = Literal["invitation", "pin"]


@dataclass(frozen=True, kw_only=True)
class NewPerson:
    """Who is added, as what, and how they first log in (R-ID-1/2)."""

    email: str
    display_name: str
    kind: MembershipKind
    roles: list[str] = field(default_factory=list)
    delivery: Delivery = "invitation"
    company: Company | None = None
    company_admin: bool = False


async def add_person(
    idn: Identity, tx: Transaction, jurisdiction: Doc, person: NewPerson, actor: str | None
) -> tuple[Membership, str | None]:
    """Give a person a membership (or add an existing member to the company);
    invite them if they have no Permitsuite login yet. Returns the membership
    and, for PIN delivery, the one-time PIN to hand over."""
    account = await get_or_create_account(
        tx, email=normalize_email(person.email), display_name=person.display_name
    )
    has_login = account.has_login
    members = MembershipRepository(tx, jurisdiction["_id"])
    existing = await members.of_account(account.id)
    if existing is not None:
        await _join(members, existing, person, has_login, actor or "system", tx)
        return existing, None
    membership = _membership(jurisdiction["_id"], account, person, has_login, tx)
    pin = None
    if not has_login and person.delivery == "pin":
        pin = await _pin(idn, tx, membership, actor)
    await members.add(membership)
    if not has_login and person.delivery == "invitation":
        company_name = person.company.name if person.company else None
        await invite(idn, tx, jurisdiction, membership, company_name)
    return membership, pin


def _membership(
    jurisdiction_id: str, account: Account, person: NewPerson, has_login: bool, tx: Transaction
) -> Membership:
    company = person.company
    return Membership.new(
        jurisdiction_id=jurisdiction_id,
        account_id=account.id,
        email=account.email,
        display_name=account.display_name,
        kind=person.kind,
        roles=person.roles,
        active=has_login,
        at=tx.clock.now(),
        company_ids=[company.id] if company else [],
        company_admin_of=[company.id] if company and person.company_admin else [],
        announce_account=False,
    )


def created_doc(membership: Membership, pin: str | None) -> Doc:
    """What a person's creation commits as its answer (and an Idempotency-Key's
    record keeps): the membership and whether a PIN was issued, not the PIN."""
    return {"membership": MembershipRepository.to_doc(membership), "pin_issued": bool(pin)}


async def keyed_creation(
    idn: Identity,
    call: IdempotentCall,
    jurisdiction_id: str,
    actor: str | None,
    create: Callable[[], Awaitable[tuple[Doc, str | None]]],
) -> tuple[Doc, str | None]:
    """A person's creation under its request's Idempotency-Key: the first run
    answers the membership and its PIN; a replay answers the document the
    first run committed, through :func:`reissue_pin`."""
    made = await call.run(create)
    if not call.replayed:
        return made
    return await reissue_pin(idn, jurisdiction_id, cast(Doc, made), actor)


async def reissue_pin(
    idn: Identity, jurisdiction_id: str, created: Doc, actor: str | None
) -> tuple[Doc, str | None]:
    """A retried creation (its Idempotency-Key replayed) answers the person as
    they are now — and, if the first answer carried a PIN, a new one: the
    first is stored hashed only, so it cannot be shown again, and it stops
    working now. A PIN already used (the person has a login) is not renewed."""
    membership_doc: Doc = created["membership"]
    if not created.get("pin_issued"):
        return membership_doc, None

    async def work(tx: Transaction) -> tuple[Doc, str | None]:
        members = MembershipRepository(tx, jurisdiction_id)
        membership = await members.require(membership_doc["_id"])
        if membership.status != "invited" or membership.pin_hash is None:
            return MembershipRepository.to_doc(membership), None
        pin = await _pin(idn, tx, membership, actor)
        await members.save(membership)
        return MembershipRepository.to_doc(membership), pin

    result: tuple[Doc, str | None] = await idn.runtime.uow.run(work)
    return result


async def _pin(idn: Identity, tx: Transaction, membership: Membership, actor: str | None) -> str:
    """A one-time PIN for a first login without an email link (R-ID-1)."""
    pin = f"{pysecrets.randbelow(10**8):08d}"
    expires = tx.clock.now() + timedelta(days=idn.settings.pin_valid_days)
    membership.issue_pin(secrets.hash_password(pin), expires)
    jurisdiction_id = membership.jurisdiction_id
    await audit(tx, jurisdiction_id, "pin_issued", actor=actor, subject=membership.account_id)
    return pin


async def _join(
    members: MembershipRepository,
    membership: Membership,
    person: NewPerson,
    has_login: bool,
    actor: str,
    tx: Transaction,
) -> None:
    """An existing member is added to a company, nothing else; one who can log
    in is active."""
    company = person.company
    if membership.kind != person.kind:
        what = membership.kind.replace("_", " ")
        msg = f"{person.email} already has a {what} membership here"
        raise Conflict(msg, slug="membership-exists")
    if company is None:
        raise Conflict(f"{person.email} is already a member here", slug="membership-exists")
    if company.id in membership.company_ids:
        raise Conflict(f"{person.email} is already an authorized user of this company")
    membership.join_company(company.id, admin=person.company_admin)
    if has_login and membership.status != "active":
        membership.activate(at=tx.clock.now(), by=actor, announce_account=False)
    await members.save(membership)


async def revoke_sessions(tx: Transaction, membership: Membership) -> None:
    """Cut access: refresh tokens in this jurisdiction revoked now; access tokens
    then expire within their lifetime (identity itself refuses them at once)."""
    await tx.repo(RefreshTokens, membership.jurisdiction_id).revoke_account(membership.account_id)
