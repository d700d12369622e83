"""What the broker acknowledged last: per partition, the offset a published
event got and its id (``chassis.recovery`` looks them up to notice a broker
that lost what was published)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mark:
    topic: str  # logical (the outbox's) topic
    partition: int
    offset: int
    event_id: str


class Marks:
    """The newest published record per partition, in memory."""

    def __init__(self) -> None:
        self._marks: dict[tuple[str, int], Mark] = {}

    def note(self, topic: str, partition: int, offset: int, event_id: str) -> None:
        current = self._marks.get((topic, partition))
        if current is None or offset > current.offset:
            self._marks[(topic, partition)] = Mark(topic, partition, offset, event_id)

    def all(self) -> list[Mark]:
        return list(self._marks.values())

    def forget(self, topic: str) -> None:
        for key in [k for k in self._marks if k[0] == topic]:
            del self._marks[key]

    def adopt(self, mark: Mark) -> None:
        """A saved mark, unless a newer one was noted since."""
        self.note(mark.topic, mark.partition, mark.offset, mark.event_id)
