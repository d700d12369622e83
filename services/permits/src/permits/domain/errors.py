"""What permits' rules refuse, as plain exceptions with their data (no HTTP,
no request paths): the routes say each as a problem document
(``chassis.problems.as_problem``) and where in their body it is."""

from __future__ import annotations

from chassis.refusals import Denied, Refused


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


class NoFeeLines(PermitRefused):
    """R-PAY-1: an assessment adds at least one line (the body's items, or manual lines)."""

    reason = "empty"

    def __init__(self) -> None:
        super().__init__("no fee lines given")


class NoOwner(PermitRefused):
    """A permit applied for without a property owner has none to change."""

    part = "owner_email"
    reason = "no owner"

    def __init__(self) -> None:
        super().__init__("this permit has no property owner")


class NotYourCompany(PermitRefused, Denied):
    """R-ID-6: a contractor applies for one of its own companies."""

    code = "not-your-company"

    def __init__(self) -> None:
        super().__init__("a contractor applies for one of its own companies")
