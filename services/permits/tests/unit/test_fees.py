"""R-PAY-1 fee arithmetic."""

from __future__ import annotations

from decimal import Decimal

from permits.domain.fees import FeeItem, balance_minor, round_cents, to_minor

RES16_0688 = [
    ("MECHANICAL PERMIT", "96.00"),
    ("PLAN REVIEW FEE BALANCE", "65.08"),
    ("BUILDING PERMIT FEE", "650.75"),
    ("PLANNING", "35.00"),
    ("RES/GAR/ADD PARTIAL PLAN REVIEW FEE", "130.15"),
    ("FIRE DISTRICT INSPECTION FEE", "47.00"),
]


def test_the_seed_permit_totals_1023_98() -> None:
    lines = [{"amount_minor": to_minor(Decimal(a)), "status": "open"} for _, a in RES16_0688]
    assert balance_minor(lines) == 102398


def test_voided_and_paid_lines_do_not_count() -> None:
    lines = [
        {"amount_minor": 9600, "status": "open"},
        {"amount_minor": 6508, "status": "voided"},
        {"amount_minor": 3500, "status": "paid"},
    ]
    assert balance_minor(lines) == 9600


def test_valuation_items_round_half_up_once_per_line() -> None:
    item = FeeItem(
        code="BLDG",
        name="BUILDING PERMIT FEE",
        kind="valuation",
        rate=Decimal("2.60300"),
        per=Decimal("1000"),
    )
    assert item.amount_for(valuation=Decimal("250000"), quantity=Decimal("0")) == Decimal("650.75")
    half = FeeItem(code="H", name="H", kind="fixed", amount=Decimal("0.125"))
    assert half.amount_for(valuation=Decimal(0), quantity=Decimal(0)) == Decimal("0.13")
    assert round_cents(Decimal("30.7194")) == Decimal("30.72")  # R-PAY-4's 3% of 1,023.98


def test_quantity_items_and_minimums() -> None:
    fixtures = FeeItem(code="FIX", name="FIXTURES", kind="quantity", rate=Decimal("12.50"))
    assert fixtures.amount_for(valuation=Decimal(0), quantity=Decimal("3")) == Decimal("37.50")
    small = FeeItem(
        code="MIN",
        name="MIN",
        kind="valuation",
        rate=Decimal("1"),
        per=Decimal("1000"),
        minimum=Decimal("35"),
    )
    assert small.amount_for(valuation=Decimal("1000"), quantity=Decimal(0)) == Decimal("35.00")
