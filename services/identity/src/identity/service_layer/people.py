"""Giving a person a membership (staff-created users, company users, a
jurisdiction's first admin, an accepted registrant), and cutting their
access again."""

from __future__ import annotations

import secrets as pysecrets
from dataclasses import dataclass, field
from datetime import timedelta

from chassis.refusals import Conflicting
from chassis.repository import plain_doc
from identity.domain import secrets
from identity.domain.account import Account
from identity.domain.company import Company
from identity.domain.membership import Membership
from identity.domain.model import MembershipKind, normalize_email
from identity.service_layer.commands import Delivery, ReissuePin
from identity.service_layer.common import Doc, get_or_create_account, require_staff
from identity.service_layer.invitations import invite
from identity.service_layer.unit_of_work import IdentityUnitOfWork


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
    uow: IdentityUnitOfWork, jurisdiction: Doc, person: NewPerson, actor: str | None
) -> tuple[Membership, str | None]:
    """Give a person a membership in the unit's jurisdiction (or add an
    existing member to the company); invite them if they have no Permitsuite
    login yet. Returns the membership and, for PIN delivery, the one-time PIN
    to hand over."""
    account = await get_or_create_account(
        uow, email=normalize_email(person.email), display_name=person.display_name
    )
    has_login = account.has_login
    existing = await uow.memberships.of_account(account.id)
    if existing is not None:
        await _join(uow, existing, person, has_login, actor or "system")
        return existing, None
    membership = _membership(uow, account, person, has_login)
    pin = None
    if not has_login and person.delivery == "pin":
        pin = await _pin(uow, membership, actor)
    await uow.memberships.add(membership)
    if not has_login and person.delivery == "invitation":
        company_name = person.company.name if person.company else None
        await invite(uow, jurisdiction, membership, company_name)
    return membership, pin


def _membership(
    uow: IdentityUnitOfWork, account: Account, person: NewPerson, has_login: bool
) -> Membership:
    company = person.company
    return Membership.new(
        jurisdiction_id=uow.jurisdiction_id,
        account_id=account.id,
        email=account.email,
        display_name=account.display_name,
        kind=person.kind,
        roles=person.roles,
        active=has_login,
        at=uow.now,
        company_ids=[company.id] if company else [],
        company_admin_of=[company.id] if company and person.company_admin else [],
        announce_account=False,
    )


def created_doc(membership: Membership, pin: str | None) -> Doc:
    """What a person's creation commits as its answer (and an Idempotency-Key's
    record keeps): the membership and whether a PIN was issued, not the PIN."""
    return {"membership": plain_doc(membership), "pin_issued": bool(pin)}


async def reissue_pin(cmd: ReissuePin, uow: IdentityUnitOfWork) -> tuple[Doc, str | None]:
    """A retried creation (its Idempotency-Key replayed) answers the person as
    they are now — and, since the first answer carried a PIN, a new one: the
    first is stored hashed only, so it cannot be shown again, and it stops
    working now. A PIN already used (the person has a login) is not renewed."""
    require_staff(cmd.caller, uow.jurisdiction_id)
    membership = await uow.memberships.require(cmd.membership_id)
    if membership.status != "invited" or membership.pin_hash is None:
        return plain_doc(membership), None
    pin = await _pin(uow, membership, cmd.caller.account_id)
    await uow.memberships.save(membership)
    return plain_doc(membership), pin


async def _pin(uow: IdentityUnitOfWork, membership: Membership, actor: str | None) -> str:
    """A one-time PIN for a first login without an email link (R-ID-1)."""
    pin = f"{pysecrets.randbelow(10**8):08d}"
    expires = uow.now + timedelta(days=uow.settings.pin_valid_days)
    membership.issue_pin(secrets.hash_password(pin), expires)
    await uow.audit.record("pin_issued", actor=actor, subject=membership.account_id)
    return pin


async def _join(
    uow: IdentityUnitOfWork,
    membership: Membership,
    person: NewPerson,
    has_login: bool,
    actor: str,
) -> None:
    """An existing member is added to a company, nothing else; one who can log
    in is active."""
    company = person.company
    if membership.kind != person.kind:
        what = membership.kind.replace("_", " ")
        msg = f"{person.email} already has a {what} membership here"
        raise Conflicting(msg, code="membership-exists")
    if company is None:
        raise Conflicting(f"{person.email} is already a member here", code="membership-exists")
    if company.id in membership.company_ids:
        raise Conflicting(f"{person.email} is already an authorized user of this company")
    membership.join_company(company.id, admin=person.company_admin)
    if has_login and membership.status != "active":
        membership.activate(at=uow.now, by=actor, announce_account=False)
    await uow.memberships.save(membership)


async def revoke_sessions(uow: IdentityUnitOfWork, membership: Membership) -> None:
    """Cut access: refresh tokens in this jurisdiction revoked now; access tokens
    then expire within their lifetime (identity itself refuses them at once)."""
    await uow.refresh_tokens.revoke_account(membership.account_id)
