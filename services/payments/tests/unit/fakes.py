"""Payments' unit of work in memory: the chassis fakes plus the small ports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chassis.clock import ManualClock
from chassis.testing.fakes import FakeDocuments, FakeRepository, FakeTransaction, FakeUnitOfWork
from chassis.uow import Units
from contracts import IntegrationEvent
from payments.adapters.repositories import (
    PaymentRepository,
    ReceivableRepository,
    RefundRepository,
)
from payments.domain.cart import DEFAULT_SETTINGS
from payments.domain.payment import Payment
from payments.domain.receivable import Receivable
from payments.domain.refund import Refund
from payments.service_layer.provider import (
    INSTALLATION,
    CheckoutRequest,
    HostedCheckout,
    MerchantAccount,
    ProviderError,
    ProviderEvent,
    ProviderStatus,
)
from payments.service_layer.unit_of_work import (
    DuplicateWebhook,
    FeesReserved,
    PaymentsService,
    PaymentsUnitOfWork,
)

Doc = dict[str, Any]


class _Scoped:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str, name: str) -> None:
        self.tx = tx
        self.jid = jurisdiction_id
        self.docs = tx.store(name)


class FakeSettings(_Scoped):
    async def load(self) -> Doc:
        return {**DEFAULT_SETTINGS, **self.docs.get(self.jid, {})}

    async def put(self, body: Doc) -> None:
        self.docs[self.jid] = {**self.docs.get(self.jid, {}), **body}


class FakeCarts(_Scoped):
    async def items(self, account_id: str) -> dict[str, list[str]]:
        return dict(self.docs.get((self.jid, account_id), {}))

    async def put(self, account_id: str, permit_id: str, line_ids: list[str]) -> None:
        self.docs.setdefault((self.jid, account_id), {})[permit_id] = line_ids

    async def drop(self, account_id: str, permit_ids: list[str]) -> None:
        for permit_id in permit_ids:
            self.docs.get((self.jid, account_id), {}).pop(permit_id, None)


class FakeReservations(_Scoped):
    async def hold(
        self, lines: list[tuple[str, str]], payment_id: str, *, until: datetime, now: datetime
    ) -> None:
        for line in lines:
            held = self.docs.get((self.jid, *line))
            if held and held["expires_at"] > now and held["payment_id"] != payment_id:
                raise FeesReserved()
            self.docs[(self.jid, *line)] = {"payment_id": payment_id, "expires_at": until}

    async def holder(self, permit_id: str, line_id: str, now: datetime) -> str | None:
        held = self.docs.get((self.jid, permit_id, line_id))
        return held["payment_id"] if held and held["expires_at"] > now else None

    async def release(self, payment_id: str) -> None:
        for key in [k for k, v in self.docs.items() if v["payment_id"] == payment_id]:
            del self.docs[key]


class FakeReceipts(_Scoped):
    async def next_number(self, year: int) -> str:
        seq = self.docs[(self.jid, year)] = self.docs.get((self.jid, year), 0) + 1  # type: ignore[assignment, operator]
        return f"R{year}-{seq:06d}"


class FakeWebhookEvents(_Scoped):
    async def record(self, event_id: str, payment_id: str, outcome: str, at: datetime) -> None:
        if event_id in self.docs:
            raise DuplicateWebhook(event_id)
        self.docs[event_id] = {"payment_id": payment_id}


class FakePaymentsUnitOfWork:
    def __init__(self, tx: FakeTransaction, jurisdiction_id: str) -> None:
        self.tx = tx
        self.jurisdiction_id = jurisdiction_id
        self.payments: FakeRepository[Payment] = FakeRepository(
            tx, jurisdiction_id, PaymentRepository, "payments"
        )
        self.refunds: FakeRepository[Refund] = FakeRepository(
            tx, jurisdiction_id, RefundRepository, "refunds"
        )
        self.receivables: FakeRepository[Receivable] = FakeRepository(
            tx, jurisdiction_id, ReceivableRepository, "receivables"
        )
        self.settings = FakeSettings(tx, jurisdiction_id, "settings")
        self.carts = FakeCarts(tx, jurisdiction_id, "carts")
        self.reservations = FakeReservations(tx, jurisdiction_id, "reservations")
        self.receipts = FakeReceipts(tx, jurisdiction_id, "receipts")
        self.webhook_events = FakeWebhookEvents(tx, jurisdiction_id, "webhook_events")
        self.payment_docs = FakeDocuments(tx, jurisdiction_id, "payments")
        self.refund_docs = FakeDocuments(tx, jurisdiction_id, "refunds")
        self.released_keys = 0

    @property
    def now(self) -> datetime:
        return self.tx.clock.now()

    def emit(self, event: IntegrationEvent) -> None:
        self.tx.emit(event, jurisdiction_id=self.jurisdiction_id)

    def after_commit(self, callback: Callable[[], Awaitable[Any]]) -> None:
        self.tx.after_commit(callback)  # type: ignore[arg-type]

    async def release_idempotency_key(self) -> None:
        self.tx.store("released_keys")[len(self.tx.store("released_keys"))] = {}


@dataclass
class FakeProvider:
    """A provider that opens pages, takes refunds and can be told to fail."""

    name: str = "fake"
    down: bool = False
    opened: list[CheckoutRequest] = field(default_factory=list)
    refunds: list[tuple[str, int, str]] = field(default_factory=list)
    events: list[ProviderEvent] = field(default_factory=list)

    async def create_checkout(self, request: CheckoutRequest) -> HostedCheckout:
        if self.down:
            raise ProviderError("down")
        self.opened.append(request)
        return HostedCheckout(provider_ref=f"ref-{request.payment_id}", url="https://pay/x")

    def parse_webhook(self, body: bytes, headers: Any, now: datetime) -> ProviderEvent | None:
        return self.events.pop(0)

    async def status(self, provider_ref: str) -> ProviderStatus:
        return ProviderStatus("pending")

    async def expire(self, provider_ref: str) -> ProviderStatus:
        return ProviderStatus("expired")

    async def refund(self, provider_ref: str, amount_minor: int, idempotency_key: str) -> str:
        if self.down:
            raise ProviderError("down")
        self.refunds.append((provider_ref, amount_minor, idempotency_key))
        return f"rf-{idempotency_key}"


class FakeMerchantAccounts:
    """The installation's account (``provider``), and jurisdictions' own ones
    (``own``, by id; ``current``: each jurisdiction's now)."""

    def __init__(self, provider: FakeProvider) -> None:
        self.default = MerchantAccount(INSTALLATION, provider)
        self.own: dict[str, MerchantAccount] = {}
        self.current: dict[str, str] = {}

    def give(self, jurisdiction_id: str, account_id: str, provider: FakeProvider) -> None:
        self.own[account_id] = MerchantAccount(account_id, provider)
        self.current[jurisdiction_id] = account_id

    async def of(self, jurisdiction_id: str) -> MerchantAccount:
        found = self.current.get(jurisdiction_id)
        return self.own[found] if found else self.default

    async def by_id(self, jurisdiction_id: str, account_id: str | None) -> MerchantAccount:
        return self.own.get(account_id or INSTALLATION, self.default)


def fake_service(uow: FakeUnitOfWork, provider: FakeProvider) -> PaymentsService:
    units: Units[PaymentsUnitOfWork] = Units(uow, FakePaymentsUnitOfWork)

    async def locate(payment_id: str) -> str | None:
        doc = uow.stores.get("payments", {}).get(payment_id)
        return None if doc is None else str(doc["jurisdiction_id"])

    clock: ManualClock = uow.clock
    return PaymentsService(
        units=units,
        clock=clock,
        accounts=FakeMerchantAccounts(provider),
        locate_payment=locate,
        reservation_minutes=30,
        return_url="https://portal/return",
        in_progress_seconds=30,
    )
