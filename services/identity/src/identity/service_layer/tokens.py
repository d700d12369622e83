"""Login (with throttling and first-login PINs), refresh with rotation and
jurisdiction exchange, logout, and the caller's view of itself."""

from __future__ import annotations

from datetime import timedelta

from chassis.refusals import NotAuthenticated
from chassis.repository import plain_doc
from identity.domain import secrets
from identity.domain.account import Account
from identity.domain.membership import Membership
from identity.domain.model import PLATFORM, normalize_email
from identity.domain.sessions import LoginAttempt, RefreshToken
from identity.domain.throttle import LoginKeys
from identity.service_layer.commands import LoadCaller, Login, Logout, Refresh, ShowMe
from identity.service_layer.common import Caller, Doc, throttle_policy
from identity.service_layer.throttling import (
    check_throttle,
    known_pair,
    record_failure,
    record_success,
)
from identity.service_layer.unit_of_work import IdentityUnitOfWork

INVALID_LOGIN = "the email, password or jurisdiction is not right"
INVALID_REFRESH = "refresh token is not valid"


def _jurisdiction(uow: IdentityUnitOfWork) -> str | None:
    return None if uow.jurisdiction_id == PLATFORM else uow.jurisdiction_id


async def issue_tokens(
    uow: IdentityUnitOfWork,
    account: Account,
    membership: Membership | None,
    family_id: str | None = None,
) -> Doc:
    """An access token for the membership in the unit's jurisdiction (none:
    the operator's platform token) and a new refresh token of the family
    (none: a new family)."""
    jurisdiction_id = _jurisdiction(uow)
    lifetime = timedelta(minutes=uow.settings.access_token_minutes)
    access = uow.signer.access_token(
        subject=account.id,
        email=account.email,
        jurisdiction_id=jurisdiction_id,
        kind=membership.kind if membership else "operator",
        roles=list(membership.roles) if membership else ["operator"],
        now=uow.now,
        lifetime=lifetime,
        company_ids=list(membership.company_ids) if membership else [],
        version=account.token_version,
    )
    token = secrets.new_scoped_token(uow.jurisdiction_id)
    await uow.refresh_tokens.add(
        RefreshToken.new(
            token_hash=secrets.token_hash(token),
            account_id=account.id,
            account_version=account.token_version,
            at=uow.now,
            lifetime=timedelta(days=uow.settings.refresh_token_days),
            family_id=family_id,
        )
    )
    return _granted(access, lifetime, jurisdiction_id, refresh=token)


def _granted(
    access: str, lifetime: timedelta, jurisdiction_id: str | None, *, refresh: str | None
) -> Doc:
    return {
        "access_token": access,
        "token_type": "bearer" if refresh else "setup",
        "expires_in": int(lifetime.total_seconds()),
        "refresh_token": refresh,
        "jurisdiction_id": jurisdiction_id,
        "setup_required": refresh is None,
    }


def _setup_token(uow: IdentityUnitOfWork, account: Account, membership: Membership) -> Doc:
    """After a PIN login: good only for choosing a password and question (R-ID-2)."""
    lifetime = timedelta(minutes=uow.settings.setup_token_minutes)
    token = uow.signer.access_token(
        subject=account.id,
        email=account.email,
        jurisdiction_id=uow.jurisdiction_id,
        kind=membership.kind,
        roles=[],
        now=uow.now,
        lifetime=lifetime,
        typ="setup",
        version=account.token_version,
    )
    return _granted(token, lifetime, uow.jurisdiction_id, refresh=None)


# -- login ------------------------------------------------------------------
async def login(cmd: Login, uow: IdentityUnitOfWork) -> Doc:
    """Password grant. Unknown account and wrong password look and cost the
    same. Asked without a transaction (``units.ask``): a failure's count
    must persist though the answer is a 401, and each write is one document."""
    keys = LoginKeys.of(cmd.email, cmd.client)
    policy = throttle_policy(uow.settings)
    await check_throttle(uow, keys.checked(policy, known_pair=await known_pair(uow, keys, policy)))
    account = await uow.accounts.by_email(normalize_email(cmd.email))
    membership = None
    if account is not None and cmd.jurisdiction is not None:
        membership = await uow.memberships.of_account(account.id)
    attempt = _attempt(uow, account, membership, cmd)
    if not attempt.allowed:
        await record_failure(uow, keys.counted(policy))
        raise NotAuthenticated(INVALID_LOGIN, code="invalid-grant")
    assert account is not None
    await record_success(uow, keys)
    if attempt.pin_ok and membership is not None:
        return _setup_token(uow, account, membership)
    return await issue_tokens(uow, account, membership)


def _attempt(
    uow: IdentityUnitOfWork, account: Account | None, membership: Membership | None, cmd: Login
) -> LoginAttempt:
    """Both hashes are checked, found or not, so every failure costs the same."""
    password_ok = secrets.verify_password(account.password_hash if account else None, cmd.password)
    pin_ok = (
        not password_ok
        and membership is not None
        and membership.pin_usable(uow.now)
        and secrets.verify_password(membership.pin_hash, cmd.password)
    )
    return LoginAttempt(
        account_found=account is not None,
        operator=bool(account and account.operator),
        jurisdiction_id=cmd.jurisdiction,
        membership_status=membership.status if membership else None,
        password_ok=password_ok,
        pin_ok=pin_ok,
    )


# -- refresh, exchange, logout ------------------------------------------------
async def refresh(cmd: Refresh, uow: IdentityUnitOfWork) -> Doc | None:
    """Rotate a refresh token; with ``to_jurisdiction`` of another membership,
    exchange it for that jurisdiction's tokens instead (no password again).
    The unit is the token's scope. ``None``: refused (the route answers 401),
    with what the refusal changed committed (a reused token's family ends)."""
    current = _jurisdiction(uow)
    exchange = cmd.to_jurisdiction is not None and cmd.to_jurisdiction != current
    target = uow.elsewhere(cmd.to_jurisdiction) if cmd.to_jurisdiction and exchange else uow
    account, token = await _presented(uow, cmd.token)
    if account is None or token is None:
        return None
    membership = None
    if target.jurisdiction_id != PLATFORM:
        membership = await target.memberships.of_account(account.id)
        if membership is None or membership.status != "active":
            return None
    elif not account.operator:
        return None
    if exchange:  # a new family in the other jurisdiction; this one lives on
        return await issue_tokens(target, account, membership)
    await uow.refresh_tokens.mark_used(token, uow.now)
    return await issue_tokens(uow, account, membership, token.family_id)


async def _presented(
    uow: IdentityUnitOfWork, refresh_token: str
) -> tuple[Account | None, RefreshToken | None]:
    """The refresh token and its account, if the token may still be used. A
    rotated token presented again revokes its whole family."""
    if secrets.split_scoped_token(refresh_token) is None:
        return None, None
    token = await uow.refresh_tokens.by_hash(secrets.token_hash(refresh_token))
    if token is None or not token.live(uow.now):
        return None, None
    if token.reused:
        await uow.refresh_tokens.revoke_family(token.family_id)
        what = {"actor": token.account_id, "subject": token.family_id}
        await uow.audit.record("refresh_token_reuse", **what)
        return None, None
    account = await uow.accounts.get(token.account_id)
    if account is None or token.outlived(account.token_version):
        return None, None
    return account, token


async def logout(cmd: Logout, uow: IdentityUnitOfWork) -> None:
    """Revoke the refresh token's whole family. Unknown tokens are ignored (204 either way)."""
    if secrets.split_scoped_token(cmd.token) is None:
        return
    token = await uow.refresh_tokens.by_hash(secrets.token_hash(cmd.token))
    if token is not None:
        await uow.refresh_tokens.revoke_family(token.family_id)


# -- the caller ---------------------------------------------------------------
async def load_caller(query: LoadCaller, uow: IdentityUnitOfWork) -> Caller:
    """Check a verified token against current state: account, version, membership."""
    principal = query.principal
    account = await uow.accounts.get(principal.account_id)
    if account is None or principal.token_version != account.token_version:
        raise NotAuthenticated("this session has ended; log in again")
    membership = None
    if principal.jurisdiction_id is not None:
        membership = await uow.memberships.of_account(account.id)
        if membership is None or membership.status != "active":
            raise NotAuthenticated("membership is no longer active")
    elif not account.operator:
        raise NotAuthenticated("token has no jurisdiction")
    return Caller(
        principal=principal,
        account=account.as_doc(),
        membership=plain_doc(membership) if membership else None,
    )


async def me(query: ShowMe, uow: IdentityUnitOfWork) -> Doc:
    caller = query.caller
    account, membership = caller.account, caller.membership
    return {
        "account_id": account["_id"],
        "email": account["email"],
        "display_name": account.get("display_name", ""),
        "phone": account.get("phone"),
        "security_question": account.get("security_question"),
        "jurisdiction_id": caller.principal.jurisdiction_id,
        "kind": membership["kind"] if membership else "operator",
        "roles": list(membership.get("roles", [])) if membership else ["operator"],
        "company_ids": list(membership.get("company_ids", [])) if membership else [],
        "company_admin_of": list(membership.get("company_admin_of", [])) if membership else [],
        "jurisdictions": [m["jurisdiction_id"] for m in await memberships(query, uow)],
    }


async def memberships(query: ShowMe, uow: IdentityUnitOfWork) -> list[Doc]:
    """Every active membership of the caller's account, with jurisdiction names
    (account-scoped on purpose: a person may list their own)."""
    out = []
    for m in await uow.accounts.active_memberships(query.caller.account_id):
        jurisdiction = await uow.jurisdictions.get(m["jurisdiction_id"])
        out.append(
            {
                "jurisdiction_id": m["jurisdiction_id"],
                "jurisdiction_name": (jurisdiction or {}).get("name", m["jurisdiction_id"]),
                "kind": m["kind"],
                "roles": list(m.get("roles", [])),
                "company_ids": list(m.get("company_ids", [])),
            }
        )
    return sorted(out, key=lambda m: m["jurisdiction_id"])
