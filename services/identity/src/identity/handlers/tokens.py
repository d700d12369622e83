"""Login, token refresh with rotation, and the caller's profile."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from chassis.auth import Principal
from chassis.clock import as_utc
from chassis.errors import NotFound, Unauthorized
from chassis.uow import Transaction
from identity.adapters import secrets
from identity.adapters.repositories import (
    Accounts,
    Memberships,
    RefreshTokens,
    jurisdictions_of_account,
)
from identity.domain.model import (
    PLATFORM,
    normalize_email,
)
from identity.handlers.common import (
    Doc,
    Identity,
)

INVALID_LOGIN = "the email, password or jurisdiction is not right"


async def _issue_tokens(
    idn: Identity,
    tx: Transaction,
    account: Doc,
    jurisdiction_id: str | None,
    kind: str,
    roles: list[str],
    family_id: str | None = None,
) -> Doc:
    now = idn.now
    lifetime = timedelta(minutes=idn.settings.access_token_minutes)
    access = idn.signer.access_token(
        subject=account["_id"],
        email=account["email"],
        jurisdiction_id=jurisdiction_id,
        kind=kind,
        roles=roles,
        now=now,
        lifetime=lifetime,
    )
    scope = jurisdiction_id or PLATFORM
    refresh = secrets.new_scoped_token(scope)
    await tx.repo(RefreshTokens, scope).insert_one(
        {
            "_id": str(uuid4()),
            "token_hash": secrets.token_hash(refresh),
            "family_id": family_id or str(uuid4()),
            "account_id": account["_id"],
            "kind": kind,
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
    }


async def login(idn: Identity, *, email: str, password: str, jurisdiction_id: str | None) -> Doc:
    account = await Accounts(idn.runtime.db).by_email(normalize_email(email))
    ok = secrets.verify_password(account.get("password_hash") if account else None, password)
    if account is None or not ok:
        raise Unauthorized(INVALID_LOGIN, slug="invalid-grant")

    async def work(tx: Transaction) -> Doc:
        assert account is not None
        if jurisdiction_id is None:
            if not account.get("operator"):
                raise Unauthorized(INVALID_LOGIN, slug="invalid-grant")
            return await _issue_tokens(idn, tx, account, None, "operator", ["operator"])
        membership = await tx.repo(Memberships, jurisdiction_id).of_account(account["_id"])
        if membership is None or membership["status"] != "active":
            raise Unauthorized(INVALID_LOGIN, slug="invalid-grant")
        return await _issue_tokens(
            idn, tx, account, jurisdiction_id, membership["kind"], list(membership.get("roles", []))
        )

    return await idn.runtime.uow.run(work)


async def refresh(idn: Identity, *, refresh_token: str) -> Doc:
    parts = secrets.split_scoped_token(refresh_token)
    if parts is None:
        raise Unauthorized("refresh token is not valid", slug="invalid-grant")
    scope = parts[0]
    now = idn.now

    async def work(tx: Transaction) -> Doc | None:
        tokens = tx.repo(RefreshTokens, scope)
        doc = await tokens.find_one({"token_hash": secrets.token_hash(refresh_token)})
        if doc is None or doc["revoked"] or now >= as_utc(doc["expires_at"]):
            return None
        if doc["used_at"] is not None:
            # Reuse of a rotated token: someone else holds the family. Revoke it all.
            await tokens.update_many({"family_id": doc["family_id"]}, {"$set": {"revoked": True}})
            return None
        await tokens.update_one({"_id": doc["_id"]}, {"$set": {"used_at": now}})
        account = await Accounts(tx.db, tx.session).by_id(doc["account_id"])
        if account is None:
            return None
        if scope == PLATFORM:
            if not account.get("operator"):
                return None
            return await _issue_tokens(
                idn, tx, account, None, "operator", ["operator"], doc["family_id"]
            )
        membership = await tx.repo(Memberships, scope).of_account(account["_id"])
        if membership is None or membership["status"] != "active":
            return None
        return await _issue_tokens(
            idn,
            tx,
            account,
            scope,
            membership["kind"],
            list(membership.get("roles", [])),
            doc["family_id"],
        )

    result = await idn.runtime.uow.run(work)
    if result is None:
        raise Unauthorized("refresh token is not valid", slug="invalid-grant")
    return result


async def me(idn: Identity, principal: Principal) -> Doc:
    account = await Accounts(idn.runtime.db).by_id(principal.account_id)
    if account is None:
        raise NotFound("account not found")
    membership = None
    if principal.jurisdiction_id is not None:
        membership = await Memberships(idn.runtime.db, principal.jurisdiction_id).of_account(
            account["_id"]
        )
        if membership is None or membership["status"] != "active":
            raise Unauthorized("membership is no longer active")
    return {
        "account_id": account["_id"],
        "email": account["email"],
        "display_name": account.get("display_name", ""),
        "phone": account.get("phone"),
        "jurisdiction_id": principal.jurisdiction_id,
        "kind": principal.kind,
        "roles": list(membership.get("roles", [])) if membership else principal.roles,
        "jurisdictions": await jurisdictions_of_account(idn.runtime.db, account["_id"]),
    }
