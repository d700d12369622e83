"""Payments' request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, EmailStr, Field

from chassis.api import Page
from chassis.money import amount_text
from chassis.numbers import CurrencyCode, MoneyText, PercentText
from chassis.schemas import Strict
from payments.adapters.repositories import PaymentRepository, RefundRepository
from payments.domain.cart import CheckoutSummary
from payments.domain.payment import Payment
from payments.domain.refund import Refund


class MethodIn(Strict):
    code: str = Field(min_length=1, max_length=20, examples=["card"])
    label: str = Field(min_length=1, max_length=100, examples=["Credit Card - 3%"])
    fee_percent: PercentText = "0"
    fee_flat: MoneyText = "0"
    fee_min: MoneyText | None = None
    fee_max: MoneyText | None = None
    borne_by: Literal["payer", "jurisdiction"] = Field(
        default="payer", description="who pays the convenience fee"
    )


class PaymentSettingsIn(Strict):
    online_payments: bool = False
    currency: CurrencyCode = "USD"
    fee_label: str = Field(default="Convenience fee", max_length=100, examples=["Access Idaho Fee"])
    rounding_rule: Literal["half-up-cent-once-per-line.v1", "half-even-cent-once-per-line.v1"] = (
        Field(default="half-up-cent-once-per-line.v1", description="recorded on every payment")
    )
    methods: list[MethodIn] = Field(default_factory=list)


class CartItemIn(Strict):
    permit_id: str = Field(min_length=1, max_length=60)
    line_ids: list[str] | None = Field(default=None, description="default: every open line")


class CartPermitsIn(Strict):
    permit_ids: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        min_length=1, max_length=100, description="every open fee of each; all or none"
    )


class CheckoutIn(Strict):
    method: str = Field(min_length=1, max_length=20, examples=["card"])
    expected_total_minor: int | None = Field(
        default=None,
        ge=0,
        examples=[105470],
        description="the Total Due (minor units) the payer was shown for this method; if the "
        "cart now totals otherwise (fees changed, a permit paid elsewhere), 409 `total-changed` "
        "and nothing is created",
    )


class LineOut(BaseModel):
    line_id: str
    name: str
    amount: str
    amount_minor: int
    refunded: bool = False


class ItemOut(BaseModel):
    permit_id: str
    number: str
    address: str | None = None
    lines: list[LineOut]


class RefundOut(BaseModel):
    id: str
    amount: str
    reason: str
    automatic: bool
    status: str
    line_ids: list[str]
    created_at: datetime


class PaymentOut(BaseModel):
    id: str
    status: str = Field(
        description="CREATED, PENDING (on the provider's page), SETTLED, FAILED, "
        "REFUNDING, PARTIALLY_REFUNDED, REFUNDED"
    )
    channel: str
    method: str | None
    method_label: str | None = Field(
        default=None, description="the method as the payer chose it (its label then)"
    )
    provider_reference: str | None = Field(
        default=None, description="the payment provider's reference of the transaction"
    )
    hosted_url: str | None = Field(default=None, description="send the payer here (PENDING)")
    receipt_number: str | None = None
    items: list[ItemOut]
    fees: str
    convenience_fee: str
    convenience_fee_label: str | None = None
    total: str
    refunded: str
    currency: str
    rounding_rule: str
    payer_email: str | None = None
    payer_name: str | None = None
    failure_reason: str | None = None
    created_at: datetime
    expires_at: datetime | None = None
    settled_at: datetime | None = None
    refunds: list[RefundOut] = Field(default_factory=list)


PaymentPage = Page[PaymentOut]


class RefundIn(Strict):
    line_ids: list[str] | None = Field(default=None, description="default: the whole payment")
    reason: str = Field(min_length=3, max_length=500)


class CounterPermitIn(Strict):
    permit_id: str = Field(min_length=1, max_length=60)
    line_ids: list[str] | None = None


class CounterPaymentIn(Strict):
    permits: list[CounterPermitIn] = Field(min_length=1, max_length=50)
    method: Literal["cash", "check", "card-present"]
    reference: str | None = Field(default=None, max_length=100, description="check number…")
    payer_name: str = Field(min_length=1, max_length=200)
    payer_email: EmailStr | None = None


def payment_doc(payment: Payment) -> dict[str, Any]:
    """A payment as routes render it (and an Idempotency-Key's record keeps it)."""
    return PaymentRepository.to_doc(payment)


def refund_doc(refund: Refund) -> dict[str, Any]:
    return RefundRepository.to_doc(refund)


def payment_out(found: Payment | dict[str, Any]) -> PaymentOut:
    """A payment, or the document of one (a read view's, with its refunds)."""
    doc = payment_doc(found) if isinstance(found, Payment) else found
    return PaymentOut(
        id=doc["_id"],
        status=doc["status"],
        channel=doc["channel"],
        method=doc.get("method"),
        method_label=doc.get("method_label") or doc.get("method"),
        provider_reference=doc.get("provider_ref"),
        hosted_url=doc.get("hosted_url") if doc["status"] == "PENDING" else None,
        receipt_number=doc.get("receipt_number"),
        items=[
            ItemOut(
                permit_id=i["permit_id"],
                number=i["number"],
                address=i.get("address"),
                lines=[
                    LineOut(
                        line_id=ln["line_id"],
                        name=ln["name"],
                        amount=amount_text(ln["amount_minor"]),
                        amount_minor=ln["amount_minor"],
                        refunded=bool(ln.get("refunded")),
                    )
                    for ln in i["lines"]
                ],
            )
            for i in doc["items"]
        ],
        fees=amount_text(doc["fees_minor"]),
        convenience_fee=amount_text(doc["convenience_fee_minor"]),
        convenience_fee_label=doc.get("convenience_fee_label"),
        total=amount_text(doc["total_minor"]),
        refunded=amount_text(doc.get("refunded_minor", 0)),
        currency=doc["currency"],
        rounding_rule=doc["rounding_rule"],
        payer_email=doc["payer"].get("email"),
        payer_name=doc["payer"].get("name"),
        failure_reason=doc.get("failure_reason"),
        created_at=doc["created_at"],
        expires_at=doc.get("expires_at"),
        settled_at=doc.get("settled_at"),
        refunds=[refund_out(r) for r in doc.get("refunds", [])],
    )


def refund_out(found: Refund | dict[str, Any]) -> RefundOut:
    r = refund_doc(found) if isinstance(found, Refund) else found
    return RefundOut(
        id=r["_id"],
        amount=amount_text(r["amount_minor"]),
        reason=r["reason"],
        automatic=r["automatic"],
        status=r["status"],
        line_ids=r["line_ids"],
        created_at=r["created_at"],
    )


class CartLineOut(BaseModel):
    line_id: str
    name: str
    amount: str
    amount_minor: int


class CartPermitOut(BaseModel):
    permit_id: str
    number: str | None
    address: str | None
    lines: list[CartLineOut]
    subtotal: str
    subtotal_minor: int


class MethodOfferOut(BaseModel):
    """A method as the payer chooses it: its own convenience fee and total (R-PAY-4)."""

    code: str
    label: str
    convenience_fee: str
    convenience_fee_minor: int
    total_due: str
    total_due_minor: int


class CheckoutSummaryOut(BaseModel):
    """Seed 003's Checkout Summary: the fees per permit, and the totals of the
    method chosen (``method``; else the first) beside every method's own."""

    permits: list[CartPermitOut]
    total_fees: str
    total_fees_minor: int
    method: str | None
    method_label: str | None
    convenience_fee_label: str | None
    convenience_fee: str
    convenience_fee_minor: int
    total_due: str
    total_due_minor: int
    currency: str
    absorbed_fee_minor: int = Field(description="the convenience fee the jurisdiction bears")
    rounding_rule: str
    notices: list[str]
    methods: list[MethodOfferOut]


def summary_out(summary: CheckoutSummary) -> dict[str, Any]:
    """The Checkout Summary with amounts as text beside the minor units."""
    s = summary.as_doc()
    for permit in s["permits"]:
        permit["subtotal"] = amount_text(permit["subtotal_minor"])
        for line in permit["lines"]:
            line["amount"] = amount_text(line["amount_minor"])
    for method in s["methods"]:
        method["convenience_fee"] = amount_text(method["convenience_fee_minor"])
        method["total_due"] = amount_text(method["total_due_minor"])
    s.update(
        total_fees=amount_text(s["total_fees_minor"]),
        convenience_fee=amount_text(s["convenience_fee_minor"]),
        total_due=amount_text(s["total_due_minor"]),
    )
    return s
