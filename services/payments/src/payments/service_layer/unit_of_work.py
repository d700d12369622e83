"""What payments' handlers need: one unit of work per jurisdiction, the
provider, and the service's own settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from chassis.clock import Clock
from chassis.reads import Documents
from chassis.refusals import Conflicting
from chassis.repository import AggregateRepository
from chassis.uow import Units
from contracts import IntegrationEvent
from payments.domain.payment import Payment
from payments.domain.receivable import Receivable
from payments.domain.refund import Refund
from payments.service_layer.provider import MerchantAccounts

Doc = dict[str, Any]


class FeesReserved(Conflicting):
    """A line another open checkout holds (R-PAY-5)."""

    code = "fees-reserved"

    def __init__(self) -> None:
        super().__init__(
            "some of these fees are in another payment that is still open; try again when it ends"
        )


class DuplicateWebhook(Exception):
    """A provider event already applied."""


class SettingsPort(Protocol):
    async def load(self) -> Doc: ...
    async def put(self, body: Doc) -> None: ...


class CartsPort(Protocol):
    async def items(self, account_id: str) -> dict[str, list[str]]: ...
    async def put(self, account_id: str, permit_id: str, line_ids: list[str]) -> None: ...
    async def drop(self, account_id: str, permit_ids: list[str]) -> None: ...


class ReservationsPort(Protocol):
    async def hold(
        self, lines: list[tuple[str, str]], payment_id: str, *, until: datetime, now: datetime
    ) -> None:
        """Raises :class:`FeesReserved` if another open payment holds one."""

    async def holder(self, permit_id: str, line_id: str, now: datetime) -> str | None: ...
    async def release(self, payment_id: str) -> None: ...


class ReceiptsPort(Protocol):
    async def next_number(self, year: int) -> str: ...


class WebhookEventsPort(Protocol):
    async def record(self, event_id: str, payment_id: str, outcome: str, at: datetime) -> None:
        """Raises :class:`DuplicateWebhook` for an event already recorded."""


class PaymentsUnitOfWork(Protocol):
    @property
    def jurisdiction_id(self) -> str: ...
    @property
    def payments(self) -> AggregateRepository[Payment]: ...
    @property
    def refunds(self) -> AggregateRepository[Refund]: ...
    @property
    def receivables(self) -> AggregateRepository[Receivable]: ...
    @property
    def settings(self) -> SettingsPort: ...
    @property
    def carts(self) -> CartsPort: ...
    @property
    def reservations(self) -> ReservationsPort: ...
    @property
    def receipts(self) -> ReceiptsPort: ...
    @property
    def webhook_events(self) -> WebhookEventsPort: ...
    @property
    def now(self) -> datetime: ...

    def emit(self, event: IntegrationEvent) -> None:
        """Record ``event`` of this jurisdiction, published once the unit commits."""
        ...

    @property
    def payment_docs(self) -> Documents:
        """Payments as documents, for read views (Paid Items, receipts, search)."""
        ...

    @property
    def refund_docs(self) -> Documents: ...

    def after_commit(self, callback: Callable[[], Awaitable[Any]]) -> None: ...

    async def release_idempotency_key(self) -> None:
        """Let the request's Idempotency-Key be used again (its effect was undone)."""


PaymentsUnits = Units[PaymentsUnitOfWork]


@dataclass
class PaymentsService:
    """Everything payments' handlers use, built by the composition root."""

    units: PaymentsUnits
    clock: Clock
    accounts: MerchantAccounts
    locate_payment: Callable[[str], Awaitable[str | None]]
    reservation_minutes: int
    return_url: str
    in_progress_seconds: float
    providers: tuple[str, ...] = ("stripe", "sandbox")  # production: stripe only
