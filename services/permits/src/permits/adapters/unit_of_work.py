"""Permits' unit of work over MongoDB: the repositories bound to one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.repository import documents
from chassis.uow import ReadOnly, Transaction, Units
from contracts import IntegrationEvent
from permits.adapters.repositories import (
    Counters,
    Jurisdictions,
    LinkAttempts,
    PermitRepository,
    PermitTypes,
)
from permits.service_layer.unit_of_work import PermitsUnitOfWork


class MongoPermitsUnitOfWork:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.permits = PermitRepository(tx, jurisdiction_id)
        self.permit_types = PermitTypes(tx.db, jurisdiction_id, tx.session)
        self.counters = Counters(tx.db, jurisdiction_id, tx.session)
        self.link_attempts = LinkAttempts(tx.db, jurisdiction_id, tx.session)
        self.jurisdictions = Jurisdictions(tx.db, jurisdiction_id, tx.session)
        self.permit_docs = documents(tx.db, jurisdiction_id, tx.session, "permits")

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)


def permits_units(runner: Any) -> Units[PermitsUnitOfWork]:
    return Units(runner, MongoPermitsUnitOfWork)
