"""Accounts as domain objects, for the write side (identity's one global
aggregate-like store: one account per email, across jurisdictions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from chassis.refusals import Missing
from chassis.repository import Session, StaleAggregate
from identity.domain.account import Account

Doc = dict[str, Any]


class AccountRepository:
    """Accounts as domain objects, for the write side: global (one per email),
    saved only at the version they were read at."""

    def __init__(self, tx: Session) -> None:
        self.db = tx.db
        self.collection = tx.db["accounts"]
        self.session = tx.session

    @staticmethod
    def to_doc(account: Account) -> Doc:
        return account.as_doc()

    @staticmethod
    def from_doc(doc: Doc) -> Account:
        names = {f.name for f in fields(Account)} - {"id", "changed"}
        values = {k: v for k, v in doc.items() if k in names}
        values["version"] = values.get("version") or 0
        return Account(id=doc["_id"], **values)

    async def _one(self, filter_: Doc) -> Account | None:
        doc = await self.collection.find_one(filter_, session=self.session)
        return None if doc is None else self.from_doc(doc)

    async def get(self, account_id: str) -> Account | None:
        return await self._one({"_id": account_id})

    async def by_email(self, email_normalized: str) -> Account | None:
        return await self._one({"email": email_normalized})

    async def require(self, account_id: str) -> Account:
        found = await self.get(account_id)
        if found is None:
            raise Missing("no such account")
        return found

    async def add(self, account: Account) -> None:
        await self.collection.insert_one(self.to_doc(account), session=self.session)

    async def change(self, account_id: str, change: Callable[[Account], object]) -> Account:
        """Load the account, apply one of its methods, save it."""
        account = await self.require(account_id)
        change(account)
        await self.save(account)
        return account

    async def save(self, account: Account) -> None:
        if not account.changed:
            return
        seen = account.version or {"$in": [0, None]}  # older documents have no version
        account.version += 1
        result = await self.collection.replace_one(
            {"_id": account.id, "version": seen}, self.to_doc(account), session=self.session
        )
        if result.matched_count != 1:
            account.version -= 1
            raise StaleAggregate("the account changed since it was loaded; try again")
        account.changed = False
