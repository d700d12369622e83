"""What payments' rules refuse, as plain exceptions with their data (no HTTP,
no request paths): the routes say each as a problem document
(``chassis.refusals.as_problem``) and where in their body it is. First slice
(issue 24): the cart, its payment method and fees due."""

from __future__ import annotations

from chassis.refusals import Refused


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
