"""Each jurisdiction's merchant account, stored with its keys encrypted.

One document per jurisdiction holds every account it has had and which one
is current, so a change is one atomic write (a concurrent one is refused,
not lost). An account is never changed in place: setting a new one keeps the
old, so a payment made on it is still refunded and reconciled there. The API
key and the webhook signing secret are encrypted with ``PAYMENTS_ACCOUNTS_KEY``
(:mod:`chassis.sealing`); what leaves the service is the account's id,
provider, label and the key's last four characters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import uuid4

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.refusals import Conflicting
from chassis.sealing import Sealer
from payments.service_layer.provider import INSTALLATION, MerchantAccount, PaymentProvider

Doc = dict[str, Any]
COLLECTION = "merchant_accounts"
MakeProvider = Callable[[str, str, str], PaymentProvider]  # provider name, API key, secret


class NoAccountsKey(Conflicting):
    code = "accounts-key-missing"

    def __init__(self) -> None:
        super().__init__(
            "this installation cannot keep merchant accounts: PAYMENTS_ACCOUNTS_KEY is not "
            "set, or is not the key the accounts were stored with"
        )


class AccountChanged(Conflicting):
    code = "version-conflict"

    def __init__(self) -> None:
        super().__init__("the merchant account changed meanwhile; look again and retry")


class MongoMerchantAccounts:
    """:class:`payments.service_layer.provider.MerchantAccounts` over MongoDB."""

    def __init__(
        self,
        db: AsyncDatabase[Doc],
        key: str | None,
        make_provider: MakeProvider,
        default: PaymentProvider,
    ) -> None:
        self.collection = db[COLLECTION]
        self.sealer = Sealer(key, NoAccountsKey)
        self.make_provider = make_provider
        self.default = MerchantAccount(INSTALLATION, default)
        self._clients: dict[str, MerchantAccount] = {}  # one client per account, reused

    # -- reading -----------------------------------------------------------
    async def current(self, jurisdiction_id: str) -> Doc | None:
        """The jurisdiction's own account now, if it has one."""
        doc = await self.collection.find_one({"_id": jurisdiction_id})
        if doc is None or doc.get("current") is None:
            return None
        found: Doc = next(a for a in doc["accounts"] if a["id"] == doc["current"])
        return found

    async def of(self, jurisdiction_id: str) -> MerchantAccount:
        account = await self.current(jurisdiction_id)
        return self.default if account is None else self._account(account)

    async def by_id(self, jurisdiction_id: str, account_id: str | None) -> MerchantAccount:
        if account_id in (None, INSTALLATION):
            return self.default
        if account_id in self._clients:
            return self._clients[account_id]
        doc = await self.collection.find_one({"_id": jurisdiction_id}) or {"accounts": []}
        for account in doc["accounts"]:
            if account["id"] == account_id:
                return self._account(account)
        raise LookupError(f"{jurisdiction_id} has no merchant account {account_id}")

    def _account(self, account: Doc) -> MerchantAccount:
        found = self._clients.get(account["id"])
        if found is None:
            key, secret = (
                self.sealer.open(account["api_key"]),
                self.sealer.open(account["webhook_secret"]),
            )
            found = MerchantAccount(
                account["id"], self.make_provider(account["provider"], key, secret)
            )
            self._clients[account["id"]] = found
        return found

    # -- changing ------------------------------------------------------------
    async def replace(
        self,
        jurisdiction_id: str,
        *,
        provider: str,
        api_key: str,
        webhook_secret: str,
        label: str | None,
        by: str,
        at: datetime,
    ) -> Doc:
        """The jurisdiction's new account, current from now on (the old ones
        kept); the same account again (a retried request) changes nothing."""
        if not self.sealer.sealing:
            raise NoAccountsKey()
        current = await self.current(jurisdiction_id)
        if current is not None and (current["provider"], current.get("label")) == (
            provider,
            label,
        ):
            keys = (
                self.sealer.open(current["api_key"]),
                self.sealer.open(current["webhook_secret"]),
            )
            if keys == (api_key, webhook_secret):
                return current
        account_id = "macct_" + uuid4().hex
        account: Doc = {
            "id": account_id,
            "provider": provider,
            "label": label,
            "api_key": self.sealer.seal(api_key),
            "webhook_secret": self.sealer.seal(webhook_secret),
            "api_key_hint": "…" + api_key[-4:],
            "created_at": at,
            "created_by": by,
        }
        await self._point(jurisdiction_id, account_id, push=account, by=by, at=at)
        return account

    async def retire(self, jurisdiction_id: str, *, by: str, at: datetime) -> bool:
        """New payments go to the installation's account again."""
        if await self.current(jurisdiction_id) is None:
            return False
        await self._point(jurisdiction_id, None, push=None, by=by, at=at)
        return True

    async def _point(
        self, jurisdiction_id: str, current: str | None, *, push: Doc | None, by: str, at: datetime
    ) -> None:
        doc = await self.collection.find_one({"_id": jurisdiction_id})
        change: Doc = {
            "$set": {"current": current, "changed_at": at, "changed_by": by},
            "$inc": {"version": 1},
        }
        if push is not None:
            change["$push"] = {"accounts": push}
        if doc is None:
            try:
                await self.collection.insert_one(
                    {
                        "_id": jurisdiction_id,
                        "jurisdiction_id": jurisdiction_id,
                        "version": 1,
                        "current": current,
                        "changed_at": at,
                        "changed_by": by,
                        "accounts": [push] if push else [],
                    }
                )
            except DuplicateKeyError as exc:
                raise AccountChanged() from exc
            return
        done = await self.collection.update_one(
            {"_id": jurisdiction_id, "version": doc["version"]}, change
        )
        if done.modified_count != 1:
            raise AccountChanged()
