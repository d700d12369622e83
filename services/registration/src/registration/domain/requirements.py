"""Registration requirements and the status table (R-REG-1 … R-REG-5), pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from chassis.numbers import parse_decimal
from chassis.status import StatusTable
from registration.domain.errors import RegistrationRefused

Status = Literal["draft", "pending_validation", "returned", "accepted", "denied"]
Decision = Literal["accept", "return", "deny"]
FieldType = Literal["text", "number", "date", "license_number", "insurance_expiry"]

OUTCOME: dict[str, Status] = {"accept": "accepted", "return": "returned", "deny": "denied"}
EDITABLE: tuple[Status, ...] = ("draft", "returned")


class RuleBroken(RegistrationRefused):
    """A requirement's field answered against its rule (a date in the past…)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, parts=[(field, message)])
        self.field = field


TRANSITIONS: dict[tuple[str, str], Status] = {
    ("draft", "submit_automatic"): "accepted",
    ("draft", "submit_review"): "pending_validation",
    ("pending_validation", "accept"): "accepted",
    ("pending_validation", "return"): "returned",
    ("pending_validation", "deny"): "denied",
    ("returned", "resubmit"): "pending_validation",
}


TABLE = StatusTable("a registration", TRANSITIONS, refusal="cannot be")


def transition(current: str, action: str) -> Status:
    """The explicit transition table; anything else is refused (409)."""
    return TABLE.check(current, action)


@dataclass(frozen=True)
class Requirement:
    id: str
    label: str
    kind: Literal["field", "document"]
    required: bool
    field_type: FieldType = "text"
    accepted_types: tuple[str, ...] = ("application/pdf",)
    max_bytes: int | None = None
    trades: tuple[str, ...] = ()
    license_types: tuple[str, ...] = ()

    def applies(self, trades: list[str], license_types: list[str]) -> bool:
        """No filter means every registration; otherwise any chosen trade or license."""
        if not self.trades and not self.license_types:
            return True
        return bool(set(self.trades) & set(trades)) or bool(
            set(self.license_types) & set(license_types)
        )

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Requirement:
        return cls(
            id=doc["id"],
            label=doc["label"],
            kind=doc["kind"],
            required=doc.get("required", True),
            field_type=doc.get("field_type", "text"),
            accepted_types=tuple(doc.get("accepted_types") or ("application/pdf",)),
            max_bytes=doc.get("max_bytes"),
            trades=tuple(doc.get("trades", ())),
            license_types=tuple(doc.get("license_types", ())),
        )


def applicable(
    requirements: list[Requirement], trades: list[str], license_types: list[str]
) -> list[Requirement]:
    return [r for r in requirements if r.applies(trades, license_types)]


def provided(requirement: Requirement, answer: dict[str, Any] | None) -> bool:
    if not answer:
        return False
    if requirement.kind == "document":
        return answer.get("document") is not None
    return answer.get("value") not in (None, "")


def missing(
    requirements: list[Requirement],
    answers: dict[str, Any],
    trades: list[str],
    license_types: list[str],
) -> list[Requirement]:
    """Required, applicable and not provided: submit is refused while any remain."""
    return [
        r
        for r in applicable(requirements, trades, license_types)
        if r.required and not provided(r, answers.get(r.id))
    ]


LICENSE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,39}$")


def validate_field(requirement: Requirement, raw: str, today: date) -> str:
    """Check and normalise a field answer by its type."""
    value = raw.strip()
    if not value:
        raise RuleBroken("value", f"{requirement.label} is empty")
    match requirement.field_type:
        case "number":
            try:
                parse_decimal(value, places=4, maximum=Decimal("999999999999"))
            except ValueError as exc:
                raise RuleBroken("value", f"{requirement.label} {exc}") from None
        case "date" | "insurance_expiry":
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                raise RuleBroken(
                    "value", f"{requirement.label} must be a date (YYYY-MM-DD)"
                ) from None
            if requirement.field_type == "insurance_expiry" and parsed <= today:
                raise RuleBroken("value", f"{requirement.label}: the insurance has expired")
            value = parsed.isoformat()
        case "license_number":
            if not LICENSE.match(value):
                raise RuleBroken("value", f"{requirement.label} is not a license number")
            value = value.upper()
        case _:
            if len(value) > 2000:
                raise RuleBroken("value", f"{requirement.label} is too long")
    return value


def requirement_view(
    requirements: list[Requirement],
    answers: dict[str, Any],
    trades: list[str],
    license_types: list[str],
) -> list[dict[str, Any]]:
    """Each requirement that applies, with its answer and its review (the
    registrant's and the reviewer's pages)."""
    out = []
    for r in applicable(requirements, trades, license_types):
        answer = answers.get(r.id) or {}
        review = answer.get("review") or {}
        out.append(
            {
                "id": r.id,
                "label": r.label,
                "kind": r.kind,
                "required": r.required,
                "field_type": r.field_type if r.kind == "field" else None,
                "accepted_types": list(r.accepted_types) if r.kind == "document" else None,
                "provided": provided(r, answer),
                "value": answer.get("value"),
                "document": answer.get("document"),
                "review": review.get("decision"),
                "comment": review.get("comment"),
            }
        )
    return out
