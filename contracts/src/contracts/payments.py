"""Events of the payments context on ``payments.events`` (version 1).

Amounts are integer minor units of ``currency``. Fields added after the first
publication are optional, so every checked-in schema version stays valid.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.events import ConfigurationChanged, IntegrationEvent
from contracts.topics import PAYMENTS_EVENTS


class Allocation(BaseModel):
    """The part of a payment that pays fee lines of one permit."""

    model_config = ConfigDict(frozen=True)

    permit_id: str
    line_ids: list[str]
    amount_minor: int
    number: str | None = Field(default=None, description="the permit's number, for display")


class CheckoutStarted(IntegrationEvent):
    """A payer started a checkout: its fee lines are reserved until ``expires_at``."""

    event_type: ClassVar[str] = "permitsuite.payments.CheckoutStarted.v1"
    topic: ClassVar[str] = PAYMENTS_EVENTS
    subject_field: ClassVar[str] = "payment_id"

    payment_id: str
    jurisdiction_id: str
    account_id: str
    method: str
    allocations: list[Allocation]
    fees_minor: int
    convenience_fee_minor: int
    total_minor: int
    currency: str = "USD"
    provider: str
    expires_at: datetime


class PaymentSettled(IntegrationEvent):
    """The provider confirmed a payment, or staff took one at the counter (R-PAY-5)."""

    event_type: ClassVar[str] = "permitsuite.payments.PaymentSettled.v1"
    topic: ClassVar[str] = PAYMENTS_EVENTS
    subject_field: ClassVar[str] = "payment_id"

    payment_id: str
    jurisdiction_id: str
    allocations: list[Allocation]
    currency: str = "USD"
    settled_at: datetime
    receipt_number: str | None = None
    channel: Literal["online", "counter"] = "online"
    method: str | None = None
    fees_minor: int | None = None
    convenience_fee_minor: int = 0
    convenience_fee_label: str | None = None
    total_minor: int | None = None
    rounding_rule: str | None = None
    payer_email: str | None = None
    payer_name: str | None = None
    account_id: str | None = None


class PaymentFailed(IntegrationEvent):
    """A checkout ended without money taken: declined, canceled, expired or the
    provider was unavailable. Its fee lines are free again."""

    event_type: ClassVar[str] = "permitsuite.payments.PaymentFailed.v1"
    topic: ClassVar[str] = PAYMENTS_EVENTS
    subject_field: ClassVar[str] = "payment_id"

    payment_id: str
    jurisdiction_id: str
    reason: Literal["declined", "canceled", "expired", "provider-error"]
    allocations: list[Allocation]
    payer_email: str | None = None
    failed_at: datetime


class PaymentRefunded(IntegrationEvent):
    """Money went back to the payer. ``allocations`` are the fee lines that are
    unpaid again (empty for an automatic refund of a payment that never paid
    any line because another payer paid them first, R-PAY-5)."""

    event_type: ClassVar[str] = "permitsuite.payments.PaymentRefunded.v1"
    topic: ClassVar[str] = PAYMENTS_EVENTS
    subject_field: ClassVar[str] = "payment_id"

    payment_id: str
    jurisdiction_id: str
    allocations: list[Allocation] = Field(default_factory=list)
    refunded_at: datetime
    refund_id: str | None = None
    amount_minor: int | None = None
    currency: str = "USD"
    reason: str | None = None
    automatic: bool = False
    receipt_number: str | None = None
    permit_numbers: list[str] = Field(default_factory=list)
    payer_email: str | None = None
    other_payer_email: str | None = Field(
        default=None, description="automatic refunds: the payer whose payment stands"
    )


class PaymentsConfigurationChanged(ConfigurationChanged):
    """Payment settings or the merchant account changed (the jurisdiction's audit trail)."""

    event_type: ClassVar[str] = "permitsuite.payments.PaymentsConfigurationChanged.v1"
    topic: ClassVar[str] = PAYMENTS_EVENTS
