"""What a caller asks of payments: one typed command per change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chassis.commands import Command

Doc = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class PutSettings(Command):
    body: Doc


@dataclass(frozen=True, kw_only=True)
class AddToCart(Command):
    permit_id: str
    line_ids: list[str] | None = None


@dataclass(frozen=True, kw_only=True)
class AddPermitsToCart(Command):
    """Pay All Fees: several permits' open fees at once, all or none."""

    permit_ids: list[str]


@dataclass(frozen=True, kw_only=True)
class RemoveFromCart(Command):
    permit_id: str


@dataclass(frozen=True, kw_only=True)
class Checkout(Command):
    method: str
    expected_total_minor: int | None = None


@dataclass(frozen=True, kw_only=True)
class CounterPayment(Command):
    permits: list[Doc]
    method: str
    payer_name: str
    payer_email: str | None = None
    reference: str | None = None


@dataclass(frozen=True, kw_only=True)
class RequestRefund(Command):
    payment_id: str
    reason: str
    line_ids: list[str] | None = field(default=None)
