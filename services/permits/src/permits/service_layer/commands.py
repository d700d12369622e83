"""What a caller asks of permits: one typed command per change."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chassis.commands import Command

Doc = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class PutPermitType(Command):
    code: str
    body: Doc


@dataclass(frozen=True, kw_only=True)
class Apply(Command):
    type_code: str
    site: Doc
    applicant: Doc
    owner: Doc | None = None
    description: str | None = None
    valuation: Decimal = Decimal("0")
    company_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Transition(Command):
    permit_id: str
    to: str
    comment: str | None
    version: int


@dataclass(frozen=True, kw_only=True)
class AssessFees(Command):
    permit_id: str
    items: list[tuple[str, Decimal]] = field(default_factory=list)
    manual: list[tuple[str, Decimal, str]] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class VoidFee(Command):
    permit_id: str
    line_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ChangeParties(Command):
    permit_id: str
    add_companies: list[str] = field(default_factory=list)
    remove_companies: list[str] = field(default_factory=list)
    applicant_email: str | None = None
    owner_email: str | None = None


@dataclass(frozen=True, kw_only=True)
class AddComment(Command):
    permit_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class LinkPermit(Command):
    number: str
    second_fact: str


@dataclass(frozen=True, kw_only=True)
class UnlinkPermit(Command):
    permit_id: str
