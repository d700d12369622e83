"""Shopping Cart, the Checkout Summary of seed 003, Proceed to Payment (the
provider's hosted page), the receipt, and Paid Items."""

from __future__ import annotations

from uuid import uuid4

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.gateway import ApiProblem
from portal.security import field_value
from portal.web import Form, Page, UserPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}")


@router.post("/cart/add")
async def add(page: UserPage, form: Form) -> Response:
    """FEES DUE on the dashboard: the permit's open fees into the cart."""
    permit_id = field_value(form, "permit_id")
    try:
        await page.api().call(
            "POST", f"/v1/jurisdictions/{page.jid}/cart/items", json={"permit_id": permit_id}
        )
    except ApiProblem as problem:
        if problem.status in (404, 422, 409):
            return await _summary(page, None, error=problem.detail, status=problem.status)
        raise
    return page.redirect(page.url("/cart"))


@router.post("/cart/remove")
async def remove(page: UserPage, form: Form) -> Response:
    permit_id = field_value(form, "permit_id")
    await page.api().call("DELETE", f"/v1/jurisdictions/{page.jid}/cart/items/{permit_id}")
    return page.redirect(page.url("/cart"))


@router.get("/cart")
async def cart(page: UserPage, method: str | None = Query(default=None, max_length=20)) -> Response:
    return await _summary(page, method)


async def _summary(
    page: Page, method: str | None, *, error: str | None = None, status: int = 200
) -> Response:
    api = page.api()
    base = f"/v1/jurisdictions/{page.jid}/cart"
    summary = await api.get(base)
    codes = [m["code"] for m in summary["methods"]]
    chosen = method if method in codes else (codes[0] if codes else None)
    if chosen and summary["permits"]:
        summary = await api.get(base, method=chosen)
    return page.render(
        "cart.html",
        status,
        title="Checkout Summary",
        summary=summary,
        method=chosen,
        attempt=uuid4().hex,
        error=error,
    )


@router.post("/checkout")
async def checkout(page: UserPage, form: Form) -> Response:
    """Proceed to Payment: a payment at the provider, then its hosted page. The
    form's attempt id is the Idempotency-Key, so a double submit pays once."""
    method = field_value(form, "method")
    attempt = field_value(form, "attempt") or uuid4().hex
    try:
        payment = await page.api().json(
            "POST",
            f"/v1/jurisdictions/{page.jid}/checkout",
            json={"method": method},
            headers={"Idempotency-Key": f"portal-{attempt}"},
        )
    except ApiProblem as problem:
        if problem.status in (409, 422):
            return await _summary(page, method or None, error=problem.detail, status=422)
        raise
    if payment.get("hosted_url"):
        return page.redirect(payment["hosted_url"])
    return page.redirect(page.url(f"/payments/{payment['id']}"))


@router.get("/payments")
async def paid_items(page: UserPage, offset: int = Query(default=0, ge=0, le=100_000)) -> Response:
    found = await page.api().get(f"/v1/jurisdictions/{page.jid}/payments", limit=20, offset=offset)
    return page.render("payments.html", title="Paid Items", payments=found)


@router.get("/payments/{payment_id}")
async def receipt(page: UserPage, payment_id: str = object_id()) -> Response:
    payment = await page.api().get(f"/v1/jurisdictions/{page.jid}/payments/{payment_id}")
    return page.render(
        "receipt.html",
        title="Receipt" if payment["status"] == "SETTLED" else "Payment",
        payment=payment,
    )
