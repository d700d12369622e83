"""Login (with throttling and first-login PINs), refresh with rotation and
jurisdiction exchange, logout, and the caller's view of itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

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
from identity.domain.model import PLATFORM
from identity.domain.throttle import (
    LoginKeys,
)
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
    now = idn.now
    lifetime = timedelta(minutes=idn.settings.access_token_minutes)
    kind = membership["kind"] if membership else "operator"
    roles = list(membership.get("roles", [])) if membership else ["operator"]
    version = int(account.get("token_version", 0))
    access = idn.signer.access_token(
        subject=account["_id"],
        email=account["email"],
        jurisdiction_id=jurisdiction_id,
        kind=kind,
        roles=roles,
        now=now,
        lifetime=lifetime,
        company_ids=list(membership.get("company_ids", [])) if membership else [],
        version=version,
    )
    scope = jurisdiction_id or PLATFORM
    refresh = secrets.new_scoped_token(scope)
    await tx.repo(RefreshTokens, scope).insert_one(
        {
            "_id": str(uuid4()),
            "token_hash": secrets.token_hash(refresh),
            "family_id": family_id or str(uuid4()),
            "account_id": account["_id"],
            "account_version": version,
            "created_at": now,
            "expires_at": now + timedelta(days=idn.settings.refresh_token_days),
            "used_at": None,
            "revoked": False,
        }
    )
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": int(lifetime.total_seconds()),
        "refresh_token": refresh,
        "jurisdiction_id": jurisdiction_id,
        "setup_required": False,
    }


def _setup_token(idn: Identity, account: Doc, membership: Doc, jurisdiction_id: str) -> Doc:
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
    return {
        "access_token": token,
        "token_type": "setup",
        "expires_in": int(lifetime.total_seconds()),
        "refresh_token": None,
        "jurisdiction_id": jurisdiction_id,
        "setup_required": True,
    }


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
    db = idn.runtime.db
    account = await Accounts(db).by_email(email.strip().lower())
    membership = None
    if account is not None and jurisdiction_id is not None:
        membership = await Memberships(db, jurisdiction_id).of_account(account["_id"])
    password_ok = secrets.verify_password(
        account.get("password_hash") if account else None, password
    )
    pin_ok = (
        not password_ok
        and pin_usable(membership, idn.now)
        and secrets.verify_password(membership["pin_hash"] if membership else None, password)
    )
    if account is None:
        allowed = False
    elif jurisdiction_id is None:
        allowed = password_ok and bool(account.get("operator"))
    elif membership is None:
        allowed = False
    elif pin_ok:
        allowed = membership["status"] in ("invited", "active")
    else:
        allowed = password_ok and membership["status"] == "active"
    if not allowed:
        await record_failure(idn, keys.counted(policy), jurisdiction_id)
        raise Unauthorized(INVALID_LOGIN, slug="invalid-grant")
    assert account is not None
    await record_success(idn, keys)
    if pin_ok:
        assert membership is not None and jurisdiction_id is not None
        return _setup_token(idn, account, membership, jurisdiction_id)

    async def work(tx: Transaction) -> Doc:
        return await issue_tokens(idn, tx, account, membership, jurisdiction_id)

    return await idn.runtime.uow.run(work)


# -- refresh, exchange, logout ------------------------------------------------
async def refresh(idn: Identity, *, refresh_token: str, jurisdiction_id: str | None = None) -> Doc:
    """Rotate a refresh token; with ``jurisdiction_id`` of another membership,
    exchange it for that jurisdiction's tokens instead (no password again)."""
    parts = secrets.split_scoped_token(refresh_token)
    if parts is None:
        raise Unauthorized("refresh token is not valid", slug="invalid-grant")
    scope = parts[0]
    now = idn.now
    exchange = jurisdiction_id is not None and jurisdiction_id != (
        None if scope == PLATFORM else scope
    )

    async def work(tx: Transaction) -> Doc | None:
        tokens = tx.repo(RefreshTokens, scope)
        doc = await tokens.find_one({"token_hash": secrets.token_hash(refresh_token)})
        if doc is None or doc["revoked"] or now >= as_utc(doc["expires_at"]):
            return None
        if doc["used_at"] is not None:
            # Reuse of a rotated token: someone else holds the family. Revoke it all.
            await tokens.update_many({"family_id": doc["family_id"]}, {"$set": {"revoked": True}})
            await audit(
                tx,
                None if scope == PLATFORM else scope,
                "refresh_token_reuse",
                actor=doc["account_id"],
                subject=doc["family_id"],
            )
            return None
        account = await Accounts(tx.db, tx.session).by_id(doc["account_id"])
        if account is None or doc.get("account_version", 0) != account.get("token_version", 0):
            return None  # password reset or change since: every session ended
        target = jurisdiction_id if exchange else (None if scope == PLATFORM else scope)
        if target is None:
            return await _operator_tokens(idn, tx, account, tokens, doc)
        membership = await tx.repo(Memberships, target).of_account(account["_id"])
        if membership is None or membership["status"] != "active":
            return None
        if exchange:
            return await issue_tokens(idn, tx, account, membership, target)
        await tokens.update_one({"_id": doc["_id"]}, {"$set": {"used_at": now}})
        return await issue_tokens(idn, tx, account, membership, target, doc["family_id"])

    result = await idn.runtime.uow.run(work)
    if result is None:
        raise Unauthorized("refresh token is not valid", slug="invalid-grant")
    return result


async def _operator_tokens(
    idn: Identity, tx: Transaction, account: Doc, tokens: RefreshTokens, doc: Doc
) -> Doc | None:
    if not account.get("operator"):
        return None
    await tokens.update_one({"_id": doc["_id"]}, {"$set": {"used_at": idn.now}})
    return await issue_tokens(idn, tx, account, None, None, doc["family_id"])


async def logout(idn: Identity, *, refresh_token: str) -> None:
    """Revoke the refresh token's whole family. Unknown tokens are ignored (204 either way)."""
    parts = secrets.split_scoped_token(refresh_token)
    if parts is None:
        return

    async def work(tx: Transaction) -> None:
        tokens = tx.repo(RefreshTokens, parts[0])
        doc = await tokens.find_one({"token_hash": secrets.token_hash(refresh_token)})
        if doc is not None:
            await tokens.update_many({"family_id": doc["family_id"]}, {"$set": {"revoked": True}})

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
