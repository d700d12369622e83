"""Public enrollment (seed 004 "PUBLIC LOGIN": set up an account) and its
emailed confirmation link, then Link To Permits / Unlink Permit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from portal.answers import LinkView
from portal.forms import FormModel, NewPassword, field
from portal.gateway import ApiProblem, apply_tokens
from portal.i18n import N_
from portal.pages.auth import who
from portal.public_api import EmailedLinks
from portal.security import rotate_visitor
from portal.sessions import Session
from portal.web import Form, Page, PublicPage, UserPage, emailed_link_page, link_token, object_id

router = APIRouter()


@router.get("/j/{jurisdiction_id}/enroll")
async def enroll_page(page: PublicPage) -> Response:
    return page.render("enroll.html", title=N_("Set up a public account"))


@router.post("/j/{jurisdiction_id}/enroll")
async def enroll(page: PublicPage, form: Form) -> Response:
    email = EnrollForm.read(form)[0].email
    try:
        await page.public().enroll(email)
    except ApiProblem as problem:
        if problem.status not in (422, 429):
            raise
        message = (
            N_("Too many requests: wait a minute and try again")
            if problem.status == 429
            else N_("Enter an email address like name@example.org")
        )
        return page.render(
            "enroll.html",
            422,
            title=N_("Set up a public account"),
            errors={"email": message},
            values={"email": email},
        )
    return page.render("enroll_sent.html", title=N_("Check your email"), email=email)


@router.get("/enrollments/{token}")
async def confirm_page(request: Request, token: str = link_token()) -> Response:
    page, view = await emailed_link_page(request, "enrollments", token)
    return page.render(
        "enroll_confirm.html", title=N_("Confirm your account"), view=view, token=token
    )


@router.post("/enrollments/{token}")
async def confirm(request: Request, form: Form, token: str = link_token()) -> Response:
    page, view = await emailed_link_page(request, "enrollments", token)
    posted, _ = ConfirmForm.read(form)
    values = posted.values()
    errors = posted.password_errors(existing_account=view.existing_account)
    if not posted.display_name and not view.existing_account:
        errors["display_name"] = N_("Enter your name")
    if not errors:
        body = posted.body() | {"display_name": posted.display_name or view.email}
        used = await _use_link(page, view, ("enrollments", token), body)
        if isinstance(used, Response):
            return used
        errors = used
    return page.render(
        "enroll_confirm.html",
        422,
        title=N_("Confirm your account"),
        view=view,
        token=token,
        errors=errors,
        values=values,
    )


@router.get("/invitations/{token}")
async def invitation_page(request: Request, token: str = link_token()) -> Response:
    page, view = await emailed_link_page(request, "invitations", token)
    return page.render(
        "invitation.html", title=N_("Accept your invitation"), view=view, token=token
    )


@router.post("/invitations/{token}")
async def accept_invitation(request: Request, form: Form, token: str = link_token()) -> Response:
    """An invitation from staff or a company admin: a password (or the existing
    one), then logged in."""
    page, view = await emailed_link_page(request, "invitations", token)
    posted, _ = InvitationForm.read(form)
    values = posted.values()
    errors = posted.password_errors(existing_account=view.existing_account)
    if not errors:
        body = posted.body("password") | posted.body("display_name", empty="drop")
        used = await _use_link(page, view, ("invitations", token), body)
        if isinstance(used, Response):
            return used
        errors = used
    return page.render(
        "invitation.html",
        422,
        title=N_("Accept your invitation"),
        view=view,
        token=token,
        errors=errors,
        values=values,
    )


async def _use_link(
    page: Page, view: LinkView, link: tuple[str, str], body: dict[str, Any]
) -> Response | dict[str, str]:
    """Use an emailed link (its kind and token) and log in with the password
    it set; the field messages when the API refuses."""
    try:
        await EmailedLinks(page.app.gateway).use(*link, body)
    except ApiProblem as problem:
        if problem.status not in (401, 409, 422):
            raise
        return problem.on_form(default="password")
    return await _log_in(page, view.email, body["password"])


class EnrollForm(FormModel):
    email: str = field("email")


class ConfirmForm(NewPassword):
    """An enrollment's confirmation: the person's name and phone, and a password."""

    display_name: str = field("display_name")
    phone: str = field("phone")


class InvitationForm(NewPassword):
    """Accepting an invitation: a password (or the existing one), a name."""

    display_name: str = field("display_name")


async def _log_in(page: Page, email: str, password: str) -> Response:
    granted = await page.public().log_in(email, password)
    session = Session(
        jurisdiction_id=page.jid,
        access_token="",
        refresh_token=None,
        access_expires_at=page.app.clock.now(),
        email=email,
    )
    apply_tokens(session, granted, page.app.clock)
    await who(page, session)
    session_id = await page.store.start(session, replacing=page.request.state.visitor)
    rotate_visitor(page.request, session_id)
    await page.flash(N_("Your login is set up."))
    return page.redirect(page.path("dashboard"))


@router.get("/j/{jurisdiction_id}/link")
async def link_page(page: UserPage) -> Response:
    return page.render("link.html", title=N_("Link to a permit"))


@router.post("/j/{jurisdiction_id}/link")
async def link(page: UserPage, form: Form) -> Response:
    posted, errors = LinkForm.read(form)
    if not errors:
        try:
            permit = await page.member().link_permit(posted.body())
        except ApiProblem as problem:
            if problem.status not in (404, 409, 422, 429):
                raise
            errors = {
                "number": N_("Too many attempts: wait a few minutes")
                if problem.status == 429
                else N_("No permit matches this number and fact")
            }
        else:
            await page.flash(N_("This permit is linked to your account."))
            return page.redirect(page.path("permit", permit_id=permit.id))
    return page.render(
        "link.html", 422, title=N_("Link to a permit"), errors=errors, values=posted.values()
    )


class LinkForm(FormModel):
    """Link a permit to my account (R-ID-6): its number and a second fact."""

    number: str = field("number", required=N_("Enter the permit number"))
    second_fact: str = field(
        "second_fact", required=N_("Enter the street number, the zip code or the access code")
    )


@router.post("/j/{jurisdiction_id}/permits/{permit_id}/unlink")
async def unlink(page: UserPage, form: Form, permit_id: str = object_id()) -> Response:
    await page.member().unlink_permit(permit_id)
    await page.flash(N_("The permit is unlinked from your account."))
    return page.redirect(page.path("dashboard"))
