"""Payments' pure rules: receivables in order, who may pay, the cart's lines,
refund amounts; no handlers, no fakes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chassis.money import Money
from chassis.principal import Principal
from chassis.refusals import Conflicting, Missing
from contracts.permits import (
    FeeAssessed,
    FeeLine,
    FeeVoided,
    Party,
    PermitPartiesChanged,
    SiteAddress,
)
from payments.domain.cart import cart_lines, counter_summary
from payments.domain.errors import LinesNotOpen, NothingDue, NotRefundable
from payments.domain.payment import Payment
from payments.domain.receivable import Receivable

AT = datetime(2026, 3, 2, tzinfo=UTC)


def _assessed(version: int = 5) -> FeeAssessed:
    return FeeAssessed(
        permit_id="p1",
        jurisdiction_id="alpha",
        number="RES26-0001",
        type_name="RESIDENTIAL",
        site=SiteAddress(street="1968 E Dodd Rd"),
        lines=[
            FeeLine(line_id="l1", name="PLANNING", amount_minor=3500),
            FeeLine(line_id="l2", name="MECHANICAL", amount_minor=9600),
        ],
        balance_minor=13100,
        payer_emails=["Pat@Example.org"],
        company_ids=["c1"],
        version=version,
    )


def _receivable() -> Receivable:
    r = Receivable(id="p1", jurisdiction_id="alpha")
    assert r.fees_assessed(_assessed())
    return r


def _who(kind: str, **kw: object) -> Principal:
    values: dict[str, object] = {"account_id": "a", "email": "", "jurisdiction_id": "alpha"}
    return Principal(**{**values, "kind": kind, **kw})  # type: ignore[arg-type]


def test_r_pay_2_a_receivable_applies_the_permits_events_in_their_order() -> None:
    r = _receivable()
    assert (r.source_version, r.version, r.payer_emails) == (5, 1, ["pat@example.org"])
    assert not r.fees_assessed(_assessed(version=5))  # the same event again
    void = FeeVoided(
        permit_id="p1",
        jurisdiction_id="alpha",
        number="RES26-0001",
        line_id="l2",
        reason="dup",
        balance_minor=3500,
        version=7,
    )
    assert r.fee_voided(void) and list(r.open_lines()) == ["l1"]
    late = PermitPartiesChanged(
        permit_id="p1",
        jurisdiction_id="alpha",
        number="RES26-0001",
        applicant=Party(name="Sam", email="sam@example.org"),
        version=6,
    )
    assert not r.parties_changed(late) and r.payer_emails == ["pat@example.org"]


def test_r_id_6_who_may_pay_a_permits_fees() -> None:
    r = _receivable()
    assert r.may_pay(_who("public", email="PAT@example.org"))
    assert r.may_pay(_who("contractor", company_ids=["c1"]))
    assert r.may_pay(_who("staff"))
    assert not r.may_pay(_who("public", email="sam@example.org"))
    other = Principal(account_id="a", email="", jurisdiction_id="beta", kind="staff")
    assert not r.may_pay(other)


def test_r_pay_3_only_open_lines_go_in_a_cart() -> None:
    r = _receivable()
    pat = _who("public", email="pat@example.org")
    assert cart_lines(r, pat, None) == ["l1", "l2"]
    assert cart_lines(r, pat, ["l2"]) == ["l2"]
    with pytest.raises(LinesNotOpen):
        cart_lines(r, pat, ["l9"])
    with pytest.raises(Missing):
        cart_lines(None, pat, None)
    r.pay(["l1", "l2"], "pay-1")
    with pytest.raises(NothingDue, match="no fees due"):
        cart_lines(r, pat, None)


def test_a_refund_reopens_only_what_that_payment_paid() -> None:
    r = _receivable()
    r.pay(["l1"], "pay-1")
    r.reopen("l1", "pay-2")  # another payment's refund
    assert not r.is_open("l1")
    r.reopen("l1", "pay-1")
    assert r.is_open("l1") and r.holder_of("l1") is None


def test_a_counter_payment_takes_open_lines_without_a_fee() -> None:
    summary = counter_summary([{"permit_id": "p1"}], {"p1": _receivable()}, "cash", "USD")
    assert (summary.total_due, summary.convenience_fee) == (Money(13100, "USD"), Money(0, "USD"))
    with pytest.raises(Missing):
        counter_summary([{"permit_id": "p9"}], {"p9": None}, "cash", "USD")


def _settled(convenience: int = 393) -> Payment:
    p = Payment(
        id="pay-1",
        jurisdiction_id="alpha",
        channel="online",
        status="SETTLED",
        method="card",
        items=[
            {
                "permit_id": "p1",
                "number": "RES26-0001",
                "lines": [
                    {"line_id": "l1", "name": "PLANNING", "amount_minor": 3500},
                    {"line_id": "l2", "name": "MECHANICAL", "amount_minor": 9600},
                ],
            }
        ],
        fees=Money(13100, "USD"),
        convenience_fee=Money(convenience, "USD"),
        total=Money(13100 + convenience, "USD"),
        created_at=AT,
    )
    return p


def test_r_pay_6_the_convenience_fee_goes_back_only_with_the_whole_payment() -> None:
    assert _settled().refund_request(None) == (["l1", "l2"], Money(13493, "USD"))
    part = _settled()
    assert part.refund_request(["l2"]) == (["l2"], Money(9600, "USD"))
    with pytest.raises(NotRefundable):  # being refunded already
        part.refund_request(["l2"])
    failed = _settled()
    failed.status = "FAILED"
    with pytest.raises(Conflicting):
        failed.refund_request(None)


def test_r_pay_5_a_payment_knows_which_of_its_lines_are_taken() -> None:
    payment = _settled()
    payment.status = "PENDING"
    receivable = _receivable()
    assert payment.taken_lines({"p1": receivable}, {}) == []
    held = {("p1", "l2"): "pay-other", ("p1", "l1"): "pay-1"}  # its own hold is fine
    assert payment.taken_lines({"p1": receivable}, held) == [("RES26-0001", "pay-other")]
    receivable.pay(["l1"], "pay-9")
    assert payment.taken_lines({"p1": receivable}, {}) == [("RES26-0001", "pay-9")]
    assert payment.taken_lines({"p1": None}, {}) == [("RES26-0001", None)] * 2
