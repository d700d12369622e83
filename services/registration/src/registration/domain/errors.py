"""What registration's rules refuse, as plain exceptions with their data (no
HTTP): the refused parts are named as the registration names them
(``company_name``, ``profile.address``, ``requirements.<id>``); the service
says each as a problem document (``chassis.refusals``)."""

from __future__ import annotations

from chassis.refusals import Refused


class RegistrationRefused(Refused):
    """Anything registration's rules refuse."""


class Incomplete(RegistrationRefused):
    """R-REG-3: submitted with what the jurisdiction requires missing."""

    code = "registration-incomplete"

    def __init__(self, missing: list[tuple[str, str]]) -> None:
        names = ", ".join(part for part, _ in missing)
        super().__init__(f"the registration is not complete: {names}", parts=missing)


class NeedsInfoOpen(RegistrationRefused):
    """R-REG-4: resubmitted before every Needs Info requirement was updated."""

    code = "needs-info-open"

    def __init__(self, requirement_ids: list[str]) -> None:
        parts = [(f"requirements.{r}", "needs info") for r in requirement_ids]
        super().__init__("update every requirement marked Needs Info first", parts=parts)


class ReasonRequired(RegistrationRefused):
    """R-REG-4: a Needs Info mark says what is needed; a denial says why."""

    reason = "required"

    def __init__(self, what: str, message: str) -> None:
        super().__init__(message, parts=[(what, "required")])


class NothingMarked(RegistrationRefused):
    """R-REG-4: a return names at least one requirement Needs Info."""

    part = "requirements"
    reason = "none marked Needs Info"

    def __init__(self) -> None:
        super().__init__("mark at least one requirement Needs Info before returning")


class NotOffered(RegistrationRefused):
    """R-REG-1: a trade or license type the jurisdiction does not offer online."""

    def __init__(self, what: str, unknown: list[str], offered: list[str]) -> None:
        label = "trades" if what == "trades" else "license types not offered online"
        message = f"unknown {label}: {unknown}" if what == "trades" else f"{label}: {unknown}"
        super().__init__(message, parts=[(what, f"choose from {offered}")])


class ConfigRefused(RegistrationRefused):
    """A jurisdiction's registration settings that do not hold together."""

    part = "requirements"

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message, reason=reason or message)


class WrongKind(RegistrationRefused):
    """A document requirement answered with a value, or a field with a file."""

    def __init__(self, kind: str) -> None:
        if kind == "field":
            super().__init__(
                "this requirement is a document: upload a file",
                parts=[("value", "upload a file instead")],
            )
        else:
            super().__init__(
                "this requirement is a field: send a value",
                parts=[("file", "send a value instead")],
            )
