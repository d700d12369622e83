"""Permit rules (R-PER-1, R-PER-3, R-ID-6), pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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
    **{(s, "CANCELLED"): ("admin", "permit_technician") for s in OPEN},
}


class IllegalTransition(ValueError):
    def __init__(self, current: str, requested: str) -> None:
        super().__init__(
            f"a permit that is {STATUS_LABELS.get(current, current)} cannot become "
            f"{STATUS_LABELS.get(requested, requested)}"
        )
        self.current = current
        self.requested = requested


class NotAllowed(PermissionError):
    pass


def check_transition(current: str, requested: str, roles: list[str]) -> None:
    """The explicit transition table: an unknown move is illegal (409), a known
    move by someone without one of its roles is forbidden (403)."""
    allowed = TRANSITIONS.get((current, requested))
    if allowed is None:
        raise IllegalTransition(current, requested)
    if not set(roles) & set(allowed):
        raise NotAllowed(f"this move needs one of the roles {', '.join(allowed)}")


# -- numbering (R-PER-1) --------------------------------------------------------
_TOKEN = re.compile(r"\{(yy|yyyy|seq:0(\d))\}")


@dataclass(frozen=True)
class NumberFormat:
    """``RES{yy}-{seq:04}`` → ``RES17-0150``; ``BRES{yyyy}-{seq:04}`` → ``BRES2018-0000``."""

    pattern: str

    def __post_init__(self) -> None:
        tokens = [m.group(1) for m in _TOKEN.finditer(self.pattern)]
        seqs = [t for t in tokens if t.startswith("seq")]
        years = [t for t in tokens if not t.startswith("seq")]
        leftover = _TOKEN.sub("", self.pattern)
        if len(seqs) != 1 or len(years) > 1 or "{" in leftover or "}" in leftover:
            raise ValueError(
                "a number format has one {seq:0N}, at most one {yy} or {yyyy}, and no other braces"
            )

    @property
    def yearly(self) -> bool:
        return "{yy}" in self.pattern or "{yyyy}" in self.pattern

    def render(self, year: int, seq: int) -> str:
        def sub(m: re.Match[str]) -> str:
            token = m.group(1)
            if token == "yy":
                return f"{year % 100:02d}"
            if token == "yyyy":
                return f"{year:04d}"
            return f"{seq:0{int(m.group(2))}d}"

        return _TOKEN.sub(sub, self.pattern)

    def _regex(self) -> re.Pattern[str]:
        parts, last = [], 0
        for m in _TOKEN.finditer(self.pattern):
            parts.append(re.escape(self.pattern[last : m.start()]))
            token = m.group(1)
            if token == "yy":
                parts.append(r"\d{2}")
            elif token == "yyyy":
                parts.append(r"\d{4}")
            else:
                parts.append(rf"\d{{{int(m.group(2))},}}")
            last = m.end()
        parts.append(re.escape(self.pattern[last:]))
        return re.compile("".join(parts))

    def overlaps(self, other: NumberFormat) -> bool:
        """Whether the two formats could hand out the same number (numbers are
        unique per jurisdiction, so two types may not share a numbering)."""
        samples = [(2026, 1), (2026, 123_456_789)]
        return any(
            a._regex().fullmatch(b.render(year, seq)) is not None
            for a, b in ((self, other), (other, self))
            for year, seq in samples
        )


# -- access (R-ID-6) ------------------------------------------------------------
def may_see(permit: dict[str, Any], principal: Any) -> bool:
    """Applicant or owner email, an authorized user of a company on the permit,
    staff of the jurisdiction, or a public user who linked it."""
    if principal.jurisdiction_id != permit["jurisdiction_id"]:
        return bool(principal.is_operator())
    if principal.kind == "staff":
        return True
    email = (principal.email or "").lower()
    if email and email in {
        (permit.get("applicant") or {}).get("email"),
        (permit.get("owner") or {}).get("email"),
    }:
        return True
    if set(principal.company_ids) & set(permit.get("company_ids", [])):
        return True
    return principal.account_id in permit.get("linked_accounts", [])
