"""Inspections (seed 004 "TO SCHEDULE AN INSPECTION", "TO CANCEL AN
INSPECTION"): Schedule offers each inspection of a permit with the dates that
may be requested, several in one submit; Scheduled lists them with Cancel
until the cut-off, which is shown in the jurisdiction's time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import field_validator

from portal.answers import InspectionDates, Opening, Permit
from portal.api import MemberApi
from portal.formats import moment_text
from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.web import Form, Page, UserPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}")


def clock_label(hhmm: str) -> str:
    """``16:00`` → ``4:00 PM`` (the seeds' way)."""
    return time.fromisoformat(hhmm).strftime("%I:%M %p").lstrip("0")


@dataclass
class Offer:
    """One inspection of the permit's type: the dates it may be requested
    for, or why it may not be requested now."""

    type: str
    dates: InspectionDates | None
    why: str | None = None

    @property
    def openings(self) -> list[Opening]:
        return self.dates.openings if self.dates else []


async def _offer(api: MemberApi, permit_id: str) -> tuple[Permit, list[Offer]]:
    """The permit, and each of its type's inspections with the dates offered."""
    permit = await api.permit(permit_id)
    types = await api.permit_types()
    names = next((t.inspection_types for t in types if t.code == permit.type_code), [])
    offers: list[Offer] = []
    for name in names:
        try:
            offers.append(Offer(name, await api.inspection_dates(permit_id, name)))
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            offers.append(Offer(name, None, problem.detail))
    return permit, offers


@router.get("/inspections/schedule")
async def schedule_page(
    page: UserPage, permit: str = Query(max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
) -> Response:
    found, offers = await _offer(page.member(), permit)
    return _render_schedule(page, found, offers)


def _render_schedule(
    page: Page,
    permit: Permit,
    offers: list[Offer],
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    offered = [o.dates for o in offers if o.dates is not None]
    zone = offered[0].time_zone if offered else None
    cutoff = offered[0].next_day_cutoff if offered else None
    return page.render(
        "schedule.html",
        status,
        title=gettext("Schedule inspections — {number}").format(number=permit.number),
        permit=permit,
        offers=offers,
        zone=zone,
        cutoff=clock_label(cutoff) if cutoff else None,
        errors=errors or {},
        values=values or {},
    )


class SchedulePermit(FormModel):
    permit_id: str = field("permit_id")


class ScheduleRow(FormModel):
    """One inspection's row of the Schedule form (posted as ``date-<n>``…):
    a row with a date is a request; an AM/PM preference other than AM or PM
    is no preference."""

    date: str = field("date")
    ampm: str = field("ampm")
    note: str = field("note")

    @field_validator("ampm")
    @classmethod
    def _am_or_pm(cls, value: str) -> str:
        return value if value in ("AM", "PM") else ""

    def request(self, permit_id: str, inspection_type: str) -> dict[str, Any]:
        body = {"permit_id": permit_id, "inspection_type": inspection_type}
        return {**body, **self.body(empty="drop")}


@router.post("/inspections/schedule")
async def schedule(page: UserPage, form: Form) -> Response:
    posted, _ = SchedulePermit.read(form)
    api = page.member()
    found, offers = await _offer(api, posted.permit_id)
    rows = [ScheduleRow.read(form, f"{{}}-{n}")[0] for n in range(len(offers))]
    values = {f"{k}-{n}": v for n, row in enumerate(rows) for k, v in row.values().items()}
    requested = [n for n, row in enumerate(rows) if row.date]  # the rows sent, in order
    if not requested:
        errors = {"date-0": N_("Choose a requested date for at least one inspection")}
        return _render_schedule(page, found, offers, 422, errors, values)
    try:
        await api.schedule([rows[n].request(posted.permit_id, offers[n].type) for n in requested])
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        errors = {  # each request's refusal by its row's field (else its date)
            f"{name}-{n}": message
            for sent, n in enumerate(requested)
            for name, message in ScheduleRow.problems(
                problem, default="date", at=f"requests.{sent}"
            ).items()
        }
        errors = errors or {f"date-{requested[0]}": problem.detail}
        return _render_schedule(page, found, offers, 422, errors, values)
    await page.flash(N_("Your inspections are scheduled."))
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
    return page.render("inspections.html", title=N_("Inspections"), found=found, results=results)


async def _reschedule_page(
    page: Page, inspection_id: str, status: int = 200, error: str | None = None, chosen: str = ""
) -> Response:
    """The inspection, and the days it may move to with the capacity left
    (its own day left out); none once the cut-off has passed."""
    api = page.member()
    found = await api.inspection(inspection_id)
    openings: list[Opening] = []
    if found.cancellable:
        try:
            offered = await api.inspection_dates(found.permit_id, found.inspection)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            error = error or problem.detail
        else:
            openings = [o for o in offered.openings if o.date != found.date]
    return page.render(
        "reschedule.html",
        status,
        title=N_("Reschedule an inspection"),
        i=found,
        until=moment_text(found.cancel_until, page.time_zone),
        openings=openings,
        errors={"date": error} if error else {},
        values={"date": chosen},
    )


@router.get("/inspections/{inspection_id}/reschedule")
async def reschedule_page(page: UserPage, inspection_id: str = object_id()) -> Response:
    return await _reschedule_page(page, inspection_id)


class NewDay(FormModel):
    date: str = field("date", required=N_("Choose the new date"))


@router.post("/inspections/{inspection_id}/reschedule")
async def reschedule(page: UserPage, form: Form, inspection_id: str = object_id()) -> Response:
    """Move the inspection to the day chosen: the service checks it is still
    offered and the cut-off not passed; either refusal is shown by the field."""
    posted, errors = NewDay.read(form)
    if errors:
        return await _reschedule_page(page, inspection_id, 422, errors["date"])
    try:
        await page.member().reschedule(inspection_id, posted.date)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return await _reschedule_page(page, inspection_id, 422, problem.detail, posted.date)
    await page.flash(N_("The inspection is moved to the new day."))
    return page.redirect(page.path("scheduled"))


@router.get("/inspections/{inspection_id}/cancel")
async def cancel_page(page: UserPage, inspection_id: str = object_id()) -> Response:
    found = await page.member().inspection(inspection_id)
    return page.render(
        "cancel.html",
        title=N_("Cancel an inspection"),
        i=found,
        until=moment_text(found.cancel_until, page.time_zone),
    )


class CancelReason(FormModel):
    reason: str = field("reason")


@router.post("/inspections/{inspection_id}/cancel")
async def cancel(page: UserPage, form: Form, inspection_id: str = object_id()) -> Response:
    api = page.member()
    try:
        posted, _ = CancelReason.read(form)
        await api.cancel_inspection(inspection_id, posted.reason or None)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        found = await api.inspection(inspection_id)
        return page.render(
            "cancel.html",
            422,
            title=N_("Cancel an inspection"),
            i=found,
            until=moment_text(found.cancel_until, page.time_zone),
            errors={"reason": problem.detail},
        )
    await page.flash(N_("The inspection is cancelled."))
    return page.redirect(page.path("scheduled"))
