"""The staff console (issue 27), a jurisdiction's own side of the portal under
``/j/{jurisdiction}/staff/``: the work queues the member's roles work, and
the inspector's day. Pages are shown by the member's roles
(:data:`portal.web.STAFF_PAGES`); the services still refuse what a role may
not do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import field_validator

from portal.answers import StaffInspection
from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.web import Form, Page, StaffPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}/staff")


@dataclass(frozen=True)
class QueueInfo:
    title: str
    page: str | None  # the staff page that works it, where there is one yet
    row: str  # which field of a row names it


QUEUES = {
    "registrations_pending_validation": QueueInfo("Registrations to validate", None, "company"),
    "permits_in_review": QueueInfo("Permits in review", None, "number"),
    "permits_pending_approval": QueueInfo("Permits pending approval", None, "number"),
    "permits_awaiting_payment": QueueInfo("Permits awaiting payment", None, "number"),
    "permits_ready_to_issue": QueueInfo("Permits ready to issue", None, "number"),
    "inspections_today": QueueInfo("Today's inspections", "staff_day", "record_no"),
    "payments_pending": QueueInfo("Payments in progress", None, "receipt_number"),
}


@router.get("/")
async def staff_home(page: StaffPage) -> Response:
    """Each queue the member works: its count and first rows; a queue whose
    service did not answer is named, and the rest still shows."""
    board = await page.member().staff_queues(limit=5)
    sections = [
        {"name": name, "info": QUEUES.get(name, QueueInfo(name, None, "id")), "queue": queue}
        for name, queue in board.queues.items()
    ]
    missing = [QUEUES.get(name, QueueInfo(name, None, "id")).title for name in board.degraded]
    return page.render("staff_home.html", title="Work queues", sections=sections, missing=missing)


RESULTS = {"pass": "Pass", "fail": "Fail", "partial": "Partial"}


class ResultForm(FormModel):
    """An inspection's result: corrections one per line (a fail lists at
    least one, R-INS-6)."""

    result: str = field("result", required="Choose pass, fail or partial")
    day: str = field()  # the day whose list it was posted from
    comments: str = field("comments")
    corrections: str = field("corrections")

    @field_validator("result")
    @classmethod
    def _known(cls, value: str) -> str:
        if value and value not in RESULTS:
            raise ValueError("Choose pass, fail or partial")
        return value

    def lines(self) -> list[str]:
        return [line.strip() for line in self.corrections.splitlines() if line.strip()]

    def checked(self, errors: dict[str, str]) -> dict[str, str]:
        """A fail lists what must be corrected (R-INS-6), said before sending."""
        if self.result == "fail" and not self.lines():
            errors.setdefault("corrections", "List the corrections needed for a fail")
        return errors

    def request(self) -> dict[str, Any]:
        return {**self.body(empty="drop"), "corrections": self.lines()}


ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"


async def _day(page: Page, day: str | None) -> list[StaffInspection]:
    """A day's inspections, scheduled and resulted, as an inspector drives
    them (area, then address); no day: today in the jurisdiction's own date
    (the service decides what today is there)."""
    query = {"date": day} if day else {"today": "true"}
    listed = await page.member().inspection_day(**query, limit=200)
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
        (area or "No area", list(rows))
        for area, rows in groupby(inspections, key=lambda i: i.area or "")
    ]
    return page.render(
        "staff_day.html",
        status,
        title="Inspector's day",
        day=day,
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
            done = await page.member().record_result(inspection_id, posted.request())
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = ResultForm.problems(problem, default="result")
        else:
            label = RESULTS.get(done.result or "", done.result or "")
            await page.flash(f"{done.inspection} at {done.address or done.record_no}: {label}.")
            back = f"?date={done.date.isoformat()}#inspection-{inspection_id}"
            return page.redirect(page.path("staff_day") + back)
    values = {inspection_id: posted.values()}
    shown = posted.day if re.match(ISO_DAY, posted.day) else None
    return _render_day(page, shown, await _day(page, shown), 422, {inspection_id: errors}, values)
