"""What every identity handler shares: the dependencies and account helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from chassis.app import ServiceRuntime
from chassis.errors import Unprocessable, field_error
from chassis.uow import Transaction
from contracts.identity import AccountActivated
from identity.adapters.jwt_keys import TokenSigner
from identity.adapters.repositories import (
    Accounts,
    Memberships,
)
from identity.domain.model import (
    MembershipKind,
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


def check_password(password: str, email: str) -> None:
    try:
        DEFAULT_POLICY.check(password, email=email)
    except PasswordRejected as exc:
        raise Unprocessable(
            str(exc), errors=[field_error("password", str(exc), f"password.{exc.rule}")]
        ) from exc


async def get_or_create_account(
    tx: Transaction,
    *,
    email: str,
    display_name: str,
    phone: str | None,
    password_hash: str | None,
    operator: bool = False,
) -> Doc:
    """The account of ``email``, created if there is none."""
    accounts = Accounts(tx.db, tx.session)
    account = await accounts.by_email(email)
    if account is None:
        account = {
            "_id": str(uuid4()),
            "email": email,
            "display_name": display_name,
            "phone": phone,
            "password_hash": password_hash,
            "operator": operator,
            "created_at": tx.clock.now(),
        }
        await accounts.insert(account)
    return account


async def get_or_create_membership(
    tx: Transaction, *, account: Doc, jurisdiction_id: str, kind: MembershipKind, roles: list[str]
) -> Doc:
    """The account's active membership in the jurisdiction, created (and
    announced with ``AccountActivated``) if there is none."""
    members = tx.repo(Memberships, jurisdiction_id)
    membership = await members.of_account(account["_id"])
    if membership is None:
        membership = {
            "_id": str(uuid4()),
            "account_id": account["_id"],
            "kind": kind,
            "status": "active",
            "roles": roles,
            "created_at": tx.clock.now(),
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
