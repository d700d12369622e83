"""Forgot password (seed 004: by email, or by the contractor license / AEC
number) with its emailed link, and View/Edit Profile (seed 003: contact,
change password, change security question)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from portal.answers import Company, CompanyUser
from portal.forms import FormModel, NewPassword, field
from portal.gateway import ApiProblem, apply_tokens
from portal.i18n import N_
from portal.public_api import EmailedLinks
from portal.web import Form, Page, PublicPage, UserPage, emailed_link_page, link_token, object_id

router = APIRouter()


@router.get("/j/{jurisdiction_id}/forgot")
async def forgot_page(page: PublicPage) -> Response:
    return page.render("forgot.html", title=N_("Forgot password"))


@router.post("/j/{jurisdiction_id}/forgot")
async def forgot(page: PublicPage, form: Form) -> Response:
    posted, _ = ForgotForm.read(form)
    values = posted.values()
    if bool(posted.email) == bool(posted.license_number):
        errors = {"email": N_("Enter your email, or your contractor license number (not both)")}
        return page.render(
            "forgot.html", 422, title=N_("Forgot password"), errors=errors, values=values
        )
    try:
        await page.public().request_password_reset(posted.body(empty="drop"))
    except ApiProblem as problem:
        if problem.status not in (422, 429):
            raise
        errors = {
            next(iter(problem.errors), "email"): N_("Too many requests: wait a minute")
            if problem.status == 429
            else N_("Enter an email address like name@example.org")
        }
        return page.render(
            "forgot.html", 422, title=N_("Forgot password"), errors=errors, values=values
        )
    return page.render("forgot_sent.html", title=N_("Check your email"))


@router.get("/password-resets/{token}")
async def reset_page(request: Request, token: str = link_token()) -> Response:
    page, view = await emailed_link_page(request, "password-resets", token)
    return page.render("reset.html", title=N_("Choose a new password"), view=view, token=token)


@router.post("/password-resets/{token}")
async def reset(request: Request, form: Form, token: str = link_token()) -> Response:
    page, view = await emailed_link_page(request, "password-resets", token)
    posted, _ = ResetForm.read(form)
    errors = posted.password_errors(missing=N_("Enter a new password"))
    if not errors:
        body = posted.body("password")
        if view.security_question:
            body |= {"security_answer": posted.security_answer}
        try:
            await EmailedLinks(page.app.gateway).use("password-resets", token, body)
        except ApiProblem as problem:
            if problem.status not in (401, 403, 422):
                raise
            errors = ResetForm.problems(problem, default="security_answer")
        else:
            await page.flash(N_("Your password is changed. Log in with the new one."))
            return page.redirect(page.path("login_page"))
    return page.render(
        "reset.html", 422, title=N_("Choose a new password"), view=view, token=token, errors=errors
    )


@dataclass
class Administered:
    """A company the visitor administers, with its authorized online users."""

    company: Company
    users: list[CompanyUser]

    @property
    def id(self) -> str:
        return self.company.id

    @property
    def name(self) -> str | None:
        return self.company.name


async def _profile(page: Page, status: int = 200, **context: Any) -> Response:
    """The profile, and the authorized online users of each company the caller administers."""
    api = page.member()
    me = await api.me()
    companies = [
        Administered(await api.company(company_id), await api.company_users(company_id))
        for company_id in me.company_admin_of
    ]
    return page.render(
        "profile.html",
        status,
        title=N_("View/Edit Profile"),
        account=me,
        companies=companies,
        **context,
    )


@router.get("/j/{jurisdiction_id}/profile")
async def profile(page: UserPage) -> Response:
    return await _profile(page)


class ForgotForm(FormModel):
    """Forgot password (seed 004): by email, or by the contractor license number."""

    email: str = field("email")
    license_number: str = field("license_number")


class ResetForm(NewPassword):
    security_answer: str = field("security_answer", secret=True)


class InviteForm(FormModel):
    """A company admin's invitation of an authorized online user (seed 000)."""

    invite_email: str = field("email")
    invite_name: str = field("display_name", required=N_("Enter the person's name"))


class ProfileForm(FormModel):
    display_name: str = field("display_name", required=N_("Enter your name"))
    phone: str = field("phone")


class PasswordForm(FormModel):
    current_password: str = field("current_password")
    new_password: str = field("new_password")
    new_password_again: str = field()


class QuestionForm(FormModel):
    current_answer: str = field("current_answer")
    question: str = field("question")
    answer: str = field("answer")
    answer_again: str = field()


async def _refused(
    page: Page, form: type[FormModel], problem: ApiProblem, default: str
) -> Response:
    """The API's refusal, next to the profile page's field that caused it."""
    if problem.status not in (401, 403, 409, 422):
        raise problem
    return await _profile(page, 422, errors=form.problems(problem, default))


@router.post("/j/{jurisdiction_id}/companies/{company_id}/users")
async def invite_user(page: UserPage, form: Form, company_id: str = object_id()) -> Response:
    """A company admin authorizes an online user: an emailed invitation."""
    posted, errors = InviteForm.read(form)
    if errors:
        return await _profile(page, 422, errors=errors)
    try:
        await page.member().add_company_user(company_id, posted.body() | {"delivery": "invitation"})
    except ApiProblem as problem:
        return await _refused(page, InviteForm, problem, "invite_email")
    await page.flash(N_("The invitation is on its way."))
    return page.redirect(page.path("profile"))


@router.post("/j/{jurisdiction_id}/companies/{company_id}/users/{account_id}/remove")
async def remove_user(
    page: UserPage, form: Form, company_id: str = object_id(), account_id: str = object_id()
) -> Response:
    await page.member().remove_company_user(company_id, account_id)
    await page.flash(N_("The user is removed; their sessions have ended."))
    return page.redirect(page.path("profile"))


@router.post("/j/{jurisdiction_id}/profile")
async def save_profile(page: UserPage, form: Form) -> Response:
    posted, errors = ProfileForm.read(form)
    if errors:
        return await _profile(page, 422, errors=errors)
    try:
        me = await page.member().update_me(posted.body())
    except ApiProblem as problem:
        return await _refused(page, ProfileForm, problem, "display_name")
    assert page.session is not None
    page.session.display_name = me.display_name or page.session.display_name
    await page.store.save(page.request.state.visitor, page.session)
    await page.flash(N_("Your profile is saved."))
    return page.redirect(page.path("profile"))


@router.post("/j/{jurisdiction_id}/profile/password")
async def change_password(page: UserPage, form: Form) -> Response:
    posted, _ = PasswordForm.read(form)
    if posted.new_password != posted.new_password_again:
        errors = {"new_password_again": N_("The passwords are not the same")}
        return await _profile(page, 422, errors=errors)
    try:
        granted = await page.member().change_password(posted.current_password, posted.new_password)
    except ApiProblem as problem:
        return await _refused(page, PasswordForm, problem, "current_password")
    assert page.session is not None
    apply_tokens(page.session, granted, page.app.clock)
    await page.store.save(page.request.state.visitor, page.session)
    await page.flash(N_("Your password is changed; other sessions have ended."))
    return page.redirect(page.path("profile"))


@router.post("/j/{jurisdiction_id}/profile/security-question")
async def change_question(page: UserPage, form: Form) -> Response:
    posted, _ = QuestionForm.read(form)
    if posted.answer != posted.answer_again:
        errors = {"answer_again": N_("The secret answers are not the same")}
        return await _profile(page, 422, errors=errors)
    try:
        await page.member().change_security_question(posted.body())
    except ApiProblem as problem:
        return await _refused(page, QuestionForm, problem, "current_answer")
    await page.flash(N_("Your security question is changed."))
    return page.redirect(page.path("profile"))
