"""The aggregate: the one object of a service that changes its own state.

An aggregate checks its own rules, bumps its own version once per unit of
work, writes its own history entries and collects the integration events its
changes produce. Handlers load it, call one method named after the rule, and
save it; :class:`chassis.repository.AggregateRepository` checks the version
it was loaded at and hands the collected events to the unit of work's outbox
in the same transaction (cosmicpython's ``Product.allocate``, eShop's
``Order.SetPaidStatus``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contracts import IntegrationEvent

SYSTEM = "system"  # the suite itself, as the actor of automatic changes


@dataclass(kw_only=True)
class HistoryEntry:
    """One line of an aggregate's history: a status move or a noted change."""

    at: datetime
    by: str
    from_status: str | None
    to: str
    comment: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_doc(self) -> dict[str, Any]:
        doc = {
            "at": self.at,
            "by": self.by,
            "from": self.from_status,
            "to": self.to,
            "comment": self.comment,
        }
        if self.details:
            doc["details"] = self.details
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> HistoryEntry:
        """Also reads older entries: ``{at, what, by}`` and ``{at, actor, action, details}``."""
        return cls(
            at=doc["at"],
            by=doc.get("by") or doc.get("actor") or SYSTEM,
            from_status=doc.get("from"),
            to=doc.get("to", ""),
            comment=doc.get("comment", doc.get("what", doc.get("action"))),
            details=dict(doc.get("details") or {}),
        )


@dataclass(kw_only=True, eq=False)
class Aggregate:
    """Identity, tenancy, version, history and the events not yet saved.

    ``version`` is what the aggregate will be saved at: the first change in a
    unit of work moves it one past the version it was loaded at, and every
    event of that unit of work carries it (consumers order a source's events
    by version). A new aggregate is loaded at version 0.
    """

    id: str
    jurisdiction_id: str
    version: int = 0
    history: list[HistoryEntry] = field(default_factory=list)
    _loaded_version: int = field(default=0, init=False, repr=False)
    _events: list[IntegrationEvent] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self._loaded_version = self.version

    # -- for the aggregate's own methods ------------------------------------
    def _change(self) -> int:
        """Every method that changes state calls this first; returns the new version."""
        if self.version == self._loaded_version:
            self.version += 1
        return self.version

    def _record(self, event: IntegrationEvent) -> None:
        self._events.append(event)

    def _note(
        self,
        *,
        at: datetime,
        by: str,
        from_status: str | None,
        to: str,
        comment: str | None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.history.append(
            HistoryEntry(
                at=at, by=by, from_status=from_status, to=to, comment=comment, details=details or {}
            )
        )

    def _set_fields(self, changes: dict[str, Any], *, at: datetime, by: str, to: str) -> None:
        """Set each changed field and note which ones changed (``to``: what
        the history calls it, "updated", "configured")."""
        self._change()
        for name, value in changes.items():
            setattr(self, name, value)
        self._note(
            at=at,
            by=by,
            from_status=None,
            to=to,
            comment=None,
            details={"fields": sorted(changes)},
        )

    # -- for repositories -----------------------------------------------------
    @property
    def loaded_version(self) -> int:
        return self._loaded_version

    @property
    def is_new(self) -> bool:
        return self._loaded_version == 0

    @property
    def changed(self) -> bool:
        return self.version != self._loaded_version

    @property
    def pending_events(self) -> list[IntegrationEvent]:
        return list(self._events)

    def pull_events(self) -> list[IntegrationEvent]:
        events, self._events = self._events, []
        return events

    def mark_saved(self) -> None:
        self._loaded_version = self.version
