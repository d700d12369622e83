"""Jurisdiction setup in the staff console (issue 27; admins): permit types
with their number formats and fee schedules, and the inspection calendar
(working days, holidays, cut-offs, capacity). Each change is validated by
the service that owns it, and its refusal is shown next to the field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.datastructures import FormData

from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.pages.setup_forms import lines, row_errors, rows
from portal.web import Form, Page, StaffPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}/staff/setup")

FEE_ROWS = 3  # blank schedule rows offered beyond the type's own
FEE_FIELDS = ("code", "name", "kind", "amount", "rate", "per")
DAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


# -- permit types ---------------------------------------------------------------
@router.get("/permit-types")
async def staff_permit_types(page: StaffPage) -> Response:
    types = await page.staff().permit_types()
    return page.render("staff_permit_types.html", title=N_("Permit types"), types=types)


def _type_values(found: Any) -> dict[str, Any]:
    doc = found.model_dump() if found is not None else {}
    values: dict[str, Any] = {
        "name": doc.get("name", ""),
        "kind": doc.get("kind", "permit"),
        "number_format": doc.get("number_format", ""),
        "inspection_types": "\n".join(doc.get("inspection_types", [])),
        "auto_issue": "yes" if doc.get("auto_issue") else "",
        "inactivity_days": str(doc.get("inactivity_days", 180)),
    }
    for n, item in enumerate(doc.get("fee_schedule", [])):
        for f in FEE_FIELDS:
            values[f"fee-{n}-{f}"] = str(item.get(f, "") or "")
    return values


async def _type_page(
    page: Page,
    code: str,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    if values is None:
        types = await page.staff().permit_types()
        values = _type_values(next((t for t in types if t.code == code), None))
    rows = 1 + max([int(k.split("-")[1]) for k in values if k.startswith("fee-")] or [-1])
    return page.render(
        "staff_permit_type.html",
        status,
        title=gettext("Permit type {code}").format(code=code),
        code=code,
        rows=range(rows + FEE_ROWS),
        errors=errors or {},
        values=values,
    )


@router.get("/permit-types/new")
async def staff_new_permit_type(
    page: StaffPage, code: str = Query(pattern=r"^[A-Za-z0-9_-]{1,40}$")
) -> Response:
    return page.redirect(page.path("staff_permit_type", code=code.upper()))


@router.get("/permit-types/{code}")
async def staff_permit_type(page: StaffPage, code: str = object_id()) -> Response:
    """A type to change, or a new one (a code not yet used)."""
    return await _type_page(page, code.upper())


def _type_body(form: FormData) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """The permit type's body, the values to show again, and which of the
    form's fee rows were sent (a blank row is not)."""
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    schedule, kept = rows(form, "fee", FEE_FIELDS, ("code", "name"))
    days = values.get("inactivity_days", "").strip()
    body = {
        "name": values.get("name", "").strip(),
        "kind": values.get("kind", "permit"),
        "number_format": values.get("number_format", "").strip(),
        "inspection_types": lines(values.get("inspection_types", "")),
        "auto_issue": values.get("auto_issue") == "yes",
        "inactivity_days": int(days) if days.isdigit() else days,
        "fee_schedule": schedule,
    }
    return body, values, kept


@router.post("/permit-types/{code}")
async def staff_save_permit_type(page: StaffPage, form: Form, code: str = object_id()) -> Response:
    body, values, kept = _type_body(form)
    try:
        await page.staff().put_permit_type(code.upper(), body)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        errors = row_errors(problem, {"fee_schedule": ("fee", kept)}, "name")
        return await _type_page(page, code.upper(), 422, errors, values)
    await page.flash(gettext("Permit type {code} is saved.").format(code=code.upper()))
    return page.redirect(page.path("staff_permit_types"))


# -- the inspection calendar -------------------------------------------------------
@router.get("/inspections")
async def staff_calendar(page: StaffPage) -> Response:
    settings = await page.public().inspection_settings()
    doc = settings.model_dump()
    values: dict[str, Any] = {
        "working_days": [str(d) for d in doc.get("working_days", [])],
        "holidays": "\n".join(str(d) for d in doc.get("holidays", [])),
        "horizon_days": str(doc.get("horizon_days", 14)),
        "next_day_cutoff": doc.get("next_day_cutoff", "16:00"),
        "cancel_cutoff": doc.get("cancel_cutoff", "06:00"),
        "default_capacity": str(doc.get("default_capacity") or ""),
        "capacity": "\n".join(f"{k}: {v}" for k, v in (doc.get("capacity") or {}).items()),
        "ampm_allowed": "yes" if doc.get("ampm_allowed", True) else "",
        "block_when_fees_due": "yes" if doc.get("block_when_fees_due") else "",
    }
    return _calendar_page(page, values)


def _calendar_page(
    page: Page, values: dict[str, Any], status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    return page.render(
        "staff_calendar.html",
        status,
        title=N_("Inspection calendar"),
        days=DAYS,
        values=values,
        errors=errors or {},
    )


def _capacity(text: str) -> tuple[dict[str, Any], str | None]:
    """``BUILDING FINAL: 8`` per line."""
    found: dict[str, Any] = {}
    for line in lines(text):
        name, sep, number = line.rpartition(":")
        if not sep or not name.strip() or not number.strip().isdigit():
            return {}, gettext("Write each as the inspection, a colon and a number: {line}").format(
                line=repr(line)
            )
        found[name.strip()] = int(number.strip())
    return found, None


@router.post("/inspections")
async def staff_save_calendar(page: StaffPage, form: Form) -> Response:
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    values["working_days"] = [str(d) for d in form.getlist("working_days")]
    capacity, bad = _capacity(values.get("capacity", ""))
    if bad:
        return _calendar_page(page, values, 422, {"capacity": bad})
    body: dict[str, Any] = {
        "working_days": [int(d) for d in values["working_days"] if d.isdigit()],
        "holidays": lines(values.get("holidays", "")),
        "horizon_days": values.get("horizon_days", ""),
        "next_day_cutoff": values.get("next_day_cutoff", ""),
        "cancel_cutoff": values.get("cancel_cutoff", ""),
        "capacity": capacity,
        "default_capacity": values.get("default_capacity") or None,
        "ampm_allowed": values.get("ampm_allowed") == "yes",
        "block_when_fees_due": values.get("block_when_fees_due") == "yes",
    }
    try:
        await page.staff().put_inspection_settings(body)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        errors = {k.split(".")[0]: v for k, v in problem.errors.items()} or {
            "working_days": problem.detail
        }
        return _calendar_page(page, values, 422, errors)
    await page.flash(N_("The inspection calendar is saved."))
    return page.redirect(page.path("staff_calendar"))
