"""Fees on a permit's staff page (issue 27, R-PAY-1): items of the permit
type's fee schedule (with a quantity where the item takes one) and manual
lines, shown priced before they are saved; an open line voided with a reason."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from portal.formats import money
from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.pages.staff_permits import permit_page
from portal.web import Form, Page, StaffPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}/staff")


def _asked(form: FormData) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The assessment's body, the values to show again, and what is missing.
    Schedule items are checkboxes (``item``) with a ``qty-<code>`` each; one
    manual line (``manual_name``, ``manual_amount``, ``manual_reason``)."""
    codes = [str(c) for c in form.getlist("item") if str(c).strip()]
    items: list[dict[str, str]] = []
    values: dict[str, Any] = {"item": codes}
    for code in codes:
        quantity = str(form.get(f"qty-{code}") or "").strip()
        values[f"qty-{code}"] = quantity
        items.append({"code": code, **({"quantity": quantity} if quantity else {})})
    manual = {k: str(form.get(f"manual_{k}") or "").strip() for k in ("name", "amount", "reason")}
    values.update({f"manual_{k}": v for k, v in manual.items()})
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"items": items, "manual": []}
    if any(manual.values()):
        for k, message in (
            ("name", N_("Name the fee")),
            ("amount", N_("Enter the amount, as 125.00")),
            ("reason", N_("Say why this fee is added by hand")),
        ):
            if not manual[k]:
                errors[f"manual_{k}"] = message
        body["manual"] = [manual]
    if not items and not body["manual"]:
        errors["item"] = N_("Choose a fee from the schedule or add one by hand")
    return body, values, errors


def _refused(problem: ApiProblem) -> dict[str, str]:
    """The service's refusal next to the field that caused it."""
    errors: dict[str, str] = {}
    for api_field, message in problem.errors.items():
        if api_field.startswith("manual.0."):
            errors[f"manual_{api_field.rsplit('.', 1)[1]}"] = message
        else:
            errors.setdefault("item", message)
    return errors or {"item": problem.detail}


@router.post("/permits/{permit_id}/fees/quote")
async def staff_quote(page: StaffPage, form: Form, permit_id: str = object_id()) -> Response:
    """The fees asked for, priced as the schedule prices them, before saving."""
    body, values, errors = _asked(form)
    if errors:
        return await permit_page(page, permit_id, 422, errors, values)
    try:
        quote = await page.staff().quote_fees(permit_id, body)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return await permit_page(page, permit_id, 422, _refused(problem), values)
    return await permit_page(page, permit_id, 200, None, values, quote)


@router.post("/permits/{permit_id}/fees")
async def staff_assess(page: StaffPage, form: Form, permit_id: str = object_id()) -> Response:
    body, values, errors = _asked(form)
    if errors:
        return await permit_page(page, permit_id, 422, errors, values)
    key = str(form.get("key") or "") or uuid4().hex
    try:
        assessed = await page.staff().assess_fees(permit_id, body, key=key)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return await permit_page(page, permit_id, 422, _refused(problem), values)
    await page.flash(
        gettext("Fees assessed: {amount} now due on {number}.").format(
            amount=money(assessed.fees_due), number=assessed.number
        )
    )
    return _to_fees(page, permit_id)


def _to_fees(page: Page, permit_id: str) -> Response:
    return page.redirect(page.path("staff_permit", permit_id=permit_id) + "#fees")


@router.post("/permits/{permit_id}/fees/{line_id}/void")
async def staff_void(
    page: StaffPage, form: Form, permit_id: str = object_id(), line_id: str = object_id()
) -> Response:
    reason = str(form.get("reason") or "").strip()
    if not reason:
        errors = {f"void-{line_id}": N_("Give the reason for voiding this fee")}
        return await permit_page(page, permit_id, 422, errors)
    try:
        await page.staff().void_fee(permit_id, line_id, reason)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return await permit_page(page, permit_id, 422, {f"void-{line_id}": problem.detail})
    await page.flash(N_("The fee is voided."))
    return _to_fees(page, permit_id)
