"""Identity use cases: one short async function each (load, decide, save)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import uuid4

from chassis.app import ServiceRuntime
from chassis.auth import Principal
from chassis.clock import as_utc, zone
from chassis.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable, field_error
from chassis.uow import Transaction
from contracts.identity import AccountActivated, EmailVerificationRequested, JurisdictionCreated
from identity.adapters import secrets
from identity.adapters.jwt_keys import TokenSigner
from identity.adapters.repositories import (
    Accounts,
    Enrollments,
    JurisdictionRegistry,
    Memberships,
    RefreshTokens,
    jurisdictions_of_account,
)
from identity.domain.model import (
    PLATFORM,
    SLUG,
    EnrollmentKind,
    JurisdictionFeatures,
    MembershipKind,
    enrollment_expiry,
    normalize_email,
)
from identity.domain.passwords import DEFAULT_POLICY, PasswordRejected
from identity.settings import IdentitySettings

Doc = dict[str, Any]
ENROLLMENTS_PER_EMAIL_PER_HOUR = 5


@dataclass
class Identity:
    """Everything the handlers need, built once in bootstrap."""

    runtime: ServiceRuntime
    settings: IdentitySettings
    signer: TokenSigner

    @property
    def now(self) -> Any:
        return self.runtime.clock.now()


def _check_password(password: str, email: str) -> None:
    try:
        DEFAULT_POLICY.check(password, email=email)
    except PasswordRejected as exc:
        raise Unprocessable(
            str(exc), errors=[field_error("password", str(exc), f"password.{exc.rule}")]
        ) from exc


# -- jurisdictions ---------------------------------------------------------
async def create_jurisdiction(
    idn: Identity,
    *,
    jurisdiction_id: str,
    name: str,
    time_zone: str,
    features: JurisdictionFeatures,
) -> Doc:
    if not SLUG.match(jurisdiction_id):
        raise Unprocessable(
            "jurisdiction id must be a lowercase slug",
            errors=[field_error("id", "lowercase letters, digits and dashes, 1-40 characters")],
        )
    try:
        zone(time_zone)
    except ValueError as exc:
        raise Unprocessable(str(exc), errors=[field_error("time_zone", str(exc))]) from exc
    doc = {
        "_id": jurisdiction_id,
        "name": name,
        "time_zone": time_zone,
        "features": features.__dict__,
        "created_at": idn.now,
    }

    async def work(tx: Transaction) -> None:
        registry = JurisdictionRegistry(tx.db, tx.session)
        if await registry.get(jurisdiction_id) is not None:
            raise Conflict(f"jurisdiction {jurisdiction_id!r} already exists")
        await registry.insert(doc)
        tx.emit(
            JurisdictionCreated(jurisdiction_id=jurisdiction_id, name=name, time_zone=time_zone),
            jurisdiction_id=jurisdiction_id,
        )

    await idn.runtime.uow.run(work)
    return doc


async def get_jurisdiction(idn: Identity, jurisdiction_id: str) -> Doc:
    doc = await JurisdictionRegistry(idn.runtime.db).get(jurisdiction_id)
    if doc is None:
        raise NotFound(f"no jurisdiction {jurisdiction_id!r}")
    return doc


# -- enrollment (R-ID-1) ---------------------------------------------------
async def request_enrollment(
    idn: Identity, *, jurisdiction_id: str, email: str, kind: EnrollmentKind
) -> None:
    """Always ends in 202 for an existing jurisdiction: no account enumeration."""
    jurisdiction = await get_jurisdiction(idn, jurisdiction_id)
    features = JurisdictionFeatures(**jurisdiction.get("features", {}))
    if not features.allows_enrollment(kind):
        raise Forbidden(
            f"{jurisdiction['name']} does not offer online {kind.replace('_', ' ')} enrollment",
            slug="enrollment-disabled",
        )
    email = normalize_email(email)
    now = idn.now

    async def work(tx: Transaction) -> None:
        account = await Accounts(tx.db, tx.session).by_email(email)
        members = tx.repo(Memberships, jurisdiction_id)
        if account and await members.find_one({"account_id": account["_id"], "status": "active"}):
            return  # already a member: say nothing different
        enrollments = tx.repo(Enrollments, jurisdiction_id)
        recent = await enrollments.count(
            {"email": email, "created_at": {"$gt": now - timedelta(hours=1)}}
        )
        if recent >= ENROLLMENTS_PER_EMAIL_PER_HOUR:
            return  # throttle link requests per address (mail bombing)
        token = secrets.new_scoped_token(jurisdiction_id)
        expires = enrollment_expiry(now, idn.settings.enrollment_link_hours)
        enrollment_id = str(uuid4())
        await enrollments.insert_one(
            {
                "_id": enrollment_id,
                "email": email,
                "kind": kind,
                "token_hash": secrets.token_hash(token),
                "created_at": now,
                "expires_at": expires,
                "used_at": None,
            }
        )
        tx.emit(
            EmailVerificationRequested(
                enrollment_id=enrollment_id,
                jurisdiction_id=jurisdiction_id,
                jurisdiction_name=jurisdiction["name"],
                email=email,
                kind=kind,
                token=token,
                expires_at=expires,
            ),
            jurisdiction_id=jurisdiction_id,
        )

    await idn.runtime.uow.run(work)


async def _usable_enrollment(idn: Identity, tx: Transaction | None, token: str) -> Doc:
    parts = secrets.split_scoped_token(token)
    if parts is None:
        raise NotFound("this confirmation link is unknown, used or expired", slug="link-not-usable")
    jurisdiction_id, _ = parts
    repo = (
        tx.repo(Enrollments, jurisdiction_id)
        if tx
        else Enrollments(idn.runtime.db, jurisdiction_id)
    )
    doc = await repo.find_one({"token_hash": secrets.token_hash(token)})
    if doc is None or doc.get("used_at") is not None or idn.now >= as_utc(doc["expires_at"]):
        raise NotFound("this confirmation link is unknown, used or expired", slug="link-not-usable")
    return doc


async def describe_enrollment(idn: Identity, token: str) -> Doc:
    doc = await _usable_enrollment(idn, None, token)
    jurisdiction = await get_jurisdiction(idn, doc["jurisdiction_id"])
    account = await Accounts(idn.runtime.db).by_email(doc["email"])
    return {
        "email": doc["email"],
        "kind": doc["kind"],
        "jurisdiction_id": doc["jurisdiction_id"],
        "jurisdiction_name": jurisdiction["name"],
        "expires_at": as_utc(doc["expires_at"]),
        "existing_account": account is not None,
    }


async def complete_enrollment(
    idn: Identity, *, token: str, display_name: str, password: str, phone: str | None
) -> Doc:
    preview = await _usable_enrollment(idn, None, token)
    email = preview["email"]
    existing = await Accounts(idn.runtime.db).by_email(email)
    if existing is None:
        _check_password(password, email)
        password_hash: str | None = secrets.hash_password(password)
    else:
        if not secrets.verify_password(existing.get("password_hash"), password):
            msg = "this email already has a Permitsuite account: enter that account's password"
            raise Unprocessable(msg, errors=[field_error("password", msg, "password.existing")])
        password_hash = None
    now = idn.now

    async def work(tx: Transaction) -> Doc:
        enrollment = await _usable_enrollment(idn, tx, token)  # re-read: single use under races
        jid = enrollment["jurisdiction_id"]
        accounts = Accounts(tx.db, tx.session)
        account = await accounts.by_email(email)
        if account is None:
            account = {
                "_id": str(uuid4()),
                "email": email,
                "display_name": display_name,
                "phone": phone,
                "password_hash": password_hash,
                "operator": False,
                "created_at": now,
            }
            await accounts.insert(account)
        members = tx.repo(Memberships, jid)
        membership = await members.of_account(account["_id"])
        if membership is None:
            membership = {
                "_id": str(uuid4()),
                "account_id": account["_id"],
                "kind": enrollment["kind"],
                "status": "active",
                "roles": [],
                "created_at": now,
            }
            await members.insert_one(membership)
        await tx.repo(Enrollments, jid).update_one(
            {"_id": enrollment["_id"], "used_at": None}, {"$set": {"used_at": now}}
        )
        tx.emit(
            AccountActivated(
                account_id=account["_id"],
                membership_id=membership["_id"],
                jurisdiction_id=jid,
                email=email,
                kind=membership["kind"],
                display_name=account["display_name"],
            ),
            jurisdiction_id=jid,
        )
        return {"account": account, "membership": {**membership, "jurisdiction_id": jid}}

    return await idn.runtime.uow.run(work)


# -- tokens ----------------------------------------------------------------
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


# -- administration used by the CLI (bootstrap and demo seeding) -------------
async def ensure_account(
    idn: Identity, *, email: str, password: str, display_name: str, operator: bool = False
) -> Doc:
    email = normalize_email(email)
    _check_password(password, email)
    password_hash = secrets.hash_password(password)

    async def work(tx: Transaction) -> Doc:
        accounts = Accounts(tx.db, tx.session)
        account = await accounts.by_email(email)
        if account is None:
            account = {
                "_id": str(uuid4()),
                "email": email,
                "display_name": display_name,
                "phone": None,
                "password_hash": password_hash,
                "operator": operator,
                "created_at": idn.now,
            }
            await accounts.insert(account)
        return account

    return await idn.runtime.uow.run(work)


async def ensure_membership(
    idn: Identity, *, account: Doc, jurisdiction_id: str, kind: MembershipKind, roles: list[str]
) -> Doc:
    async def work(tx: Transaction) -> Doc:
        members = tx.repo(Memberships, jurisdiction_id)
        membership = await members.of_account(account["_id"])
        if membership is None:
            membership = {
                "_id": str(uuid4()),
                "account_id": account["_id"],
                "kind": kind,
                "status": "active",
                "roles": roles,
                "created_at": idn.now,
            }
            await members.insert_one(membership)
            tx.emit(
                AccountActivated(
                    account_id=account["_id"],
                    membership_id=membership["_id"],
                    jurisdiction_id=jurisdiction_id,
                    email=account["email"],
                    kind=kind,
                    display_name=account["display_name"],
                ),
                jurisdiction_id=jurisdiction_id,
            )
        return membership

    return await idn.runtime.uow.run(work)
