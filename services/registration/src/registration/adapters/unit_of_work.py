"""Registration's unit of work over MongoDB: the repositories bound to one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.repository import documents
from chassis.uow import ReadOnly, Transaction, Units
from contracts import IntegrationEvent
from registration.adapters.repositories import (
    ConfirmationRepository,
    RegistrationConfig,
    RegistrationRepository,
)
from registration.service_layer.unit_of_work import RegistrationUnitOfWork


class MongoRegistrationUnitOfWork:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.registrations = RegistrationRepository(tx, jurisdiction_id)
        self.confirmations = ConfirmationRepository(tx, jurisdiction_id)
        self.config = RegistrationConfig(tx.db, jurisdiction_id, tx.session)
        self.registration_docs = documents(tx.db, jurisdiction_id, tx.session, "registrations")

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)


def registration_units(runner: Any) -> Units[RegistrationUnitOfWork]:
    return Units(runner, MongoRegistrationUnitOfWork)
