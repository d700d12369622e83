"""What inspections' rules refuse, as plain exceptions with their data (no
HTTP, no request paths): ``entrypoints/problems.py`` says each as a problem
document, and the route that knows its body says where in it.

``index`` is the refused request's place among a submit's requests (R-INS-4),
when there are several; ``part`` the part of a request that is refused."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar


class InspectionRefused(Exception):
    status: ClassVar[int] = 422
    slug: ClassVar[str | None] = None  # the problem type's own
    part: ClassVar[str | None] = None
    reason: ClassVar[str] = "refused"

    def __init__(self, message: str, *, index: int | None = None, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.index = index
        self.data = data


class AmPmNotOffered(InspectionRefused):
    """R-INS-3: this jurisdiction takes no AM/PM preference."""

    part = "ampm"
    reason = "not offered"

    def __init__(self, *, index: int | None = None) -> None:
        super().__init__("this jurisdiction does not take AM/PM requests", index=index)


class RequestedTwice(InspectionRefused):
    reason = "duplicate"

    def __init__(self, *, index: int | None = None) -> None:
        super().__init__("the same inspection is requested twice", index=index)


class AlreadyScheduled(InspectionRefused):
    status = 409
    slug = "already-scheduled"
    reason = "already scheduled"

    def __init__(self, number: str, inspection_type: str, day: str, *, index: int | None = None):
        super().__init__(f"{number} {inspection_type} is already scheduled for {day}", index=index)


class DateUnavailable(InspectionRefused):
    """R-INS-2: the day is not (or no longer) offered for this inspection."""

    status = 409
    slug = "date-unavailable"
    part = "date"
    reason = "not available"

    def __init__(self, day: date, inspection_type: str, *, index: int | None = None) -> None:
        super().__init__(
            f"{day.isoformat()} is not available for {inspection_type} "
            "(choose another offered date)",
            index=index,
            date=day.isoformat(),
        )
        self.day = day
        self.inspection_type = inspection_type


class DayNotAllowed(InspectionRefused):
    """A move to the day it is on already, or (staff) not to a working day ahead."""

    part = "date"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # type: ignore[misc]
