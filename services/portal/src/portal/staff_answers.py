"""The gateway's answers as the staff console reads them (issue 27): the
staff's views of permits, payments, inspections, registrations and people,
on top of the answers every page reads (:mod:`portal.answers`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from portal.answers import Answer, Company, Inspection, Payment, Permit, Registration

Doc = dict[str, Any]


class Member(Answer):
    """A person's membership as the jurisdiction's staff manage it; ``pin``
    only in the answer that created it with one (shown once)."""

    membership_id: str
    account_id: str
    email: str
    display_name: str = ""
    kind: str
    status: str
    roles: list[str] = Field(default_factory=list)
    company_ids: list[str] = Field(default_factory=list)
    company_admin_of: list[str] = Field(default_factory=list)
    pin: str | None = None


class StaffCompany(Company):
    license_number: str
    trades: list[str] = Field(default_factory=list)


class Move(Answer):
    to: str
    label: str


class StaffPermit(Permit):
    """A permit as its staff see it: where they may move it now (the
    transition table for their roles), at which version."""

    status_label: str
    version: int
    applied_at: datetime
    valuation: str | None = None
    fees_due: str = "0.00"
    fees: list[Doc] = Field(default_factory=list)
    documents: list[Doc] = Field(default_factory=list)
    comments: list[Doc] | None = None
    history: list[Doc] | None = None
    moves: list[Move] = Field(default_factory=list)


class FeeQuote(Answer):
    """Fees asked for, priced from the schedule as assessing would price them."""

    lines: list[Doc]
    total: str


class StaffPayment(Payment):
    """A payment as the cashier sees it: what of it was refunded, and how."""

    channel: str = "online"
    refunded: str = "0.00"
    refunds: list[Doc] = Field(default_factory=list)
    created_at: datetime | None = None


class StaffInspection(Inspection):
    """An inspection as staff's lists show it: the permit, the site and its
    inspector area, and how it went."""

    record_no: str
    address: str | None = None
    area: str | None = None
    ampm: str | None = None
    note: str | None = None
    result: str | None = None
    comments: str | None = None
    corrections: list[str] = Field(default_factory=list)


class QueueSection(Answer):
    total: int
    items: list[Doc] = Field(default_factory=list)


class StaffQueues(Answer):
    """The work queues the member's roles work, and those whose service did not answer."""

    queues: dict[str, QueueSection] = Field(default_factory=dict)
    degraded: list[str] = Field(default_factory=list)


class StaffRegistration(Registration):
    """A registration as its reviewers see it: the round, the version a
    decision is made at, and every round's history."""

    email: str
    round: int = 1
    version: int
    submitted_at: datetime | None = None
    decision_reason: str | None = None
    history: list[Doc] = Field(default_factory=list)


class RegistrationRow(Answer):
    id: str
    email: str
    status: str
    round: int = 1
    company_name: str | None = None
    trades: list[str] = Field(default_factory=list)
    submitted_at: datetime | None = None
