"""The wizard's steps (R-REG-2): Company → Requirements → Profile → Review
and password → submit. Each step saves to the API as it is left."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from portal.answers import Registration, RegistrationSettings
from portal.forms import FormModel, NewPassword, field
from portal.gateway import ApiProblem
from portal.i18n import N_
from portal.pages.registration.draft import COMPANY, PROFILE, Mine, Registrant, answer
from portal.web import Form

router = APIRouter()


class CompanyForm(FormModel):
    """Step 1, Company: named as the page posts them, where the draft holds them."""

    lists = frozenset({"trades", "license_types"})
    company_name: str = field("company_name", required=N_("Enter your company's name"))
    registrant_name: str = field("registrant_name", required=N_("Enter your name"))
    license_number: str = field("license_number")
    trades: list[str] = field("trades", default=[])
    license_types: list[str] = field("license_types", default=[])


class ProfileForm(FormModel):
    """Step 3, Profile: the company's address and ways to reach it."""

    address: str = field("profile.address")
    city: str = field("profile.city")
    state: str = field("profile.state")
    zip: str = field("profile.zip")
    phone: str = field("profile.phone")
    cell: str = field("profile.cell")
    fax: str = field("profile.fax")
    company_email: str = field("profile.company_email")


@router.get("/j/{jurisdiction_id}/registration/company", name="registration_company_page")
async def company_page(mine: Mine) -> Response:
    registration = await mine.get()
    if registration.status != "draft":
        return mine.page.redirect(mine.page.path("status_page"))
    values: dict[str, Any] = {k: getattr(registration, k) or "" for k in COMPANY}
    values |= {"trades": registration.trades, "license_types": registration.license_types}
    return _company(mine, registration, await mine.settings(), values, {})


def _company(
    mine: Registrant,
    registration: Registration,
    settings: RegistrationSettings,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    licenses = [lt for lt in settings.license_types if lt.online]
    return mine.render(
        "register_company.html",
        registration,
        422 if errors else 200,
        title=N_("Company"),
        step="company",
        trades=settings.trades,
        licenses=licenses,
        values=values,
        errors=errors,
    )


@router.post("/j/{jurisdiction_id}/registration/company")
async def company(mine: Mine, form: Form) -> Response:
    settings = await mine.settings()
    posted, errors = CompanyForm.read(form)
    if settings.trades and not posted.trades:
        errors["trades"] = N_("Select at least one trade")
    if not errors:
        try:
            await mine.api.update(posted.body())
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = CompanyForm.problems(problem, default="company_name")
        else:
            return mine.page.redirect(mine.page.path("requirements_page"))
    return _company(mine, await mine.get(), settings, posted.values(), errors)


@router.get("/j/{jurisdiction_id}/registration/requirements")
async def requirements_page(mine: Mine) -> Response:
    registration = await mine.get()
    if registration.status != "draft":
        return mine.page.redirect(mine.page.path("status_page"))
    return _requirements(mine, registration, {}, {})


def _requirements(
    mine: Registrant, registration: Registration, values: dict[str, str], errors: dict[str, str]
) -> Response:
    return mine.render(
        "register_requirements.html",
        registration,
        422 if errors else 200,
        title=N_("Requirements"),
        step="requirements",
        values=values,
        errors=errors,
    )


@router.post("/j/{jurisdiction_id}/registration/requirements")
async def requirements(mine: Mine, form: Form) -> Response:
    """Each requirement is saved on its own; one refused keeps its message next
    to it, and the page shows the others as provided."""
    registration = await mine.get()
    values, errors = {}, {}
    for requirement in registration.requirements:
        value, error = await answer(mine, requirement, form)
        if value is not None:
            values[f"req-{requirement.id}"] = value
        if error:
            errors[f"req-{requirement.id}"] = error
    if errors:
        return _requirements(mine, await mine.get(), values, errors)
    return mine.page.redirect(mine.page.path("profile_page"))


@router.get("/j/{jurisdiction_id}/registration/profile")
async def profile_page(mine: Mine) -> Response:
    registration = await mine.get()
    if registration.status != "draft":
        return mine.page.redirect(mine.page.path("status_page"))
    values = {k: registration.profile.get(k) or "" for k in PROFILE}
    return mine.render(
        "register_profile.html", registration, title=N_("Profile"), step="profile", values=values
    )


@router.post("/j/{jurisdiction_id}/registration/profile", name="registration_profile")
async def profile(mine: Mine, form: Form) -> Response:
    posted, _ = ProfileForm.read(form)
    try:
        await mine.api.update(posted.body())
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return mine.render(
            "register_profile.html",
            await mine.get(),
            422,
            title=N_("Profile"),
            step="profile",
            values=posted.values(),
            errors=ProfileForm.problems(problem, default="address"),
        )
    return mine.page.redirect(mine.page.path("review_page"))


READABLE = {
    "company_name": N_("Enter your company's name"),
    "registrant_name": N_("Enter your name"),
    "profile.address": N_("Enter the company's street address (Profile)"),
    "profile.city": N_("Enter the company's city (Profile)"),
    "profile.state": N_("Enter the company's state (Profile)"),
    "profile.zip": N_("Enter the company's ZIP code (Profile)"),
    "profile.phone": N_("Enter the company's phone number (Profile)"),
}


def _where(mine: Registrant, field: str) -> str:
    """The step where a field submit finds missing is entered (the error
    summary's link)."""
    if field.startswith("requirements."):
        return mine.page.path("requirements_page")
    if field in ("company_name", "registrant_name", "trades", "license_types"):
        return mine.page.path("registration_company_page")
    if field.startswith("profile."):
        return mine.page.path("profile_page") + "#" + field.removeprefix("profile.")
    return f"#{field}"


@router.get("/j/{jurisdiction_id}/registration/review")
async def review_page(mine: Mine) -> Response:
    registration = await mine.get()
    if registration.status != "draft":
        return mine.page.redirect(mine.page.path("status_page"))
    return await _review(mine, registration, {})


async def _review(mine: Registrant, registration: Registration, errors: dict[str, str]) -> Response:
    return await mine.summary(
        "register_review.html",
        registration,
        422 if errors else 200,
        title=N_("Review and password"),
        step="review",
        errors=errors,
        targets={field: _where(mine, field) for field in errors},
    )


@router.post("/j/{jurisdiction_id}/registration/review")
async def submit(mine: Mine, form: Form) -> Response:
    """Set the password and submit: identity creates the login (or checks an
    existing one); the registration is then accepted or Pending Validation."""
    posted, _ = NewPassword.read(form)
    errors = posted.password_errors()
    if not errors:
        try:
            await mine.api.submit(posted.password)
        except ApiProblem as problem:
            if problem.status not in (401, 409, 422):
                raise
            errors = {k: READABLE.get(k, v) for k, v in problem.on_form(default="password").items()}
        else:
            await mine.page.flash(N_("Your registration was submitted."))
            return mine.page.redirect(mine.page.path("status_page"))
    return await _review(mine, await mine.get(), errors)
