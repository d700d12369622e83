"""Inspections (seed 004 "TO SCHEDULE AN INSPECTION", "TO CANCEL AN
INSPECTION"): Schedule offers each inspection of a permit with the dates that
may be requested, several in one submit; Scheduled lists them with Cancel
until the cut-off, which is shown in the jurisdiction's time."""

from __future__ import annotations

from datetime import time
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.api import MemberApi
from portal.formats import moment_text
from portal.gateway import ApiProblem
from portal.security import field_value
from portal.web import Form, Page, UserPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}")


def clock_label(hhmm: str) -> str:
    """``16:00`` → ``4:00 PM`` (the seeds' way)."""
    return time.fromisoformat(hhmm).strftime("%I:%M %p").lstrip("0")


async def _offer(api: MemberApi, permit_id: str) -> tuple[dict[str, Any], list[Any]]:
    """The permit, and each of its type's inspections with the dates offered."""
    permit = await api.permit(permit_id)
    types = await api.permit_types()
    names: list[str] = next(
        (t["inspection_types"] for t in types if t["code"] == permit["type_code"]), []
    )
    offers: list[dict[str, Any]] = []
    for name in names:
        try:
            dates = await api.inspection_dates(permit_id, name)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            offers.append({"type": name, "dates": [], "why": problem.detail})
        else:
            offers.append({"type": name, **dates, "why": None})
    return permit, offers


@router.get("/inspections/schedule")
async def schedule_page(
    page: UserPage, permit: str = Query(max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
) -> Response:
    found, offers = await _offer(page.member(), permit)
    return _render_schedule(page, found, offers)


def _render_schedule(
    page: Page,
    permit: dict[str, Any],
    offers: list[Any],
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    zone = next((o["time_zone"] for o in offers if o.get("time_zone")), None)
    cutoff = next((o["next_day_cutoff"] for o in offers if o.get("next_day_cutoff")), None)
    return page.render(
        "schedule.html",
        status,
        title=f"Schedule inspections — {permit['number']}",
        permit=permit,
        offers=offers,
        zone=zone,
        cutoff=clock_label(cutoff) if cutoff else None,
        errors=errors or {},
        values=values or {},
    )


@router.post("/inspections/schedule")
async def schedule(page: UserPage, form: Form) -> Response:
    permit_id = field_value(form, "permit_id")
    api = page.member()
    found, offers = await _offer(api, permit_id)
    requests, values = [], {}
    for n, offer in enumerate(offers):
        day = field_value(form, f"date-{n}")
        values[f"date-{n}"] = day
        values[f"ampm-{n}"] = field_value(form, f"ampm-{n}")
        values[f"note-{n}"] = field_value(form, f"note-{n}")
        if day:
            request: dict[str, Any] = {
                "permit_id": permit_id,
                "inspection_type": offer["type"],
                "date": day,
            }
            if values[f"ampm-{n}"] in ("AM", "PM"):
                request["ampm"] = values[f"ampm-{n}"]
            if values[f"note-{n}"]:
                request["note"] = values[f"note-{n}"]
            requests.append((n, request))
    if not requests:
        errors = {"date-0": "Choose a requested date for at least one inspection"}
        return _render_schedule(page, found, offers, 422, errors, values)
    try:
        await api.schedule([r for _, r in requests])
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        errors = {}
        for field, message in problem.errors.items():
            parts = field.split(".")  # requests.<i>.<field>
            if len(parts) >= 2 and parts[0] == "requests" and parts[1].isdigit():
                n, _ = requests[int(parts[1])]
                name = parts[2] if len(parts) > 2 else "date"
                errors[f"{name}-{n}"] = message
        errors = errors or {f"date-{requests[0][0]}": problem.detail}
        return _render_schedule(page, found, offers, 422, errors, values)
    await page.flash("Your inspections are scheduled.")
    return page.redirect(page.path("scheduled"))


@router.get("/inspections")
async def scheduled(
    page: UserPage,
    offset: int = Query(default=0, ge=0, le=100_000),
    results_offset: int = Query(default=0, ge=0, le=100_000),
) -> Response:
    """Scheduled (seed 003's Inspections menu), with Reschedule and Cancel
    until the cut-off, and the results of past inspections with their corrections."""
    api = page.member()
    found = await api.my_inspections(limit=20, offset=offset)
    results = await api.my_inspections(which="results", limit=20, offset=results_offset)
    zone = page.jurisdiction["time_zone"] if page.jurisdiction else "UTC"
    for row in found["items"]:
        row["cancel_until_local"] = moment_text(row["cancel_until"], zone)
    return page.render("inspections.html", title="Inspections", found=found, results=results)


async def _reschedule_page(
    page: Page, inspection_id: str, status: int = 200, error: str | None = None, chosen: str = ""
) -> Response:
    """The inspection, and the days it may move to with the capacity left
    (its own day left out); none once the cut-off has passed."""
    api = page.member()
    found = await api.inspection(inspection_id)
    zone = page.jurisdiction["time_zone"] if page.jurisdiction else "UTC"
    openings: list[dict[str, Any]] = []
    if found["cancellable"]:
        try:
            offered = await api.inspection_dates(found["permit_id"], found["inspection"])
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            error = error or problem.detail
        else:
            openings = [o for o in offered["openings"] if o["date"] != found["date"]]
    return page.render(
        "reschedule.html",
        status,
        title="Reschedule an inspection",
        i=found,
        until=moment_text(found["cancel_until"], zone),
        openings=openings,
        errors={"date": error} if error else {},
        values={"date": chosen},
    )


@router.get("/inspections/{inspection_id}/reschedule")
async def reschedule_page(page: UserPage, inspection_id: str = object_id()) -> Response:
    return await _reschedule_page(page, inspection_id)


@router.post("/inspections/{inspection_id}/reschedule")
async def reschedule(page: UserPage, form: Form, inspection_id: str = object_id()) -> Response:
    """Move the inspection to the day chosen: the service checks it is still
    offered and the cut-off not passed; either refusal is shown by the field."""
    day = field_value(form, "date")
    if not day:
        return await _reschedule_page(page, inspection_id, 422, "Choose the new date")
    try:
        await page.member().reschedule(inspection_id, day)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return await _reschedule_page(page, inspection_id, 422, problem.detail, day)
    await page.flash("The inspection is moved to the new day.")
    return page.redirect(page.path("scheduled"))


@router.get("/inspections/{inspection_id}/cancel")
async def cancel_page(page: UserPage, inspection_id: str = object_id()) -> Response:
    found = await page.member().inspection(inspection_id)
    zone = page.jurisdiction["time_zone"] if page.jurisdiction else "UTC"
    return page.render(
        "cancel.html",
        title="Cancel an inspection",
        i=found,
        until=moment_text(found["cancel_until"], zone),
    )


@router.post("/inspections/{inspection_id}/cancel")
async def cancel(page: UserPage, form: Form, inspection_id: str = object_id()) -> Response:
    api = page.member()
    try:
        await api.cancel_inspection(inspection_id, field_value(form, "reason") or None)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        found = await api.inspection(inspection_id)
        zone = page.jurisdiction["time_zone"] if page.jurisdiction else "UTC"
        return page.render(
            "cancel.html",
            422,
            title="Cancel an inspection",
            i=found,
            until=moment_text(found["cancel_until"], zone),
            errors={"reason": problem.detail},
        )
    await page.flash("The inspection is cancelled.")
    return page.redirect(page.path("scheduled"))
