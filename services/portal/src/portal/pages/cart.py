"""Shopping Cart, the Checkout Summary of seed 003, and Proceed to Payment
(the provider's hosted page)."""

from __future__ import annotations

from uuid import uuid4

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.answers import PermitRow
from portal.forms import FormModel, field
from portal.gateway import ApiProblem, Unavailable
from portal.i18n import N_
from portal.pages.payments import open_payments
from portal.web import Form, Page, UserPage

router = APIRouter(prefix="/j/{jurisdiction_id}")
DUE_LISTED = 100  # permits offered by Pay All Fees at once (the cart API's own limit)


class ChosenPermits(FormModel):
    """FEES DUE (one permit) or Pay All Fees (the permits ticked)."""

    lists = frozenset({"permit_id"})
    permit_id: list[str] = field("permit_ids", default=[])


class OnePermit(FormModel):
    permit_id: str = field()


@router.post("/cart/add")
async def add(page: UserPage, form: Form) -> Response:
    """FEES DUE on the dashboard (one permit), or Pay All Fees on the Checkout
    Summary (the permits ticked): their open fees into the cart, all or none."""
    posted, _ = ChosenPermits.read(form)
    if not posted.permit_id:
        return await _summary(
            page, None, error=N_("Tick at least one permit whose fees to pay."), status=422
        )
    try:
        await page.member().add_to_cart(posted.permit_id)
    except ApiProblem as problem:
        if problem.status in (404, 422, 409):
            return await _summary(page, None, error=problem.detail, status=problem.status)
        raise
    return page.redirect(page.path("cart"))


@router.post("/cart/remove")
async def remove(page: UserPage, form: Form) -> Response:
    posted, _ = OnePermit.read(form)
    await page.member().remove_from_cart(posted.permit_id)
    return page.redirect(page.path("cart"))


@router.get("/cart")
async def cart(
    page: UserPage,
    method: str | None = Query(default=None, max_length=20),
) -> Response:
    return await _summary(page, method)


async def _summary(
    page: Page,
    method: str | None,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    """The Checkout Summary with ``method`` chosen (else the first): every
    method is offered with its own total, and the totals block is the chosen
    one's."""
    cart = await page.member().cart()
    offer = cart.offer(method)
    in_cart = {p.permit_id for p in cart.permits}
    return page.render(
        "cart.html",
        status,
        title=N_("Checkout Summary"),
        open_payments=await open_payments(page),
        due_elsewhere=[p for p in await _fees_due(page) if p.id not in in_cart],
        summary=cart.choosing(offer),
        currency=cart.currency,
        method=offer.code if offer else None,
        attempt=uuid4().hex,
        error=error,
        notices=[notice] if notice else [],
    )


async def _fees_due(page: Page) -> list[PermitRow]:
    """My active permits with fees due (Pay All Fees), the first ``DUE_LISTED``;
    an empty list if permits does not answer (the cart still shows)."""
    try:
        found = await page.member().my_permits(fees_due="true", limit=DUE_LISTED)
    except Unavailable:
        return []
    return found.items


class CheckoutForm(FormModel):
    """Proceed to Payment: the method chosen, and the method and total the
    page showed when it was chosen (what a person sees is what is charged)."""

    method: str = field("method")
    shown: str = field()
    shown_total: str = field("expected_total_minor")
    attempt: str = field()


@router.post("/checkout")
async def checkout(page: UserPage, form: Form) -> Response:
    """Proceed to Payment: a payment at the provider, then its hosted page —
    for the method chosen in this same form, at the total the page showed for
    it (``shown``, ``shown_total``; the script keeps them in step with the
    choice). A method chosen without its total on screen is shown first,
    not charged. The form's attempt id is the Idempotency-Key, so a double
    submit pays once."""
    posted, _ = CheckoutForm.read(form)
    method = posted.method
    if not method or method != posted.shown:
        return await _summary(
            page,
            method or None,
            notice=N_(
                "Here is the total for the payment method you chose. "
                "To pay it, click Proceed to Payment."
            ),
        )
    attempt = posted.attempt or uuid4().hex
    try:
        payment = await page.member().checkout(
            method,
            int(posted.shown_total) if posted.shown_total.isdigit() else None,
            key=f"portal-{attempt}",
        )
    except ApiProblem as problem:
        if problem.status in (409, 422):
            return await _summary(page, method, error=problem.detail, status=problem.status)
        raise
    if payment.hosted_url:
        return page.redirect(payment.hosted_url)
    return page.redirect(page.path("receipt", payment_id=payment.id))
