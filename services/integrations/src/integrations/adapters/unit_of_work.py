"""Integrations' unit of work over MongoDB: its stores bound to one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.uow import ReadOnly, Transaction, Units
from contracts import IntegrationEvent
from integrations.adapters.feed import MongoFeed
from integrations.adapters.open_data import MongoOpenData
from integrations.adapters.sealing import Sealer
from integrations.adapters.webhooks import MongoEndpoints
from integrations.service_layer.unit_of_work import IntegrationsUnitOfWork


class MongoIntegrationsUnitOfWork:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str, sealer: Sealer) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.feed = MongoFeed(tx, jurisdiction_id)
        self.endpoints = MongoEndpoints(tx, jurisdiction_id, sealer)
        self.open_data = MongoOpenData(tx, jurisdiction_id)

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)


def integrations_units(runner: Any, sealer: Sealer) -> Units[IntegrationsUnitOfWork]:
    return Units(runner, lambda tx, jid: MongoIntegrationsUnitOfWork(tx, jid, sealer))
