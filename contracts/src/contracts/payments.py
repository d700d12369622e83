"""Events of the payments context on ``payments.events`` (version 1).

Defined here ahead of the payments service so permits can consume them; the
payments issue publishes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.events import IntegrationEvent
from contracts.topics import PAYMENTS_EVENTS


class Allocation(BaseModel):
    """The part of a payment that pays fee lines of one permit."""

    model_config = ConfigDict(frozen=True)

    permit_id: str
    line_ids: list[str]
    amount_minor: int


class PaymentSettled(IntegrationEvent):
    """The provider confirmed a payment (R-PAY-5)."""

    event_type: ClassVar[str] = "permitsuite.payments.PaymentSettled.v1"
    topic: ClassVar[str] = PAYMENTS_EVENTS
    subject_field: ClassVar[str] = "payment_id"

    payment_id: str
    jurisdiction_id: str
    allocations: list[Allocation]
    currency: str = "USD"
    settled_at: datetime


class PaymentRefunded(IntegrationEvent):
    """A settled payment was refunded: its fee lines are unpaid again."""

    event_type: ClassVar[str] = "permitsuite.payments.PaymentRefunded.v1"
    topic: ClassVar[str] = PAYMENTS_EVENTS
    subject_field: ClassVar[str] = "payment_id"

    payment_id: str
    jurisdiction_id: str
    allocations: list[Allocation] = Field(default_factory=list)
    refunded_at: datetime
