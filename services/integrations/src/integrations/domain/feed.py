"""A jurisdiction's event feed (issue 26): every event of the jurisdiction at
its position, read in pages from an opaque cursor.

Positions are 1, 2, 3 … per jurisdiction, given in the transaction that stores
the event, so they follow commit order: a reader that has seen position n
never meets an event at a lower position later. A page is a window of
consecutive positions, so every read is bounded whatever the feed's size;
with a type filter a page may hold fewer items than asked for (even none)
and still have more behind it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from chassis.refusals import Refused

CURSOR_VERSION = "f1"
START = 0  # before the first position
MAX_PAGE = 500


class UnknownCursor(Refused):
    """A cursor this feed did not give out."""

    part = "after"
    reason = "not a cursor of this feed"


def cursor_for(position: int) -> str:
    """The opaque cursor just after ``position``."""
    return base64.urlsafe_b64encode(f"{CURSOR_VERSION}:{position}".encode()).decode().rstrip("=")


def position_of(cursor: str | None) -> int:
    """The position a cursor stands after; no cursor: the start."""
    if not cursor:
        return START
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, number = text.partition(":")
        position = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise UnknownCursor("this cursor was not given out by this feed") from None
    if version != CURSOR_VERSION or position < START:
        raise UnknownCursor("this cursor was not given out by this feed")
    return position


@dataclass(frozen=True)
class Window:
    """The positions one page reads: after ``after``, at most ``size``."""

    after: int
    size: int

    @property
    def last(self) -> int:
        return self.after + self.size

    def within(self, head: int) -> Window:
        """No further than the newest position ``head``."""
        return Window(self.after, max(0, min(self.size, head - self.after)))


def wanted(event_type: str, types: frozenset[str]) -> bool:
    """A type filter of full CloudEvents types, or of their prefixes
    (``permitsuite.permits.`` for every permit event); none: every type."""
    return not types or any(
        event_type == t or (t.endswith(".") and event_type.startswith(t)) for t in types
    )
