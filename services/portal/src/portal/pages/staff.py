"""The staff console (issue 27), a jurisdiction's own side of the portal under
``/j/{jurisdiction}/staff/``: the work queues the member's roles work, and
the inspector's day. Pages are shown by the member's roles
(:data:`portal.staff_roles.STAFF_PAGES`); the services still refuse what a role may
not do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import field_validator

from portal.formats import day_text
from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.staff_answers import QueueSection, StaffInspection
from portal.staff_roles import may_open
from portal.web import Form, Page, StaffPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}/staff")


@dataclass(frozen=True)
class QueueInfo:
    title: str
    label: str  # which field of a row names it
    opens: str | None = None  # the staff page that works the queue, where there is one
    query: str = ""  # that page's query for this queue
    row_page: str | None = None  # the page of one row, its id as ``row_param``
    row_param: str = ""
    row_anchor: str = ""  # or: the row's place on the queue's page (``#inspection-<id>``)


def _permits(title: str, status: str) -> QueueInfo:
    return QueueInfo(
        title, "number", "staff_permits", f"?status={status}", "staff_permit", "permit_id"
    )


QUEUES = {
    "registrations_pending_validation": QueueInfo(
        N_("Registrations to validate"),
        "company_name",
        "staff_registrations",
        "",
        "staff_registration",
        "registration_id",
    ),
    "permits_in_review": _permits(N_("Permits in review"), "IN_REVIEW"),
    "permits_pending_approval": _permits(N_("Permits pending approval"), "PENDING_APPROVAL"),
    "permits_awaiting_payment": _permits(N_("Permits awaiting payment"), "AWAITING_PAYMENT"),
    "permits_ready_to_issue": _permits(N_("Permits ready to issue"), "READY_TO_ISSUE"),
    "inspections_today": QueueInfo(
        N_("Today's inspections"), "record_no", "staff_day", row_anchor="inspection"
    ),
    "payments_pending": QueueInfo(
        N_("Payments in progress"),
        "receipt_number",
        "staff_cashier",
        "",
        "staff_payment",
        "payment_id",
    ),
}


def _section(page: Page, name: str, queue: QueueSection) -> dict[str, Any]:
    """A queue as the home page shows it: its rows, each linked to its page
    and the queue to the page that works it, where the member may open them."""
    info = QUEUES.get(name, QueueInfo(name, "id"))
    opens = info.opens if info.opens and may_open(page.session, info.opens) else None
    rows = []
    for row in queue.items:
        href = None
        if info.row_page and may_open(page.session, info.row_page):
            href = page.path(info.row_page, **{info.row_param: row["id"]})
        elif opens and info.row_anchor:
            href = page.path(opens) + f"#{info.row_anchor}-{row['id']}"
        detail = " — ".join(str(row[k]) for k in ("address", "inspection") if row.get(k))
        rows.append({"label": row.get(info.label) or row["id"], "href": href, "detail": detail})
    return {
        "name": name,
        "title": info.title,
        "total": queue.total,
        "rows": rows,
        "open": page.path(opens) + info.query if opens else None,
    }


@router.get("/")
async def staff_home(page: StaffPage) -> Response:
    """Each queue the member works: its count and first rows; a queue whose
    service did not answer is named, and the rest still shows."""
    board = await page.staff().staff_queues(limit=5)
    sections = [_section(page, name, queue) for name, queue in board.queues.items()]
    missing = [QUEUES.get(name, QueueInfo(name, "id")).title for name in board.degraded]
    return page.render(
        "staff_home.html", title=N_("Work queues"), sections=sections, missing=missing
    )


RESULTS = {"pass": N_("Pass"), "fail": N_("Fail"), "partial": N_("Partial")}


class ResultForm(FormModel):
    """An inspection's result: corrections one per line (a fail lists at
    least one, R-INS-6)."""

    result: str = field("result", required=N_("Choose pass, fail or partial"))
    day: str = field()  # the day whose list it was posted from
    comments: str = field("comments")
    corrections: str = field("corrections")

    @field_validator("result")
    @classmethod
    def _known(cls, value: str) -> str:
        if value and value not in RESULTS:
            raise ValueError(N_("Choose pass, fail or partial"))
        return value

    def lines(self) -> list[str]:
        return [line.strip() for line in self.corrections.splitlines() if line.strip()]

    def checked(self, errors: dict[str, str]) -> dict[str, str]:
        """A fail lists what must be corrected (R-INS-6), said before sending."""
        if self.result == "fail" and not self.lines():
            errors.setdefault("corrections", N_("List the corrections needed for a fail"))
        return errors

    def request(self) -> dict[str, Any]:
        return {**self.body(empty="drop"), "corrections": self.lines()}


ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"


async def _day(page: Page, day: str | None) -> list[StaffInspection]:
    """A day's inspections, scheduled and resulted, as an inspector drives
    them (area, then address); no day: today in the jurisdiction's own date
    (the service decides what today is there)."""
    query = {"date": day} if day else {"today": "true"}
    listed = await page.staff().inspection_day(**query, limit=200)
    return listed.items


def _render_day(
    page: Page,
    day: str | None,
    inspections: list[StaffInspection],
    status: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
) -> Response:
    areas = [
        (area or N_("No area"), list(rows))
        for area, rows in groupby(inspections, key=lambda i: i.area or "")
    ]
    return page.render(
        "staff_day.html",
        status,
        title=N_("Inspector's day"),
        day=day,
        shown_day=date.fromisoformat(day) if day else None,
        areas=areas,
        results=RESULTS,
        row_errors=errors or {},
        row_values=values or {},
    )


@router.get("/inspections")
async def staff_day(
    page: StaffPage, day: str | None = Query(default=None, alias="date", pattern=ISO_DAY)
) -> Response:
    return _render_day(page, day, await _day(page, day))


@router.post("/inspections/{inspection_id}/result")
async def staff_result(page: StaffPage, form: Form, inspection_id: str = object_id()) -> Response:
    """Record pass, fail or partial; a refusal is told next to its field on
    the day's list, with what was typed kept."""
    posted, errors = ResultForm.read(form)
    errors = posted.checked(errors)
    if not errors:
        try:
            done = await page.staff().record_result(inspection_id, posted.request())
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = ResultForm.problems(problem, default="result")
        else:
            label = RESULTS.get(done.result or "", done.result or "")
            await page.flash(
                gettext("{inspection} at {place}: {result}.").format(
                    inspection=done.inspection,
                    place=done.address or done.record_no,
                    result=gettext(label),
                )
            )
            back = f"?date={done.date.isoformat()}#inspection-{inspection_id}"
            return page.redirect(page.path("staff_day") + back)
    values = {inspection_id: posted.values()}
    shown = posted.day if re.match(ISO_DAY, posted.day) else None
    return _render_day(page, shown, await _day(page, shown), 422, {inspection_id: errors}, values)


@router.post("/inspections/{inspection_id}/reschedule")
async def staff_reschedule(
    page: StaffPage, form: Form, inspection_id: str = object_id()
) -> Response:
    """Move an inspection to another day (staff may, past the requester's
    cut-off too); a day the calendar refuses is told next to the field."""
    day = str(form.get("date") or "").strip()
    shown = str(form.get("day") or "").strip()
    shown_day = shown if re.match(ISO_DAY, shown) else None
    error = None if re.match(ISO_DAY, day) else N_("Choose the new date")
    if error is None:
        try:
            await page.staff().reschedule(inspection_id, day)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            error = problem.errors.get("date") or problem.detail
        else:
            await page.flash(
                gettext("The inspection is moved to {day}.").format(
                    day=day_text(day, page.time_zone)
                )
            )
            return page.redirect(
                page.path("staff_day") + (f"?date={shown_day}" if shown_day else "")
            )
    errors = {inspection_id: {"date": error}}
    values = {inspection_id: {"date": day}}
    return _render_day(page, shown_day, await _day(page, shown_day), 422, errors, values)
