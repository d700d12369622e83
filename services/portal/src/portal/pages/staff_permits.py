"""Permit review in the staff console (issue 27): the queues by status, and a
permit's page with its documents, parties, fees, comments and history, the
moves the transition table gives the member's roles (issue and cancel among
them), and comments. A move someone else made first is explained, never
overwritten (the permit's version is sent with each move)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.formats import label
from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.staff_answers import FeeQuote
from portal.web import Form, Page, StaffPage, company_names, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}/staff")

QUEUE_STATUSES = [
    "SUBMITTED",
    "IN_REVIEW",
    "PENDING_APPROVAL",
    "AWAITING_PAYMENT",
    "READY_TO_ISSUE",
]
LABELS = {s: s.replace("_", " ").title() for s in QUEUE_STATUSES}
PER_PAGE = 20
STATUS_PATTERN = "^(" + "|".join(QUEUE_STATUSES) + ")$"


@router.get("/permits")
async def staff_permits(
    page: StaffPage,
    status: str = Query(default="SUBMITTED", pattern=STATUS_PATTERN),
    offset: int = Query(default=0, ge=0, le=10_000),
) -> Response:
    """One status's queue, newest first, with every queue's count."""
    api = page.staff()
    counts = await api.permit_queue_counts(QUEUE_STATUSES)
    found = await api.permit_queue(status, limit=PER_PAGE, offset=offset)
    return page.render(
        "staff_permits.html",
        title=gettext("Permits {queue}").format(queue=gettext(LABELS[status]).lower()),
        status=status,
        labels=LABELS,
        counts=counts,
        found=found,
    )


async def permit_page(
    page: Page,
    permit_id: str,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    quote: FeeQuote | None = None,
) -> Response:
    """The permit's page; ``quote``: the fees asked for, priced, to save."""
    api = page.staff()
    permit = await api.staff_permit(permit_id)
    try:
        types = await api.permit_types()
    except ApiProblem:  # the fees form then offers manual lines only
        types = []
    schedule = next((t.fee_schedule for t in types if t.code == permit.type_code), [])
    return page.render_form(
        "staff_permit.html",
        status,
        title=gettext("Permit {number}").format(number=permit.number),
        p=permit,
        companies=await company_names(page, permit.company_ids),
        schedule=schedule,
        quote=quote,
        errors=errors,
        values=values,
    )


@router.get("/permits/{permit_id}")
async def staff_permit(page: StaffPage, permit_id: str = object_id()) -> Response:
    return await permit_page(page, permit_id)


class MoveForm(FormModel):
    to: str = field("to", required=N_("Choose where the permit goes next"))
    comment: str = field("comment")
    version: str = field()
    key: str = field()


@router.post("/permits/{permit_id}/move")
async def staff_move(page: StaffPage, form: Form, permit_id: str = object_id()) -> Response:
    """A move the table gives the member's roles, at the version they saw."""
    posted, errors = MoveForm.read(form)
    if not posted.version.isdigit():
        errors.setdefault("to", N_("Reload the permit and try again"))
    if errors:
        return await permit_page(page, permit_id, 422, errors, posted.values())
    body = {**posted.body(empty="drop"), "version": int(posted.version)}
    try:
        moved = await page.staff().move_permit(permit_id, body, key=posted.key or uuid4().hex)
    except ApiProblem as problem:
        if problem.status not in (403, 409, 422):
            raise
        message = _stale(problem) or problem.detail
        return await permit_page(page, permit_id, problem.status, {"to": message})
    await page.flash(
        gettext("Permit {number} is now {status}.").format(
            number=moved.number, status=label(moved.status)
        )
    )
    return page.redirect(page.path("staff_permit", permit_id=permit_id))


def _stale(problem: ApiProblem) -> str | None:
    """Someone else moved the permit first: say so, with where it is now."""
    if problem.type.endswith("version-conflict"):
        now = problem.extensions.get("current", "changed")
        return gettext(
            "Someone else changed this permit first; it is now {status}. Nothing was overwritten."
        ).format(status=label(now))
    return None


class CommentForm(FormModel):
    text: str = field("text", required=N_("Write the comment"))


@router.post("/permits/{permit_id}/comments")
async def staff_comment(page: StaffPage, form: Form, permit_id: str = object_id()) -> Response:
    posted, errors = CommentForm.read(form)
    if not errors:
        try:
            await page.staff().comment_permit(permit_id, posted.text)
        except ApiProblem as problem:
            if problem.status != 422:
                raise
            errors = CommentForm.problems(problem, default="text")
    if errors:
        return await permit_page(page, permit_id, 422, errors, posted.values())
    await page.flash(N_("Your comment is on the permit."))
    return page.redirect(page.path("staff_permit", permit_id=permit_id) + "#comments")
