"""The caller's own profile (R-ID-5): details, password, security question."""

from __future__ import annotations

from identity.domain import secrets
from identity.domain.errors import WrongSecret
from identity.service_layer.commands import ChangePassword, ChangeSecurityQuestion, UpdateProfile
from identity.service_layer.common import Doc, check_password, normalize_answer, password_changed
from identity.service_layer.tokens import issue_tokens
from identity.service_layer.unit_of_work import IdentityUnitOfWork


async def update_profile(cmd: UpdateProfile, uow: IdentityUnitOfWork) -> None:
    if not cmd.fields:
        return
    account_id = cmd.caller.account_id
    await uow.accounts.change(account_id, lambda a: a.update_profile(cmd.fields))
    if "display_name" in cmd.fields:
        await uow.accounts.rename_memberships(account_id, cmd.fields["display_name"])


async def change_password(cmd: ChangePassword, uow: IdentityUnitOfWork) -> Doc:
    """Needs the current password; ends every other session; returns fresh tokens."""
    account = await uow.accounts.require(cmd.caller.account_id)
    if not secrets.verify_password(account.password_hash, cmd.current_password):
        raise WrongSecret("current_password", "the current password is not right")
    in_jurisdiction = cmd.caller.principal.jurisdiction_id is not None
    jurisdiction = await uow.jurisdictions.require() if in_jurisdiction else None
    check_password(cmd.new_password, jurisdiction, account.email, account.display_name)
    account.change_password(secrets.hash_password(cmd.new_password))  # other sessions end
    await uow.accounts.save(account)
    if jurisdiction is not None:
        password_changed(uow, account, jurisdiction, "change")
    await uow.audit.record("password_changed", actor=account.id, subject=account.id)
    membership = await uow.memberships.of_account(account.id) if in_jurisdiction else None
    return await issue_tokens(uow, account, membership)


async def change_security_question(cmd: ChangeSecurityQuestion, uow: IdentityUnitOfWork) -> None:
    """Changing the question needs the current answer (when there is one)."""
    account = await uow.accounts.require(cmd.caller.account_id)
    if account.security_answer_hash and not secrets.verify_password(
        account.security_answer_hash, normalize_answer(cmd.current_answer or "")
    ):
        raise WrongSecret("current_answer", "the current answer is not right")
    account.set_security_question(cmd.question, secrets.hash_password(normalize_answer(cmd.answer)))
    await uow.accounts.save(account)
    await uow.audit.record("security_question_changed", actor=account.id, subject=account.id)
