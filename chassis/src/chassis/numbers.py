"""Decimal input that means what it says: amounts, rates and quantities.

``Decimal(text)`` takes far more than a person means by a number — ``NaN``,
``Infinity``, ``1e3``, ``1_000``, Arabic-Indic digits — and an amount with
more places than the currency has would be rounded away silently (``0.001``
became a $0.00 fee line). Every decimal a client sends goes through
:func:`parse_decimal`: ASCII digits, an optional point and at most ``places``
decimals, within ``[minimum, maximum]``; a JSON number is taken only when it
is such a decimal too. As a field type (:func:`decimal_text`) the failure is
a 422 naming the field; the canonical text is what the handler receives.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

_DECIMAL = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?", re.ASCII)


def parse_decimal(
    value: Any,
    *,
    places: int,
    minimum: Decimal = Decimal(0),
    maximum: Decimal,
) -> Decimal:
    """``value`` (text, int or finite float) as a Decimal, or ValueError saying why."""
    if isinstance(value, bool):
        raise ValueError("must be a decimal number, not true/false")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite decimal number")
        value = repr(value)
    text = str(value).strip() if isinstance(value, int | str) else None
    if text is None or not _DECIMAL.fullmatch(text):
        raise ValueError(f"must be a decimal number like 1234.{'5' * max(places, 1)}")
    number = Decimal(text)
    if -number.as_tuple().exponent > places:  # type: ignore[operator]
        raise ValueError(f"has more than {places} decimal places")
    if not minimum <= number <= maximum:
        raise ValueError(f"must be from {minimum} to {maximum}")
    return number


def decimal_text(
    *, places: int, maximum: str, minimum: str = "0", example: str | None = None
) -> Any:
    """A field type: the client's number checked and handed on as its canonical text."""
    low, high = Decimal(minimum), Decimal(maximum)

    def check(value: Any) -> str:
        return str(parse_decimal(value, places=places, minimum=low, maximum=high))

    frac = f"(\\.[0-9]{{1,{places}}})?" if places else ""
    schema = {
        "type": "string",
        "pattern": f"^[0-9]+{frac}$",
        "description": f"a decimal from {minimum} to {maximum}, at most {places} decimal places",
        "examples": [example or maximum],
    }
    return Annotated[str, BeforeValidator(check), WithJsonSchema(schema)]


# ISO 4217 currencies whose minor unit is not the cent. Amounts are kept in
# cents throughout (integer minor units with two digits), so these are refused
# rather than rounded: an amount never has more places than its currency.
NOT_TWO_MINOR_DIGITS = frozenset(
    {
        *("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"),  # none
        *("RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"),  # none
        *("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"),  # three
        *("CLF", "UYW"),  # four
    }
)


def _two_digit_currency(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError("must be an ISO 4217 code such as USD")
    if value in NOT_TWO_MINOR_DIGITS:
        raise ValueError(f"{value} does not have two minor digits; amounts here are in cents")
    return value


CurrencyCode = Annotated[
    str,
    BeforeValidator(_two_digit_currency),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["USD"]}),
]

# The amounts the API takes (USD and every currency with two minor digits).
MoneyText = decimal_text(places=2, maximum="99999999.99", example="1023.98")
PositiveMoneyText = decimal_text(places=2, minimum="0.01", maximum="99999999.99", example="10.00")
ValuationText = decimal_text(places=2, maximum="9999999999.99", example="250000.00")
PercentText = decimal_text(places=4, maximum="100", example="3")
RateText = decimal_text(places=4, maximum="99999999", example="7.25")
QuantityText = decimal_text(places=4, maximum="1000000", example="1")
UnitText = decimal_text(places=2, minimum="0.01", maximum="1000000", example="1000")
