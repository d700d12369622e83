"""One webhook endpoint while a worker holds it: its place in the feed and
the attempts not yet written to its log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from integrations.adapters.sender import Sent

Doc = dict[str, Any]


@dataclass
class Lane:
    """One endpoint while this worker holds it."""

    doc: Doc
    cursor: int
    logged: int
    attempts: list[Doc] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Doc) -> Lane:
        return cls(doc, int(doc.get("cursor", 0)), int(doc.get("logged", 0)))

    @property
    def id(self) -> str:
        return str(self.doc["_id"])

    def note(self, event: Doc, sent: Sent, at: datetime, *, manual: bool) -> None:
        """Keep one attempt for the log (written with the lane's next hold)."""
        self.attempts.append(
            {
                "_id": uuid.uuid4().hex,
                "jurisdiction_id": self.doc["jurisdiction_id"],
                "endpoint_id": self.id,
                "seq": self.logged + len(self.attempts) + 1,
                "event_id": event["_id"],
                "type": event["type"],
                "position": event["position"],
                "at": at,
                "manual": manual,
                "attempt": 1 if manual else int(self.doc.get("attempt", 0)) + 1,
                "status": sent.outcome.status,
                "delivered": sent.outcome.delivered,
                "error": sent.outcome.error,
                "latency_ms": sent.latency_ms,
                "response": sent.excerpt,
            }
        )
