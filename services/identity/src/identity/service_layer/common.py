"""What identity's handlers share: the caller and its access rules, password
rules, getting or creating an account and a membership."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from chassis import access
from chassis.auth import Principal
from chassis.refusals import Denied, Missing
from contracts.identity import PasswordChanged
from identity.domain import secrets
from identity.domain.account import Account
from identity.domain.errors import NotTheLogin, PasswordRefused
from identity.domain.membership import Membership
from identity.domain.model import MembershipKind
from identity.domain.passwords import PasswordRejected, policy_named
from identity.domain.throttle import LoginThrottlePolicy, ThrottlePolicy
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from identity.settings import IdentitySettings

Doc = dict[str, Any]
LINKS_PER_EMAIL_PER_HOUR = 5


@dataclass
class Caller:
    """The authenticated caller as identity sees it (token checked against the database)."""

    principal: Principal
    account: Doc
    membership: Doc | None

    @property
    def account_id(self) -> str:
        return str(self.account["_id"])

    @property
    def is_operator(self) -> bool:
        return bool(self.account.get("operator")) and self.principal.jurisdiction_id is None

    def checked(self) -> Principal:
        """The caller as the database knows them now, for the chassis' one
        access rule (:mod:`chassis.access`): the operator, or the kind and
        roles of their membership here (a role removed a moment ago is gone
        from identity at once, before the token expires); no membership is
        no jurisdiction."""
        if self.is_operator:
            return self.principal.model_copy(update={"kind": "operator", "jurisdiction_id": None})
        m = self.membership
        if m is None:
            return self.principal.model_copy(update={"jurisdiction_id": None, "roles": []})
        return self.principal.model_copy(
            update={"kind": m["kind"], "roles": list(m.get("roles", []))}
        )

    def is_staff(self, jurisdiction_id: str, *roles: str) -> bool:
        """Staff of this jurisdiction (with one of ``roles``, if given), or the operator."""
        try:
            require_staff(self, jurisdiction_id, *roles)
        except (Missing, Denied):
            return False
        return True


def require_jurisdiction_access(caller: Caller, jurisdiction_id: str) -> None:
    """Another tenant's objects do not exist for the caller: 404, never 403."""
    access.require_tenant(caller.checked(), jurisdiction_id)


def require_staff(caller: Caller, jurisdiction_id: str, *roles: str) -> None:
    access.require_staff(caller.checked(), jurisdiction_id, *roles)


def throttle_policy(s: IdentitySettings) -> LoginThrottlePolicy:
    """The login throttle's policy from the service's settings."""
    lockout = timedelta(minutes=s.login_lockout_minutes)
    return LoginThrottlePolicy(
        pair=ThrottlePolicy(
            free_failures=s.login_free_failures,
            lockout_after=s.login_lockout_after,
            lockout=lockout,
        ),
        account=ThrottlePolicy(
            free_failures=s.login_account_free_failures,
            max_delay=timedelta(seconds=s.login_account_max_delay_seconds),
            lockout_after=None,
        ),
        address=ThrottlePolicy(
            free_failures=s.login_address_free_failures,
            lockout_after=s.login_address_lockout_after,
            lockout=lockout,
        ),
        known_for=timedelta(days=s.login_known_address_days),
    )


def check_password(password: str, jurisdiction: Doc | None, *user_inputs: str) -> None:
    """The jurisdiction's password policy (R-ID-3): refused naming the rule broken."""
    policy = policy_named((jurisdiction or {}).get("password_policy"))
    try:
        policy.check(password, user_inputs=[u for u in user_inputs if u])
    except PasswordRejected as exc:
        raise PasswordRefused(str(exc), rule=exc.rule, policy=policy.describe()) from exc


def new_password_hash(
    existing: Account | None, password: str, jurisdiction: Doc, email: str, display_name: str
) -> str | None:
    """The hash to store for a new login, or None when the email already has a
    login — whose password must then be the one given (R-ID-1: one account per
    email, across jurisdictions)."""
    if existing is not None and existing.password_hash:
        if not secrets.verify_password(existing.password_hash, password):
            raise NotTheLogin()
        return None
    check_password(password, jurisdiction, email, display_name)
    return secrets.hash_password(password)


def normalize_answer(answer: str) -> str:
    """Security answers compare case- and space-insensitively."""
    return re.sub(r"\s+", " ", answer.strip().lower())


def answer_hash(question: str | None, answer: str | None) -> str | None:
    """The stored form of a security answer, when a question and answer were given."""
    if not (question and answer):
        return None
    return secrets.hash_password(normalize_answer(answer))


async def get_or_create_account(
    uow: IdentityUnitOfWork,
    *,
    email: str,
    display_name: str,
    phone: str | None = None,
    password_hash: str | None = None,
    operator: bool = False,
) -> Account:
    """The account of ``email``, created if there is none; given a password
    hash, it becomes the login of an account that has none yet."""
    accounts = uow.accounts
    account = await accounts.by_email(email)
    if account is None:
        account = Account.new(
            email=email,
            display_name=display_name,
            phone=phone,
            password_hash=password_hash,
            operator=operator,
            at=uow.now,
        )
        await accounts.add(account)
    elif account.first_password(password_hash):
        await accounts.save(account)
    return account


async def get_or_create_membership(
    uow: IdentityUnitOfWork, *, account: Account, kind: MembershipKind, roles: list[str]
) -> Membership:
    """The account's membership in the unit's jurisdiction, created active
    (and announced) if there is none."""
    membership = await uow.memberships.of_account(account.id)
    if membership is None:
        membership = Membership.new(
            jurisdiction_id=uow.jurisdiction_id,
            account_id=account.id,
            email=account.email,
            display_name=account.display_name,
            kind=kind,
            roles=roles,
            active=True,
            at=uow.now,
        )
        await uow.memberships.add(membership)
    return membership


def password_changed(
    uow: IdentityUnitOfWork,
    account: Account,
    jurisdiction: Doc,
    how: Literal["reset", "change", "first_login"],
) -> None:
    """Announce a new password (notifications tells the person)."""
    uow.elsewhere(jurisdiction["_id"]).emit(
        PasswordChanged(
            account_id=account.id,
            jurisdiction_id=jurisdiction["_id"],
            jurisdiction_name=jurisdiction["name"],
            email=account.email,
            changed_at=uow.now,
            how=how,
        )
    )
