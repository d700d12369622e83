"""Status machines: one explicit table per kind of record, one exception.

A table maps each allowed move — ``(current, requested)``, where requested
is a status or an action's name — to what the move carries: the status it
leads to, the roles that may make it, or nothing. Anything not in the table
is refused with :class:`IllegalTransition` (a conflict, said as 409
``illegal-transition``, naming both), whatever the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from chassis.refusals import Conflicting

V = TypeVar("V")


class IllegalTransition(Conflicting):
    """A move the record's status table does not have."""

    code = "illegal-transition"

    def __init__(self, current: str, requested: str, detail: str) -> None:
        super().__init__(detail, current=current, requested=requested)
        self.current = current
        self.requested = requested


def _as_is(status: str) -> str:
    return status


@dataclass(frozen=True)
class StatusTable(Generic[V]):
    """``record`` names the kind in messages, with its article ("a permit",
    "an inspection": "a permit that is … cannot become …"); ``label`` turns a
    status into the words people see."""

    record: str
    moves: Mapping[tuple[str, str], V]
    label: Callable[[str], str] = field(default=_as_is)
    refusal: str = "cannot become"  # a table of actions: "cannot be"

    @classmethod
    def of(cls, record: str, pairs: Iterable[tuple[str, str]]) -> StatusTable[None]:
        """A table of plain moves, ``(from, to)``, that carry nothing."""
        return StatusTable(record, dict.fromkeys(pairs))

    def check(self, current: str, requested: str) -> V:
        """What the move carries; :class:`IllegalTransition` if there is no such move."""
        if (current, requested) not in self.moves:
            raise IllegalTransition(
                current,
                requested,
                f"{self.record} that is {self.label(current)} {self.refusal} "
                f"{self.label(requested)}",
            )
        return self.moves[(current, requested)]
