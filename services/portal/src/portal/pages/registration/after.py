"""After submitting: the registration's state (Pending Validation, accepted,
returned, denied), Update Requirements on the items marked Needs Info,
Resubmit, and the registration's documents (R-REG-4)."""

from __future__ import annotations

from fastapi import APIRouter, Path
from fastapi.responses import Response

from portal.answers import Registration, Requirement
from portal.gateway import ApiProblem
from portal.i18n import N_
from portal.pages.registration.draft import STATUS_TITLES, Mine, answer
from portal.web import Form, download

router = APIRouter()


@router.get("/j/{jurisdiction_id}/registration")
async def status_page(mine: Mine) -> Response:
    registration = await mine.get()
    return await mine.summary(
        "register_status.html",
        registration,
        title=STATUS_TITLES.get(registration.status, N_("Your registration")),
    )


def _needing(registration: Registration, requirement_id: str) -> Requirement:
    """A requirement staff marked Needs Info (updated ones may change again)."""
    for requirement in registration.requirements:
        if requirement.id == requirement_id and requirement.review in ("needs_info", "updated"):
            return requirement
    raise ApiProblem(404, N_("Not found"), N_("This requirement does not need information"))


@router.get("/j/{jurisdiction_id}/registration/requirements/{requirement_id}")
async def update_page(
    mine: Mine, requirement_id: str = Path(max_length=60, pattern=r"^[a-z0-9_\-]+$")
) -> Response:
    registration = await mine.get()
    requirement = _needing(registration, requirement_id)
    return mine.render(
        "register_update.html",
        registration,
        title=N_("Update Requirements"),
        requirement=requirement,
    )


@router.post("/j/{jurisdiction_id}/registration/requirements/{requirement_id}")
async def update(
    mine: Mine,
    form: Form,
    requirement_id: str = Path(max_length=60, pattern=r"^[a-z0-9_\-]+$"),
) -> Response:
    registration = await mine.get()
    requirement = _needing(registration, requirement_id)
    # the same value again is an update too (staff asked about it)
    asked = requirement.model_copy(update={"provided": False, "value": None})
    value, error = await answer(mine, asked, form)
    if error:
        return mine.render(
            "register_update.html",
            registration,
            422,
            title=N_("Update Requirements"),
            requirement=requirement,
            values={f"req-{requirement_id}": value or ""},
            errors={f"req-{requirement_id}": error},
        )
    await mine.page.flash(
        N_("The requirement was updated. Resubmit once every one marked Needs Info is.")
    )
    return mine.page.redirect(mine.page.path("status_page"))


@router.post("/j/{jurisdiction_id}/registration/resubmit")
async def resubmit(mine: Mine, form: Form) -> Response:
    try:
        await mine.api.resubmit()
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        registration = await mine.get()
        return await mine.summary(
            "register_status.html",
            registration,
            422,
            title=STATUS_TITLES.get(registration.status, N_("Your registration")),
            errors={"_form": N_("Update every requirement marked Needs Info, then resubmit")},
        )
    await mine.page.flash(N_("Your registration was resubmitted for review."))
    return mine.page.redirect(mine.page.path("status_page"))


@router.get("/j/{jurisdiction_id}/registration/documents/{file_id}", name="registration_document")
async def document(
    mine: Mine, file_id: str = Path(max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
) -> Response:
    """A document this registration uploaded, to check it before submitting."""
    return download(await mine.api.document(file_id))
