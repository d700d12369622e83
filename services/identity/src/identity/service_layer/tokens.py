"""Login (with throttling and first-login PINs), refresh with rotation and
jurisdiction exchange, logout, and the caller's view of itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chassis.clock import as_utc
from chassis.errors import Unauthorized
from chassis.uow import Transaction
from identity.adapters import secrets
from identity.adapters.repositories import (
    Accounts,
    JurisdictionRegistry,
    Memberships,
    RefreshTokens,
)
from identity.domain.model import PLATFORM, normalize_email
from identity.domain.sessions import LoginAttempt, RefreshToken
from identity.domain.throttle import LoginKeys
from identity.service_layer.common import Caller, Doc, Identity, audit
from identity.service_layer.throttling import (
    check_throttle,
    known_pair,
    record_failure,
    record_success,
)

INVALID_LOGIN = "the email, password or jurisdiction is not right"


async def issue_tokens(
    idn: Identity,
    tx: Transaction,
    account: Doc,
    membership: Doc | None,
    jurisdiction_id: str | None,
    family_id: str | None = None,
) -> Doc:
    """An access token for the membership (none: the operator's platform
    token) and a new refresh token of the family (none: a new family)."""
    lifetime = timedelta(minutes=idn.settings.access_token_minutes)
    access = idn.signer.access_token(
        subject=account["_id"],
        email=account["email"],
        jurisdiction_id=jurisdiction_id,
        kind=membership["kind"] if membership else "operator",
        roles=list(membership.get("roles", [])) if membership else ["operator"],
        now=idn.now,
        lifetime=lifetime,
        company_ids=list(membership.get("company_ids", [])) if membership else [],
        version=int(account.get("token_version", 0)),
    )
    refresh = await _refresh_token(idn, tx, account, jurisdiction_id or PLATFORM, family_id)
    return _granted(access, lifetime, jurisdiction_id, refresh=refresh)


async def _refresh_token(
    idn: Identity, tx: Transaction, account: Doc, scope: str, family_id: str | None
) -> str:
    token = secrets.new_scoped_token(scope)
    record = RefreshToken.new(
        token_hash=secrets.token_hash(token),
        account_id=account["_id"],
        account_version=int(account.get("token_version", 0)),
        at=idn.now,
        lifetime=timedelta(days=idn.settings.refresh_token_days),
        family_id=family_id,
    )
    await tx.repo(RefreshTokens, scope).add(record)
    return token


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


def _setup_token(idn: Identity, account: Doc, membership: Doc, jurisdiction_id: str) -> Doc:
    """After a PIN login: good only for choosing a password and question (R-ID-2)."""
    lifetime = timedelta(minutes=idn.settings.setup_token_minutes)
    token = idn.signer.access_token(
        subject=account["_id"],
        email=account["email"],
        jurisdiction_id=jurisdiction_id,
        kind=membership["kind"],
        roles=[],
        now=idn.now,
        lifetime=lifetime,
        typ="setup",
        version=int(account.get("token_version", 0)),
    )
    return _granted(token, lifetime, jurisdiction_id, refresh=None)


def pin_usable(membership: Doc | None, now: datetime) -> bool:
    return bool(
        membership
        and membership.get("pin_hash")
        and membership.get("pin_expires_at")
        and now < as_utc(membership["pin_expires_at"])
    )


# -- login ------------------------------------------------------------------
async def login(
    idn: Identity, *, email: str, password: str, jurisdiction_id: str | None, client: str | None
) -> Doc:
    """Password grant. Unknown account and wrong password look and cost the same."""
    keys = LoginKeys.of(email, client)
    policy = idn.throttle
    await check_throttle(idn, keys.checked(policy, known_pair=await known_pair(idn, keys)))
    account, membership = await _account_and_membership(idn, email, jurisdiction_id)
    attempt = _attempt(idn, account, membership, jurisdiction_id, password)
    if not attempt.allowed:
        await record_failure(idn, keys.counted(policy), jurisdiction_id)
        raise Unauthorized(INVALID_LOGIN, slug="invalid-grant")
    assert account is not None
    await record_success(idn, keys)
    if attempt.pin_ok and membership is not None and jurisdiction_id is not None:
        return _setup_token(idn, account, membership, jurisdiction_id)

    async def work(tx: Transaction) -> Doc:
        return await issue_tokens(idn, tx, account, membership, jurisdiction_id)

    return await idn.runtime.uow.run(work)


async def _account_and_membership(
    idn: Identity, email: str, jurisdiction_id: str | None
) -> tuple[Doc | None, Doc | None]:
    db = idn.runtime.db
    account = await Accounts(db).by_email(normalize_email(email))
    if account is None or jurisdiction_id is None:
        return account, None
    return account, await Memberships(db, jurisdiction_id).of_account(account["_id"])


def _attempt(
    idn: Identity,
    account: Doc | None,
    membership: Doc | None,
    jurisdiction_id: str | None,
    password: str,
) -> LoginAttempt:
    """Both hashes are checked, found or not, so every failure costs the same."""
    password_ok = secrets.verify_password((account or {}).get("password_hash"), password)
    pin_ok = (
        not password_ok
        and pin_usable(membership, idn.now)
        and secrets.verify_password((membership or {}).get("pin_hash"), password)
    )
    return LoginAttempt(
        account_found=account is not None,
        operator=bool((account or {}).get("operator")),
        jurisdiction_id=jurisdiction_id,
        membership_status=(membership or {}).get("status"),
        password_ok=password_ok,
        pin_ok=pin_ok,
    )


# -- refresh, exchange, logout ------------------------------------------------
INVALID_REFRESH = "refresh token is not valid"


async def refresh(idn: Identity, *, refresh_token: str, jurisdiction_id: str | None = None) -> Doc:
    """Rotate a refresh token; with ``jurisdiction_id`` of another membership,
    exchange it for that jurisdiction's tokens instead (no password again)."""
    parts = secrets.split_scoped_token(refresh_token)
    if parts is None:
        raise Unauthorized(INVALID_REFRESH, slug="invalid-grant")
    current = None if parts[0] == PLATFORM else parts[0]
    exchange = jurisdiction_id is not None and jurisdiction_id != current
    target = jurisdiction_id if exchange else current

    async def work(tx: Transaction) -> Doc | None:
        tokens = tx.repo(RefreshTokens, parts[0])
        account, token = await _presented(tx, tokens, refresh_token)
        if account is None or token is None:
            return None
        membership = None
        if target is not None:
            membership = await tx.repo(Memberships, target).of_account(account["_id"])
            if membership is None or membership["status"] != "active":
                return None
        elif not account.get("operator"):
            return None
        if exchange:  # a new family in the other jurisdiction; this one lives on
            return await issue_tokens(idn, tx, account, membership, target)
        await tokens.mark_used(token, idn.now)
        return await issue_tokens(idn, tx, account, membership, target, token.family_id)

    result = await idn.runtime.uow.run(work)
    if result is None:
        raise Unauthorized(INVALID_REFRESH, slug="invalid-grant")
    return result


async def _presented(
    tx: Transaction, tokens: RefreshTokens, refresh_token: str
) -> tuple[Doc | None, RefreshToken | None]:
    """The refresh token and its account, if the token may still be used. A
    rotated token presented again revokes its whole family."""
    token = await tokens.by_hash(secrets.token_hash(refresh_token))
    if token is None or not token.live(tx.clock.now()):
        return None, None
    if token.reused:
        await tokens.revoke_family(token.family_id)
        jurisdiction_id = None if tokens.jurisdiction_id == PLATFORM else tokens.jurisdiction_id
        what = {"actor": token.account_id, "subject": token.family_id}
        await audit(tx, jurisdiction_id, "refresh_token_reuse", **what)
        return None, None
    account = await Accounts(tx.db, tx.session).by_id(token.account_id)
    if account is None or token.outlived(int(account.get("token_version", 0))):
        return None, None
    return account, token


async def logout(idn: Identity, *, refresh_token: str) -> None:
    """Revoke the refresh token's whole family. Unknown tokens are ignored (204 either way)."""
    parts = secrets.split_scoped_token(refresh_token)
    if parts is None:
        return

    async def work(tx: Transaction) -> None:
        tokens = tx.repo(RefreshTokens, parts[0])
        token = await tokens.by_hash(secrets.token_hash(refresh_token))
        if token is not None:
            await tokens.revoke_family(token.family_id)

    await idn.runtime.uow.run(work)


# -- the caller ---------------------------------------------------------------
async def load_caller(idn: Identity, principal: Any) -> Caller:
    """Check a verified token against current state: account, version, membership."""
    db = idn.runtime.db
    account = await Accounts(db).by_id(principal.account_id)
    if account is None or principal.token_version != account.get("token_version", 0):
        raise Unauthorized("this session has ended; log in again")
    membership = None
    if principal.jurisdiction_id is not None:
        membership = await Memberships(db, principal.jurisdiction_id).of_account(account["_id"])
        if membership is None or membership["status"] != "active":
            raise Unauthorized("membership is no longer active")
    elif not account.get("operator"):
        raise Unauthorized("token has no jurisdiction")
    return Caller(principal=principal, account=account, membership=membership)


async def me(idn: Identity, caller: Caller) -> Doc:
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
        "jurisdictions": [m["jurisdiction_id"] for m in await memberships(idn, caller)],
    }


async def memberships(idn: Identity, caller: Caller) -> list[Doc]:
    """Every active membership of the caller's account, with jurisdiction names.

    Deliberately account-scoped rather than tenant-scoped: a person may list
    their own memberships across jurisdictions.
    """
    db = idn.runtime.db
    cursor = db["memberships"].find({"account_id": caller.account_id, "status": "active"})
    out = []
    async for m in cursor:
        jurisdiction = await JurisdictionRegistry(db).get(m["jurisdiction_id"])
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
