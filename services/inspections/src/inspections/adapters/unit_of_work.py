"""Inspections' unit of work over MongoDB: the repositories bound to one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.repository import documents
from chassis.uow import ReadOnly, Transaction, Units
from contracts import IntegrationEvent
from inspections.adapters.repositories import (
    InspectionRepository,
    PermitRepository,
    Settings,
    Slots,
    Zones,
)
from inspections.service_layer.unit_of_work import InspectionsUnitOfWork


class MongoInspectionsUnitOfWork:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.inspections = InspectionRepository(tx, jurisdiction_id)
        self.permits = PermitRepository(tx, jurisdiction_id)
        self.settings = Settings(tx.db, jurisdiction_id, tx.session)
        self.zones = Zones(tx.db, jurisdiction_id, tx.session)
        self.slots = Slots(tx.db, jurisdiction_id, tx.session)
        self.inspection_docs = documents(tx.db, jurisdiction_id, tx.session, "inspections")
        self.permit_docs = documents(tx.db, jurisdiction_id, tx.session, "permits")

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)


def inspections_units(runner: Any) -> Units[InspectionsUnitOfWork]:
    return Units(runner, MongoInspectionsUnitOfWork)
