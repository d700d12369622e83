"""What permits' rules refuse, as plain exceptions with their data (no HTTP,
no request paths): the routes say each as a problem document
(``chassis.refusals.as_problem``) and where in their body it is."""

from __future__ import annotations

from chassis.refusals import Refused


class PermitRefused(Refused):
    """Anything permits' rules refuse."""


class UnknownFee(PermitRefused):
    """R-PAY-1: a fee code the type's schedule does not have."""

    part = "code"
    reason = "unknown"

    def __init__(self, code: str, *, index: int | None = None) -> None:
        super().__init__(f"no fee {code!r} in the schedule", index=index)


class FeeTooLarge(PermitRefused):
    """R-PAY-1: a line of more than 99,999,999.99."""

    part = "quantity"
    reason = "too large"

    def __init__(self, code: str, *, index: int | None = None) -> None:
        super().__init__(f"the fee {code} would come to more than 99,999,999.99", index=index)


class UnknownPermitType(PermitRefused):
    part = "type_code"
    reason = "unknown"

    def __init__(self, code: str) -> None:
        super().__init__("unknown permit type", type_code=code)


class NumberFormatRefused(PermitRefused):
    """R-PER-2: a number format that cannot number, or numbers like another type."""

    part = "number_format"

    def __init__(self, message: str) -> None:
        super().__init__(message, reason=message)
