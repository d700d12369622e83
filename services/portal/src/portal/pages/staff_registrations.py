"""The registration and licensing inbox in the staff console (issue 27, seed
002): a filtered list; a registration's page with its company, trades,
licenses, every requirement's fields and documents (PDFs and images shown in
the page), each requirement marked Approved or Needs Info with a note, then
Accept, Return or Deny with a reason; every round's history. A decision
someone else made first is explained, never overwritten."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.web import Form, Page, StaffPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}/staff")

STATUSES = {
    "pending_validation": N_("Pending validation"),
    "returned": N_("Returned for more information"),
    "accepted": N_("Accepted"),
    "denied": N_("Denied"),
}
DECISIONS = {
    "accept": N_("Accept"),
    "return": N_("Return for more information"),
    "deny": N_("Deny"),
}
SHOWN_INLINE = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")


@router.get("/registrations")
async def staff_registrations(
    page: StaffPage,
    status: str = Query(default="pending_validation", pattern="^(" + "|".join(STATUSES) + ")$"),
    trade: str = Query(default="", max_length=100),
    offset: int = Query(default=0, ge=0, le=10_000),
) -> Response:
    found = await page.staff().registrations(
        status=status, trade=trade.strip(), limit=20, offset=offset
    )
    return page.render(
        "staff_registrations.html",
        title=N_("Registrations"),
        statuses=STATUSES,
        status=status,
        trade=trade,
        found=found,
    )


async def registration_page(
    page: Page,
    registration_id: str,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    found = await page.staff().staff_registration(registration_id)
    return page.render(
        "staff_registration.html",
        status,
        title=found.company_name or found.email,
        r=found,
        statuses=STATUSES,
        decisions=DECISIONS,
        inline=SHOWN_INLINE,
        errors=errors or {},
        values=values or {},
    )


@router.get("/registrations/{registration_id}")
async def staff_registration(page: StaffPage, registration_id: str = object_id()) -> Response:
    return await registration_page(page, registration_id)


@router.get("/registrations/{registration_id}/documents/{file_id}")
async def staff_registration_document(
    page: StaffPage, registration_id: str = object_id(), file_id: str = object_id()
) -> Response:
    """A document passed through from the API, shown in the page where the
    browser can (PDFs and images), else downloaded."""
    answer = await page.staff().registration_document(registration_id, file_id)
    kind = answer.headers.get("content-type", "application/octet-stream").split(";")[0]
    headers = {"content-type": kind, "x-content-type-options": "nosniff"}
    if kind in SHOWN_INLINE:  # in the registration's own page, and nowhere else
        headers["content-disposition"] = "inline"
        headers["x-frame-options"] = "SAMEORIGIN"
        headers["content-security-policy"] = "frame-ancestors 'self'"
    elif "content-disposition" in answer.headers:
        headers["content-disposition"] = answer.headers["content-disposition"]
    return Response(answer.content, headers=headers)


class MarkForm(FormModel):
    decision: str = field("decision", required=N_("Choose Approved or Needs Info"))
    comment: str = field("comment")


@router.post("/registrations/{registration_id}/requirements/{requirement_id}")
async def staff_mark(
    page: StaffPage,
    form: Form,
    registration_id: str = object_id(),
    requirement_id: str = object_id(),
) -> Response:
    posted, errors = MarkForm.read(form)
    if posted.decision == "needs_info" and not posted.comment:
        errors.setdefault("comment", N_("Say what is needed, for the registrant"))
    if not errors:
        body = posted.body(empty="drop")
        try:
            await page.staff().review_requirement(registration_id, requirement_id, body)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = {"decision": problem.detail}
        else:
            anchor = f"#requirement-{requirement_id}"
            back = page.path("staff_registration", registration_id=registration_id)
            return page.redirect(back + anchor)
    keyed = {f"{requirement_id}-{k}": v for k, v in errors.items()}
    values = {f"{requirement_id}-{k}": v for k, v in posted.values().items()}
    return await registration_page(page, registration_id, 422, keyed, values)


class DecisionForm(FormModel):
    decision: str = field("decision", required=N_("Choose Accept, Return or Deny"))
    reason: str = field("reason")
    version: str = field()


@router.post("/registrations/{registration_id}/decision")
async def staff_decide(page: StaffPage, form: Form, registration_id: str = object_id()) -> Response:
    posted, errors = DecisionForm.read(form)
    if posted.decision in ("return", "deny") and not posted.reason:
        errors.setdefault("reason", N_("Give the reason: the registrant reads it"))
    if not posted.version.isdigit():
        errors.setdefault("decision", N_("Reload the registration and try again"))
    if not errors:
        body = {**posted.body("decision", "reason", empty="drop"), "version": int(posted.version)}
        try:
            decided = await page.staff().decide_registration(registration_id, body)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = {"decision": _stale(problem) or problem.detail}
        else:
            label = STATUSES.get(decided.status, decided.status)
            await page.flash(
                gettext("{company}: {status}.").format(
                    company=decided.company_name or decided.email, status=gettext(label)
                )
            )
            return page.redirect(page.path("staff_registration", registration_id=registration_id))
    return await registration_page(page, registration_id, 422, errors, posted.values())


def _stale(problem: ApiProblem) -> str | None:
    if problem.status == 409 and "version" in (problem.type + problem.detail).lower():
        return N_(
            "Someone else decided on this registration first; what they decided is shown "
            "below. Nothing was overwritten."
        )
    return None
