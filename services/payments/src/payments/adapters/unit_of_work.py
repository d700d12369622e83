"""Payments' unit of work over MongoDB: the repositories bound to one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from chassis.idempotency import release_pending
from chassis.repository import documents
from chassis.uow import ReadOnly, Transaction, Units
from contracts import IntegrationEvent
from payments.adapters.repositories import (
    Carts,
    PaymentRepository,
    PaymentSettings,
    Receipts,
    ReceivableRepository,
    RefundRepository,
    Reservations,
    WebhookEvents,
)
from payments.service_layer.unit_of_work import PaymentsUnitOfWork


class MongoPaymentsUnitOfWork:
    def __init__(self, tx: Transaction | ReadOnly, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.payments = PaymentRepository(tx, jurisdiction_id)
        self.refunds = RefundRepository(tx, jurisdiction_id)
        self.receivables = ReceivableRepository(tx, jurisdiction_id)
        db, session = tx.db, tx.session
        self.settings = PaymentSettings(db, jurisdiction_id, session)
        self.carts = Carts(db, jurisdiction_id, session)
        self.reservations = Reservations(db, jurisdiction_id, session)
        self.receipts = Receipts(db, jurisdiction_id, session)
        self.webhook_events = WebhookEvents(db, jurisdiction_id, session)
        self.payment_docs = documents(db, jurisdiction_id, session, "payments")
        self.refund_docs = documents(db, jurisdiction_id, session, "refunds")

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)

    def after_commit(self, callback: Callable[[], Awaitable[Any]]) -> None:
        assert isinstance(self.tx, Transaction), "after_commit needs a unit of work"
        self.tx.after_commit(callback)

    async def release_idempotency_key(self) -> None:
        await release_pending(self.tx.db, self.tx.session)


def payments_units(runner: Any) -> Units[PaymentsUnitOfWork]:
    return Units(runner, MongoPaymentsUnitOfWork)
