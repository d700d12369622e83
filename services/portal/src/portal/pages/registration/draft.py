"""What every registration page needs: this browser's draft (its API token
kept by the portal), the jurisdiction's registration settings, the steps, and
saving one requirement from a form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from portal.answers import Registration, RegistrationSettings, Requirement
from portal.forms import FormModel, field, upload
from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.public_api import RegistrationApi
from portal.sessions import Draft
from portal.web import Page, public_page

STEPS = (
    ("company", N_("Company")),
    ("requirements", N_("Requirements")),
    ("profile", N_("Profile")),
    ("review", N_("Review and password")),
)
COMPANY = ("company_name", "registrant_name", "license_number")
PROFILE = ("address", "city", "state", "zip", "phone", "cell", "fax", "company_email")
STATUS_TITLES = {
    "draft": N_("Your registration is not submitted yet"),
    "pending_validation": N_("Pending Validation"),
    "accepted": N_("Registration Accepted"),  # seed 002's word
    "returned": N_("Additional Information Needed"),
    "denied": N_("Registration Denied"),
}


class NoDraft(Exception):
    """This browser has no registration in this jurisdiction (app.py: back to
    the Register page, which says so)."""

    def __init__(self, jurisdiction_id: str) -> None:
        self.jurisdiction_id = jurisdiction_id


@dataclass
class Registrant:
    """A registration page: the jurisdiction's page and this browser's draft."""

    page: Page
    draft: Draft

    @property
    def api(self) -> RegistrationApi:
        """The draft's API calls, by its registration token."""
        return RegistrationApi(self.page.app.gateway, self.draft.registration_id, self.draft.token)

    async def get(self) -> Registration:
        try:
            return await self.api.get()
        except ApiProblem as problem:
            if problem.status == 404:  # reopened elsewhere from the emailed link
                raise NoDraft(self.page.jid) from None
            raise

    async def settings(self) -> RegistrationSettings:
        return await registration_settings(self.page)

    def render(
        self, template: str, registration: Registration, status_code: int = 200, **context: Any
    ) -> Response:
        return self.page.render(
            template,
            status_code,
            registration=registration,
            steps=STEPS,
            **context,
        )

    async def summary(
        self, template: str, registration: Registration, status_code: int = 200, **context: Any
    ) -> Response:
        """A page that shows the whole registration (licenses by their names)."""
        names = {lt.code: lt.name for lt in (await self.settings()).license_types}
        return self.render(template, registration, status_code, license_names=names, **context)


async def registrant(request: Request, jurisdiction_id: str) -> Registrant:
    page = await public_page(request, jurisdiction_id)
    draft = await request.app.state.drafts.get(request.state.visitor, page.jid)
    if draft is None:
        raise NoDraft(page.jid)
    return Registrant(page, draft)


Mine = Annotated[Registrant, Depends(registrant)]


async def registration_settings(page: Page) -> RegistrationSettings:
    """What the jurisdiction offers (public): trades, licenses, requirements."""
    return await page.public().registration_settings()


class Answer(FormModel):
    """One requirement's answer, posted as ``req-<its id>``."""

    value: str = field("value")


async def answer(
    mine: Registrant, requirement: Requirement, form: FormData
) -> tuple[str | None, str | None]:
    """Save one requirement from the form: ``(typed value, error)``."""
    name = f"req-{requirement.id}"
    try:
        if requirement.kind == "document":
            document = upload(form, name)
            if document is not None:
                content = await document.read()
                kind = document.content_type or "application/octet-stream"
                await mine.api.upload(requirement.id, document.filename or name, content, kind)
            elif requirement.required and not requirement.provided:
                return None, gettext("Upload the {requirement}").format(
                    requirement=requirement.label.lower()
                )
            return None, None
        value = Answer.read(form, name)[0].value
        if value and value != (requirement.value or ""):
            await mine.api.answer(requirement.id, value)
        elif not value and requirement.required and not requirement.provided:
            return value, gettext("Enter the {requirement}").format(
                requirement=requirement.label.lower()
            )
        return value, None
    except ApiProblem as problem:
        if problem.status not in (409, 413, 415, 422):
            raise
        if problem.status == 413:
            return None, N_("This file is too large")
        if "file" in problem.errors:  # the content is not an accepted type
            kinds = [t.rsplit("/", 1)[-1].upper() for t in requirement.accepted_types or []]
            return None, gettext("This file is not a {kinds} document").format(
                kinds=gettext(" or ").join(kinds)
            )
        message = next(iter(problem.errors.values()), problem.detail)
        return (None if requirement.kind == "document" else value), message
