"""Paid Items, a payment's receipt (a page and a PDF), and the payments still
in progress with Resume and Cancel."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.answers import Payment
from portal.formats import moment_text, money
from portal.gateway import ApiProblem
from portal.i18n import N_
from portal.printed import ReceiptFacts, receipt_pdf
from portal.web import Form, Page, UserPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}")
OPEN = ("CREATED", "PENDING")  # payments' open statuses: a checkout not yet ended
# why a payment ended without money taken (payments' failure reasons), in words
FAILURE_REASONS = {
    "canceled": N_("You cancelled the payment on the payment page."),
    "declined": N_("The payment was declined."),
    "expired": N_("The payment page expired before the payment was made."),
    "provider-error": N_("The payment processor could not take the payment."),
}


async def open_payments(page: Page) -> list[Payment]:
    """The visitor's checkouts still open (the newest few): each holds its
    fees until it is finished or cancelled, so the cart shows them."""
    found = await page.member().payments(paid_only="false", limit=10)
    return [p for p in found.items if p.status in OPEN]


@router.get("/payments")
async def paid_items(page: UserPage, offset: int = Query(default=0, ge=0, le=100_000)) -> Response:
    found = await page.member().payments(limit=20, offset=offset)
    return page.render(
        "payments.html",
        title=N_("Paid Items"),
        payments=found,
        open_payments=await open_payments(page) if offset == 0 else [],
    )


@router.get("/payments/{payment_id}/receipt.pdf")
async def receipt_as_pdf(page: UserPage, payment_id: str = object_id()) -> Response:
    """The receipt as a PDF (a settled payment's only: none before)."""
    payment = await page.member().receipt(payment_id)
    assert page.jurisdiction is not None
    currency = payment.currency
    facts = ReceiptFacts(
        jurisdiction=page.jurisdiction.name,
        number=payment.receipt_number or "",
        received=moment_text(payment.settled_at, page.time_zone),
        method=payment.method_label or payment.method or "",
        reference=payment.provider_reference or "",
        payer=payment.payer_name or payment.payer_email or "",
        lines=[
            (item.number, line.name, money(line.amount, currency))
            for item in payment.items
            for line in item.lines
        ],
        totals=[
            (N_("Total Fees"), money(payment.fees, currency)),
            (
                payment.convenience_fee_label or N_("Convenience fee"),
                money(payment.convenience_fee, currency),
            ),
            (N_("Total"), money(payment.total, currency)),
        ],
    )
    return Response(
        receipt_pdf(facts),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="receipt-{facts.number}.pdf"'},
    )


@router.post("/payments/{payment_id}/cancel")
async def cancel_payment(page: UserPage, form: Form, payment_id: str = object_id()) -> Response:
    """Cancel payment: the provider's page expires, the fees are free again."""
    try:
        await page.member().cancel_payment(payment_id)
    except ApiProblem as problem:
        if problem.status != 409:  # already ended: the cart shows how things stand
            raise
    await page.flash(
        N_("The payment is cancelled. Nothing was charged, and its fees are back in your cart.")
    )
    return page.redirect(page.path("cart"))


@router.get("/payments/{payment_id}")
async def receipt(page: UserPage, payment_id: str = object_id()) -> Response:
    payment = await page.member().payment(payment_id)
    return page.render(
        "receipt.html",
        title=N_("Receipt") if payment.status == "SETTLED" else N_("Payment"),
        payment=payment,
        currency=payment.currency,
        failure_reasons=FAILURE_REASONS,
    )
