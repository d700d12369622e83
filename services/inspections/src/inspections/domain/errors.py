"""What inspections' rules refuse, as plain exceptions with their data (no
HTTP, no request paths): the routes say each as a problem document
(``chassis.problems.as_problem``) and where in their body it is.

``index`` is the refused request's place among a submit's requests (R-INS-4),
when there are several; ``part`` the part of a request that is refused."""

from __future__ import annotations

from datetime import date

from chassis.refusals import Conflicting, Refused


class InspectionRefused(Refused):
    """Anything inspections' rules refuse."""


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


class AlreadyScheduled(InspectionRefused, Conflicting):
    code = "already-scheduled"
    reason = "already scheduled"

    def __init__(self, number: str, inspection_type: str, day: str, *, index: int | None = None):
        super().__init__(f"{number} {inspection_type} is already scheduled for {day}", index=index)


class DateUnavailable(InspectionRefused, Conflicting):
    """R-INS-2: the day is not (or no longer) offered for this inspection."""

    code = "date-unavailable"
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
        super().__init__(message, reason=reason)


class NotInspectable(InspectionRefused, Conflicting):
    """R-INS-1: inspections are for issued permits."""

    code = "permit-not-inspectable"

    def __init__(self, number: str | None, status: str | None, *, index: int | None = None) -> None:
        super().__init__(f"{number} is {status}: inspections need an issued permit", index=index)


class NoSuchInspectionType(InspectionRefused):
    """R-INS-1: an inspection type the permit's type does not list."""

    part = "inspection_type"

    def __init__(
        self, number: str | None, inspection_type: str, offered: list[str], *, index: int | None
    ) -> None:
        message = f"{number} has no {inspection_type} inspection"
        super().__init__(message, index=index, reason=f"choose from {offered}")


class FeesDue(InspectionRefused, Conflicting):
    """R-INS-1: where the jurisdiction says so, fees are paid before inspections."""

    code = "fees-due"

    def __init__(self, number: str | None, *, index: int | None = None) -> None:
        message = f"{number} has fees due; pay them before scheduling inspections"
        super().__init__(message, index=index)


class CorrectionsRequired(InspectionRefused):
    """R-INS-6: a failed inspection lists the corrections needed."""

    part = "corrections"
    reason = "required for fail"

    def __init__(self) -> None:
        super().__init__("a failed inspection lists the corrections needed")


class CutoffPassed(InspectionRefused, Conflicting):
    """R-INS-5: cancelling or moving closes at the cut-off on the inspection's day."""

    def __init__(self, change: str, message: str) -> None:
        super().__init__(message, code=f"{change}-cutoff-passed")
