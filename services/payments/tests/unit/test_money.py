"""R-PAY-4: eTRAKIT's convenience fees, exactly."""

from __future__ import annotations

from decimal import Decimal

from payments.domain.money import Method, to_minor

CARD = Method(code="card", label="Credit Card - 3%", fee_percent=Decimal("3"))
ECHECK = Method(code="echeck", label="Electronic Check - $1.50", fee_flat=Decimal("1.50"))


def test_card_three_percent_of_1023_98_is_30_72_total_1054_70() -> None:
    fee = CARD.convenience_fee_minor(102398)
    assert fee == 3072  # 30.7194 → 30.72, half-up to the cent
    assert 102398 + fee == 105470


def test_echeck_flat_1_50_total_1025_48() -> None:
    assert 102398 + ECHECK.convenience_fee_minor(102398) == 102548


def test_midpoints_round_half_up_and_bounds_apply() -> None:
    assert to_minor(Decimal("0.125")) == 13
    assert to_minor(Decimal("0.124")) == 12
    bounded = Method(
        code="x", label="x", fee_percent=Decimal("3"), fee_min=Decimal("2"), fee_max=Decimal("10")
    )
    assert bounded.convenience_fee_minor(1000) == 200  # 0.30 → the minimum
    assert bounded.convenience_fee_minor(1_000_000) == 1000  # 300.00 → the maximum


def test_half_even_rule_rounds_midpoints_to_even() -> None:
    """R-PAY-4: the rounding rule is configurable; its id is recorded on the payment."""
    assert to_minor(Decimal("0.125"), "half-even-cent-once-per-line.v1") == 12
    assert to_minor(Decimal("0.135"), "half-even-cent-once-per-line.v1") == 14
    card = Method(code="card", label="Card", fee_percent=Decimal("0.5"))
    assert card.convenience_fee_minor(2500) == 13  # 12.5 cents, half-up
    assert card.convenience_fee_minor(2500, "half-even-cent-once-per-line.v1") == 12
