"""The permit workflow (R-PER-3): statuses and the explicit transition table."""

from __future__ import annotations

from chassis.refusals import Denied
from chassis.status import StatusTable

STATUS_LABELS = {
    "SUBMITTED": "SUBMITTED",
    "IN_REVIEW": "IN REVIEW",
    "PENDING_APPROVAL": "PENDING APPROVAL",
    "AWAITING_PAYMENT": "AWAITING PAYMENT",
    "READY_TO_ISSUE": "READY TO ISSUE",
    "ISSUED": "ISSUED",
    "TCO": "T.C.O.",
    "FINALED": "FINALED",
    "CANCELLED": "CANCELLED",
    "EXPIRED": "EXPIRED",
}
STAFF = ("admin",)
OPEN = ("SUBMITTED", "IN_REVIEW", "PENDING_APPROVAL", "AWAITING_PAYMENT", "READY_TO_ISSUE")

# (from, to) -> staff roles allowed to make the move ("system" = the suite itself)
TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("SUBMITTED", "IN_REVIEW"): ("admin", "permit_technician", "plan_reviewer"),
    ("IN_REVIEW", "PENDING_APPROVAL"): ("admin", "plan_reviewer"),
    ("PENDING_APPROVAL", "AWAITING_PAYMENT"): ("admin", "permit_technician", "system"),
    ("PENDING_APPROVAL", "READY_TO_ISSUE"): ("admin", "permit_technician"),
    ("AWAITING_PAYMENT", "READY_TO_ISSUE"): ("admin", "cashier", "system"),
    ("READY_TO_ISSUE", "ISSUED"): ("admin", "permit_technician", "system"),
    ("ISSUED", "TCO"): ("admin", "inspector"),
    ("ISSUED", "FINALED"): ("admin", "inspector"),
    ("TCO", "FINALED"): ("admin", "inspector"),
    ("ISSUED", "EXPIRED"): ("system",),
    ("TCO", "EXPIRED"): ("system",),
    ("EXPIRED", "ISSUED"): ("admin", "permit_technician"),  # reinstatement / extension
    ("CANCELLED", "SUBMITTED"): ("admin",),  # reinstatement
    # a refund before issuance reopens the balance (R-PAY-6)
    ("READY_TO_ISSUE", "AWAITING_PAYMENT"): ("system",),
    **{(s, "CANCELLED"): ("admin", "permit_technician") for s in OPEN},
}
ACTIVE = ("ISSUED", "TCO")  # issued and not yet finaled: inspections, expiry (R-PER-5)
CLOSED_TO_FEES = ("CANCELLED", "EXPIRED", "FINALED")


TABLE = StatusTable("a permit", TRANSITIONS, label=lambda s: STATUS_LABELS.get(s, s))


class NotAllowed(Denied):
    """A known move by someone without one of its roles (denied: 403)."""


def moves_for(current: str, roles: list[str]) -> list[str]:
    """The statuses a member with ``roles`` may move a permit from ``current``
    to (the staff console offers these and no others; issue 27)."""
    return [
        to
        for (source, to), allowed in TRANSITIONS.items()
        if source == current and set(roles) & set(allowed)
    ]


def check_transition(current: str, requested: str, roles: list[str]) -> None:
    """The explicit transition table: an unknown move is illegal (409), a known
    move by someone without one of its roles is forbidden (403)."""
    allowed = TABLE.check(current, requested)
    if not set(roles) & set(allowed):
        raise NotAllowed(f"this move needs one of the roles {', '.join(allowed)}")
