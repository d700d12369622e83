"""Registration's unit of work in memory, and an identity that records calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chassis.testing.fakes import FakeDocuments, FakeRepository, FakeTransaction, FakeUnitOfWork
from chassis.uow import Units
from contracts import IntegrationEvent
from registration.adapters.repositories import ConfirmationRepository, RegistrationRepository
from registration.domain.confirmation import EmailConfirmation
from registration.domain.registration import Registration
from registration.service_layer.unit_of_work import DEFAULT_CONFIG, RegistrationUnitOfWork

Doc = dict[str, Any]


class FakeConfirmations(FakeRepository[EmailConfirmation]):
    async def sent_since(self, email: str, since: datetime) -> int:
        return sum(1 for c in await self.find({"email": email}) if c.created_at > since)


class FakeConfig:
    def __init__(self, tx: FakeTransaction, jid: str) -> None:
        self.docs, self.jid = tx.store("config"), jid

    async def load(self) -> Doc:
        return {**DEFAULT_CONFIG, **self.docs.get(self.jid, {})}

    async def put(self, config: Doc, *, at: datetime, by: str) -> None:
        self.docs[self.jid] = {**config, "updated_at": at, "updated_by": by}


class FakeRegistrationUnitOfWork:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.registrations: FakeRepository[Registration] = FakeRepository(
            tx, jurisdiction_id, RegistrationRepository, "registrations"
        )
        self.confirmations = FakeConfirmations(
            tx, jurisdiction_id, ConfirmationRepository, "starts"
        )
        self.config = FakeConfig(tx, jurisdiction_id)
        self.registration_docs = FakeDocuments(tx, jurisdiction_id, "registrations")

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)


@dataclass
class FakeIdentity:
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    async def ensure_registrant(
        self, jurisdiction_id: str, *, email: str, display_name: str, password: str
    ) -> str:
        self.accounts.append((jurisdiction_id, email, display_name))
        return f"acct-{email}"


def fake_units(uow: FakeUnitOfWork) -> Units[RegistrationUnitOfWork]:
    return Units(uow, FakeRegistrationUnitOfWork)
