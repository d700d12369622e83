"""Money: integer minor units and an ISO 4217 currency, with Decimal rules.

Amounts are kept and summed as integers of the currency's minor unit (cents);
a Decimal is rounded to that unit once, by a named rule, where an amount is
computed (a fee from a rate, a convenience fee from a percentage). Every
currency the suite accepts has a two-digit minor unit
(:data:`chassis.numbers.CurrencyCode` refuses the others), so the unit is
checked here rather than looked up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

HALF_UP = "half-up-cent-once-per-line.v1"
HALF_EVEN = "half-even-cent-once-per-line.v1"  # banker's rounding
ROUNDING_RULES = {HALF_UP: ROUND_HALF_UP, HALF_EVEN: ROUND_HALF_EVEN}
CENT = Decimal("0.01")
SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "EUR": "€", "GBP": "£"}


def round_cents(amount: Decimal, rule: str = HALF_UP) -> Decimal:
    """``amount`` rounded to the cent by ``rule`` (a rule id recorded with payments)."""
    return amount.quantize(CENT, rounding=ROUNDING_RULES[rule])


def to_minor(amount: Decimal, rule: str = HALF_UP) -> int:
    return int(round_cents(amount, rule) * 100)


def from_minor(minor: int) -> Decimal:
    return (Decimal(minor) / 100).quantize(CENT)


def amount_text(minor: int) -> str:
    """``1234.5`` dollars as the API writes amounts: ``"1234.50"``."""
    return f"{from_minor(minor):.2f}"


@dataclass(frozen=True, order=True)
class Money:
    """An amount in minor units of ``currency``; sums refuse mixed currencies."""

    minor: int
    currency: str = "USD"

    @classmethod
    def of(cls, amount: Decimal, currency: str = "USD", rule: str = HALF_UP) -> Money:
        return cls(to_minor(amount, rule), currency)

    @classmethod
    def zero(cls, currency: str = "USD") -> Money:
        return cls(0, currency)

    @property
    def amount(self) -> Decimal:
        return from_minor(self.minor)

    @property
    def is_zero(self) -> bool:
        return self.minor == 0

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __str__(self) -> str:
        """The API's text: ``"1234.50"`` (the currency travels beside it)."""
        return amount_text(self.minor)

    def display(self) -> str:
        """For people: ``$1,234.50``, ``€12.00``, ``1,234.50 CHF``."""
        sign = "-" if self.minor < 0 else ""
        text = f"{abs(self.amount):,.2f}"
        symbol = SYMBOLS.get(self.currency)
        return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {self.currency}"


def total(amounts: list[Money], currency: str = "USD") -> Money:
    result = Money.zero(amounts[0].currency if amounts else currency)
    for amount in amounts:
        result = result + amount
    return result
