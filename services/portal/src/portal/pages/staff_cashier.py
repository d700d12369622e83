"""The cashier in the staff console (issue 27): a payment taken at the
counter (cash, check, card present) for a permit's open fees, its receipt
printed, refunds whole or per line with a reason, and the payment search by
receipt number, permit, date and method."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.staff_answers import StaffPermit
from portal.web import Form, Page, StaffPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}/staff")

METHODS = {"cash": N_("Cash"), "check": N_("Check"), "card-present": N_("Card present")}
NUMBER = r"^[A-Za-z0-9_.-]{0,40}$"  # empty: a field of the search form left blank
DAY = r"^(\d{4}-\d{2}-\d{2})?$"


def _day_bounds(page: Page, start: str | None, end: str | None) -> dict[str, str]:
    """The dates asked for, as the jurisdiction's whole local days."""
    zone = ZoneInfo(page.time_zone)
    bounds: dict[str, str] = {}
    if start:
        bounds["from"] = datetime.combine(date.fromisoformat(start), time(), zone).isoformat()
    if end:
        until = date.fromisoformat(end) + timedelta(days=1)
        bounds["to"] = datetime.combine(until, time(), zone).isoformat()
    return bounds


@router.get("/cashier")
async def staff_cashier(
    page: StaffPage,
    receipt: str | None = Query(default=None, pattern=NUMBER),
    permit: str | None = Query(default=None, pattern=NUMBER),
    method: str | None = Query(default=None, pattern="^(|cash|check|card-present|card|echeck)$"),
    start: str | None = Query(default=None, alias="from", pattern=DAY),
    end: str | None = Query(default=None, alias="to", pattern=DAY),
) -> Response:
    """The counter's start: take a payment, or find one. A search that the
    payments service finds too wide says how to narrow it, next to the form."""
    query = {"receipt": receipt, "permit": permit, "method": method}
    asked = {k: v for k, v in {**query, "from": start, "to": end}.items() if v}
    found, problem = None, None
    if asked:
        try:
            criteria = {**query, **_day_bounds(page, start, end)}
            found = await page.staff().staff_payments(**criteria, limit=50)
        except ApiProblem as refused:
            if refused.status != 422:
                raise
            problem = refused.detail
    return page.render(
        "staff_cashier.html",
        title=N_("Cashier"),
        methods=METHODS,
        values=asked,
        found=found,
        problem=problem,
    )


async def _open_permit(page: Page, number: str) -> StaffPermit | None:
    listed = await page.staff().permits_numbered(number.strip().upper())
    return next((p for p in listed.items if p.number.upper() == number.strip().upper()), None)


def _open_lines(permit: StaffPermit) -> list[dict[str, Any]]:
    return [line for line in permit.fees if line.get("status") == "open"]


async def _counter_page(
    page: Page,
    number: str,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    permit = await _open_permit(page, number) if number else None
    errors = dict(errors or {})
    if number and permit is None:
        errors.setdefault(
            "permit", gettext("No permit numbered {number} here").format(number=number)
        )
    return page.render_form(
        "staff_counter.html",
        422 if errors and status == 200 else status,
        title=N_("Take a payment"),
        number=number,
        permit=permit,
        lines=_open_lines(permit) if permit else [],
        methods=METHODS,
        errors=errors,
        values=values,
    )


@router.get("/cashier/counter")
async def staff_counter_page(
    page: StaffPage, permit: str = Query(default="", pattern=r"^[A-Za-z0-9_.-]{0,40}$")
) -> Response:
    return await _counter_page(page, permit)


class CounterForm(FormModel):
    lists = frozenset({"line_ids"})

    permit_id: str = field()
    number: str = field()
    line_ids: list[str] = field(default=[])
    method: str = field("method", required=N_("Choose how it was paid"))
    reference: str = field("reference")
    payer_name: str = field("payer_name", required=N_("Enter who paid"))
    payer_email: str = field("payer_email")
    key: str = field()

    def errors_of_choice(self, errors: dict[str, str]) -> dict[str, str]:
        if self.method and self.method not in METHODS:
            errors["method"] = N_("Choose cash, check or card present")
        if self.method == "check" and not self.reference:
            errors.setdefault("reference", N_("Enter the check number"))
        if not self.line_ids:
            errors.setdefault("line_ids", N_("Choose at least one fee to pay"))
        return errors

    def request(self) -> dict[str, Any]:
        body = self.body("method", "reference", "payer_name", "payer_email", empty="drop")
        return {**body, "permits": [{"permit_id": self.permit_id, "line_ids": self.line_ids}]}


@router.post("/cashier/counter")
async def staff_counter(page: StaffPage, form: Form) -> Response:
    """One counter payment (the form's key makes a double submit one payment)."""
    posted, errors = CounterForm.read(form)
    errors = posted.errors_of_choice(errors)
    if not errors:
        try:
            taken = await page.staff().counter_payment(
                posted.request(), key=posted.key or uuid4().hex
            )
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = CounterForm.problems(problem, default="line_ids")
        else:
            await page.flash(
                gettext("Payment received: receipt {receipt}.").format(receipt=taken.receipt_number)
            )
            return page.redirect(page.path("staff_payment", payment_id=taken.id))
    return await _counter_page(page, posted.number, 422, errors, posted.values())


async def _payment_page(
    page: Page,
    payment_id: str,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    payment = await page.staff().staff_payment(payment_id)
    return page.render_form(
        "staff_payment.html",
        status,
        title=gettext("Receipt {receipt}").format(receipt=payment.receipt_number or "").strip(),
        payment=payment,
        errors=errors,
        values=values,
    )


@router.get("/payments/{payment_id}")
async def staff_payment(page: StaffPage, payment_id: str = object_id()) -> Response:
    return await _payment_page(page, payment_id)


class RefundForm(FormModel):
    lists = frozenset({"line_ids"})

    whole: str = field()
    line_ids: list[str] = field(default=[])
    reason: str = field("reason", required=N_("Give the reason for the refund"))
    key: str = field()

    def request(self) -> dict[str, Any]:
        lines = None if self.whole == "yes" else self.line_ids
        return {"reason": self.reason, "line_ids": lines}


@router.post("/payments/{payment_id}/refunds")
async def staff_refund(page: StaffPage, form: Form, payment_id: str = object_id()) -> Response:
    posted, errors = RefundForm.read(form)
    if posted.whole != "yes" and not posted.line_ids:
        errors.setdefault("line_ids", N_("Choose the fees to refund, or refund the whole payment"))
    if not errors:
        try:
            await page.staff().refund(payment_id, posted.request(), key=posted.key or uuid4().hex)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = RefundForm.problems(problem, default="line_ids")
        else:
            await page.flash(N_("The refund is recorded."))
            return page.redirect(page.path("staff_payment", payment_id=payment_id))
    return await _payment_page(page, payment_id, 422, errors, posted.values())
