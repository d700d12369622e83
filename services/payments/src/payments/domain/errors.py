"""What payments' rules refuse, as plain exceptions with their data (no HTTP,
no request paths): the routes say each as a problem document
(``chassis.problems.as_problem``) and where in their body it is: the cart,
its payment method, fees due and refunds, and a provider that does not answer."""

from __future__ import annotations

from chassis.refusals import Refused, Unavailable


class PaymentRefused(Refused):
    """Anything payments' rules refuse."""


class UnknownMethod(PaymentRefused):
    """R-PAY-4: a method the jurisdiction does not offer."""

    part = "method"

    def __init__(self, method: str, offered: list[str]) -> None:
        reason = f"choose from {offered}"
        super().__init__("unknown payment method", reason=reason, method=method, offered=offered)


class NothingDue(PaymentRefused):
    """R-PAY-3: a permit with no open fee to put in a cart."""

    reason = "nothing due"

    def __init__(self, number: str | None, *, index: int | None = None) -> None:
        what = f"permit {number}" if number else "this permit"
        super().__init__(f"{what} has no fees due", index=index)
        self.number = number


class CartEmpty(PaymentRefused):
    """R-PAY-3: a checkout of a cart with no fees due in it."""

    part = "cart"
    reason = "empty"

    def __init__(self) -> None:
        super().__init__("your cart has no fees due")


class LinesNotOpen(PaymentRefused):
    """R-PAY-3: only open fee lines are paid (one permit's chosen lines, or a
    counter payment's permits)."""

    reason = "not open"

    def __init__(self, part: str, reason: str) -> None:
        super().__init__("only open fee lines can be paid", parts=[(part, reason)])


class NotRefundable(PaymentRefused):
    """R-PAY-6: a refund takes paid lines not yet refunded."""

    part = "line_ids"

    def __init__(self, unknown: list[str]) -> None:
        message = "only paid lines not yet refunded can be refunded"
        super().__init__(message, reason=f"not refundable: {unknown}")


class ProviderUnavailable(PaymentRefused, Unavailable):
    """The payment provider does not answer: nothing was charged or changed."""

    code = "provider-unavailable"
    title = "Payment provider unavailable"
