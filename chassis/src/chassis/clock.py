"""Injectable clock and jurisdiction time-zone helpers.

Every rule with a deadline reads time from a :class:`Clock`; tests use
:class:`ManualClock` and move it instead of sleeping.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """The system clock moved by a fixed amount: time runs at its normal
    speed, from another instant (a demo or a test at a chosen hour)."""

    def __init__(self, shift: timedelta) -> None:
        self.shift = shift

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


CLOCK_SHIFT_VARIABLE = "PERMITSUITE_CLOCK_SHIFT_SECONDS"


def configured_clock() -> Clock:
    """The clock a process runs on: the system's, or — for the embedded suite
    in tests and demos only — shifted by ``PERMITSUITE_CLOCK_SHIFT_SECONDS``
    (every process of one suite gets the same value, so tokens, deadlines
    and dates agree between them). Keep it forward: stored expiry dates are
    pruned by the database's own, unshifted clock."""
    shift = os.environ.get(CLOCK_SHIFT_VARIABLE, "").strip()
    if not shift:
        return SystemClock()
    try:
        seconds = float(shift)
    except ValueError as exc:
        raise ValueError(f"{CLOCK_SHIFT_VARIABLE} must be a number of seconds: {shift!r}") from exc
    return ShiftedClock(timedelta(seconds=seconds))


class ManualClock:
    """A clock that only moves when told to (for tests)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        self._now = instant


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ``ValueError`` if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone: {name!r}") from exc


def local_time(instant: datetime, tz_name: str) -> datetime:
    """``instant`` as wall-clock time in the jurisdiction's zone."""
    return instant.astimezone(zone(tz_name))


def as_utc(instant: datetime) -> datetime:
    """Normalise a datetime read back from Mongo (naive UTC) to aware UTC."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)
