"""A payment's statuses and the moves between them (R-PAY-3/5); every
change of status goes through :meth:`Payment._move` and this table."""

from __future__ import annotations

from typing import Literal

from chassis.status import StatusTable

OPEN = ("CREATED", "PENDING")
SETTLED = ("SETTLED", "PARTIALLY_REFUNDED", "REFUNDED", "REFUNDING")
REFUNDABLE = ("SETTLED", "PARTIALLY_REFUNDED")
FailReason = Literal["declined", "canceled", "expired", "provider-error"]

# a success reported after the payment was given up (expired, say) still counts:
# the money was taken, so it settles — or goes back if the fees are gone
CHARGEABLE = (*OPEN, "FAILED")
TRANSITIONS = {
    ("CREATED", "PENDING"),  # the provider opened its hosted page
    *((s, "SETTLED") for s in CHARGEABLE),  # a verified webhook, reconciliation, the counter
    *((s, "FAILED") for s in OPEN),  # declined, canceled, expired, the provider down
    *((s, "REFUNDING") for s in CHARGEABLE),  # charged, but another payment took the fees
    *((s, "PARTIALLY_REFUNDED") for s in REFUNDABLE),
    *((s, "REFUNDED") for s in (*REFUNDABLE, "REFUNDING")),
}


TABLE = StatusTable.of("a payment", TRANSITIONS)
