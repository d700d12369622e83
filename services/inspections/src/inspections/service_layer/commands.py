"""What a caller asks of inspections: one typed command per change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chassis.commands import Command

Doc = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class PutSettings(Command):
    body: Doc


@dataclass(frozen=True, kw_only=True)
class Request:
    permit_id: str
    inspection_type: str
    date: date
    ampm: str | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Schedule(Command):
    requests: list[Request] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Cancel(Command):
    inspection_id: str
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class Reschedule(Command):
    inspection_id: str
    date: date


@dataclass(frozen=True, kw_only=True)
class RecordResult(Command):
    inspection_id: str
    outcome: str
    comments: str | None = None
    corrections: list[str] = field(default_factory=list)
