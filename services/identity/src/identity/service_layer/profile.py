"""The caller's own profile (R-ID-5): details, password, security question."""

from __future__ import annotations

from chassis.errors import Unprocessable, field_error
from chassis.uow import Transaction
from identity.adapters import secrets
from identity.adapters.accounts import AccountRepository
from identity.adapters.repositories import Memberships
from identity.service_layer.common import (
    Caller,
    Doc,
    Identity,
    audit,
    check_password,
    load_jurisdiction,
    normalize_answer,
    password_changed,
)
from identity.service_layer.tokens import issue_tokens


async def update_profile(idn: Identity, caller: Caller, fields: Doc) -> None:
    if not fields:
        return

    async def work(tx: Transaction) -> None:
        await AccountRepository(tx).change(caller.account_id, lambda a: a.update_profile(fields))
        if "display_name" in fields:
            # memberships keep a copy for staff lists
            await tx.db["memberships"].update_many(
                {"account_id": caller.account_id},
                {"$set": {"display_name": fields["display_name"]}},
                session=tx.session,
            )

    await idn.runtime.uow.run(work)


async def change_password(
    idn: Identity, caller: Caller, *, current_password: str, new_password: str
) -> Doc:
    """Needs the current password; ends every other session; returns fresh tokens."""
    account = caller.account
    if not secrets.verify_password(account.get("password_hash"), current_password):
        msg = "the current password is not right"
        raise Unprocessable(msg, errors=[field_error("current_password", msg)])
    jurisdiction_id = caller.principal.jurisdiction_id
    jurisdiction = (
        await load_jurisdiction(idn.runtime.db, jurisdiction_id) if jurisdiction_id else None
    )
    check_password(new_password, jurisdiction, account["email"], account.get("display_name", ""))
    password_hash = secrets.hash_password(new_password)

    async def work(tx: Transaction) -> Doc:
        accounts = AccountRepository(tx)  # every other session ends:
        changing = await accounts.change(account["_id"], lambda a: a.change_password(password_hash))
        if jurisdiction_id is not None and jurisdiction is not None:
            password_changed(tx, changing, jurisdiction, "change")
        await audit(tx, jurisdiction_id, "password_changed", actor=changing.id, subject=changing.id)
        membership = (
            await tx.repo(Memberships, jurisdiction_id).of_account(changing.id)
            if jurisdiction_id
            else None
        )
        return await issue_tokens(idn, tx, accounts.to_doc(changing), membership, jurisdiction_id)

    return await idn.runtime.uow.run(work)


async def change_security_question(
    idn: Identity, caller: Caller, *, current_answer: str | None, question: str, answer: str
) -> None:
    """Changing the question needs the current answer (when there is one)."""
    account = caller.account
    if account.get("security_answer_hash") and not secrets.verify_password(
        account["security_answer_hash"], normalize_answer(current_answer or "")
    ):
        msg = "the current answer is not right"
        raise Unprocessable(msg, errors=[field_error("current_answer", msg)])
    answer_hash = secrets.hash_password(normalize_answer(answer))

    async def work(tx: Transaction) -> None:
        await AccountRepository(tx).change(
            account["_id"], lambda a: a.set_security_question(question, answer_hash)
        )
        await audit(
            tx,
            caller.principal.jurisdiction_id,
            "security_question_changed",
            actor=account["_id"],
            subject=account["_id"],
        )

    await idn.runtime.uow.run(work)
