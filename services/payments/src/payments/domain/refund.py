"""A refund: requested in one transaction, taken to the provider, then done."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

from chassis.aggregate import Aggregate
from payments.domain.errors import NotRefundable


def refund_amount(items: list[dict[str, Any]], line_ids: list[str] | None) -> tuple[list[str], int]:
    """The paid lines a refund takes (default: every one not yet refunded or
    being refunded) and what they add up to (R-PAY-6)."""
    refundable = {
        ln["line_id"]: ln
        for item in items
        for ln in item["lines"]
        if not ln.get("refunded") and not ln.get("refunding")
    }
    chosen = line_ids or list(refundable)
    unknown = sorted(set(chosen) - set(refundable))
    if unknown or not chosen:
        raise NotRefundable(unknown)
    return chosen, sum(refundable[lid]["amount_minor"] for lid in chosen)


@dataclass(kw_only=True, eq=False)
class Refund(Aggregate):
    payment_id: str
    amount_minor: int
    reason: str
    by: str
    created_at: datetime
    line_ids: list[str] = field(default_factory=list)
    automatic: bool = False
    other_payer_email: str | None = None
    status: str = "REQUESTED"
    provider_ref: str | None = None
    done_at: datetime | None = None

    @classmethod
    def request(
        cls,
        *,
        jurisdiction_id: str,
        payment_id: str,
        line_ids: list[str],
        amount_minor: int,
        reason: str,
        by: str,
        at: datetime,
        automatic: bool = False,
        other_payer_email: str | None = None,
    ) -> Refund:
        refund = cls(
            id="ref_" + uuid4().hex,
            jurisdiction_id=jurisdiction_id,
            payment_id=payment_id,
            line_ids=line_ids,
            amount_minor=amount_minor,
            reason=reason,
            by=by,
            created_at=at,
            automatic=automatic,
            other_payer_email=other_payer_email,
        )
        refund._change()
        return refund

    def done(self, provider_ref: str | None, *, at: datetime) -> bool:
        if self.status != "REQUESTED":
            return False
        self._change()
        self.status, self.provider_ref, self.done_at = "DONE", provider_ref, at
        return True
