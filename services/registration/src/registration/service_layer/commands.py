"""What a caller asks of registration: one typed command per change.

Staff act with a token (``Command``: jurisdiction and actor); a registrant
has no login yet and acts on their draft by its registration token
(``DraftCommand``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from chassis.commands import Command

Doc = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class PutConfig(Command):
    config: Doc


@dataclass(frozen=True, kw_only=True)
class MarkRequirement(Command):
    registration_id: str
    requirement_id: str
    decision: Literal["approved", "needs_info"]
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Decide(Command):
    registration_id: str
    decision: Literal["accept", "return", "deny"]
    reason: str | None
    version: int
    resume_link_days: int  # how long a returned registration's emailed link lasts


@dataclass(frozen=True, kw_only=True)
class DraftCommand:
    """A registrant's change to their draft, by its registration token."""

    jurisdiction_id: str
    registration_id: str
    token: str | None


@dataclass(frozen=True, kw_only=True)
class UpdateDraft(DraftCommand):
    changes: Doc


@dataclass(frozen=True, kw_only=True)
class AnswerField(DraftCommand):
    requirement_id: str
    value: str


@dataclass(frozen=True, kw_only=True)
class Resubmit(DraftCommand):
    pass
