"""Contractor self-registration (seeds 001/002, R-REG-1 … R-REG-5).

Register (user type and email) → the emailed link → Company (name, trades,
licenses) → Requirements (fields and uploads) → Profile → Review and
password → submitted; then the states: Pending Validation, accepted,
returned (Update Requirements on the items marked Needs Info, then
Resubmit) and denied.

The API's token for the draft (``X-Registration-Token``) stays in the
portal's database, under the browser's cookie (:class:`DraftStore`): opening
a link gives the browser a new cookie, so an id planted before cannot reach
the draft. Every step saves to the API at once, so "Back" loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from portal.gateway import ApiProblem
from portal.security import checked_form, field_value, rotate_visitor
from portal.sessions import Draft, new_id
from portal.web import Page, PublicPage, download, emailed_link_page, public_page

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
Token = Path(max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")
STEPS = (
    ("company", "Company"),
    ("requirements", "Requirements"),
    ("profile", "Profile"),
    ("review", "Review and password"),
)
COMPANY = ("company_name", "registrant_name", "license_number")
PROFILE = ("address", "city", "state", "zip", "phone", "cell", "fax", "company_email")
STATUS_TITLES = {
    "draft": "Your registration is not submitted yet",
    "pending_validation": "Pending Validation",
    "accepted": "Registration complete",
    "returned": "Additional Information Needed",
    "denied": "Registration denied",
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

    async def api(self, method: str, suffix: str = "", **kwargs: Any) -> Any:
        return await self.page.app.gateway.json(
            method,
            f"/v1/registrations/{self.draft.registration_id}{suffix}",
            headers={"X-Registration-Token": self.draft.token},
            **kwargs,
        )

    async def get(self) -> dict[str, Any]:
        try:
            return await self.api("GET")  # type: ignore[no-any-return]
        except ApiProblem as problem:
            if problem.status == 404:  # reopened elsewhere from the emailed link
                raise NoDraft(self.page.jid) from None
            raise

    async def settings(self) -> dict[str, Any]:
        return await registration_settings(self.page)

    def render(
        self, template: str, registration: dict[str, Any], status_code: int = 200, **context: Any
    ) -> Response:
        return self.page.render(
            template,
            status_code,
            registration=registration,
            steps=STEPS,
            **context,
        )

    async def summary(
        self, template: str, registration: dict[str, Any], status_code: int = 200, **context: Any
    ) -> Response:
        """A page that shows the whole registration (licenses by their names)."""
        licenses = (await self.settings())["license_types"]
        names = {lt["code"]: lt["name"] for lt in licenses}
        return self.render(template, registration, status_code, license_names=names, **context)


async def registrant(request: Request, jurisdiction_id: str) -> Registrant:
    page = await public_page(request, jurisdiction_id)
    draft = await request.app.state.drafts.get(request.state.visitor, page.jid)
    if draft is None:
        raise NoDraft(page.jid)
    return Registrant(page, draft)


Mine = Annotated[Registrant, Depends(registrant)]


async def registration_settings(page: Page) -> dict[str, Any]:
    """What the jurisdiction offers (public): trades, licenses, requirements."""
    return await page.app.gateway.json(  # type: ignore[no-any-return]
        "GET", f"/v1/jurisdictions/{page.jid}/registration-settings"
    )


# -- 1. register: user type and email ---------------------------------------------


@router.get("/j/{jurisdiction_id}/register")
async def register_page(page: PublicPage, lost: bool = False) -> Response:
    return page.render(
        "register.html",
        title="Register",
        offered=(await registration_settings(page))["enabled"],
        lost=lost,
        values={"user_type": "contractor"},
    )


@router.post("/j/{jurisdiction_id}/register")
async def register(page: PublicPage, form: Form) -> Response:
    values = {k: field_value(form, k) for k in ("user_type", "email")}
    if values["user_type"] == "public":
        # a public account: the enrollment page takes the same form (method and body kept)
        return Response(status_code=307, headers={"Location": page.url("/enroll")})
    offered = (await registration_settings(page))["enabled"]
    errors = {} if values["email"] else {"email": "Enter your email address"}
    if not errors:
        try:
            await page.app.gateway.call(
                "POST",
                f"/v1/jurisdictions/{page.jid}/registrations",
                json={"email": values["email"]},
            )
        except ApiProblem as problem:
            if problem.status not in (403, 422, 429):
                raise
            errors = {
                "email": {
                    403: "This jurisdiction does not offer contractor registration online",
                    429: "Too many requests: wait a minute and try again",
                }.get(problem.status, "Enter an email address like name@example.org")
            }
        else:
            return page.render(
                "register_sent.html", title="Check your email", email=values["email"]
            )
    return page.render(
        "register.html", 422, title="Register", offered=offered, errors=errors, values=values
    )


# -- 2. the emailed links: confirm (a new draft) and resume (after a return) --------


@router.get("/registrations/{kind}/{token}")
async def link_page(
    request: Request, kind: str = Path(pattern="^(confirm|resume)$"), token: str = Token
) -> Response:
    """Opening the link shows what it is for; the button uses it (a mail
    scanner that fetches links spends nothing)."""
    page, view = await emailed_link_page(request, f"/v1/registrations/{kind}/{token}")
    title = "Continue your registration" if kind == "confirm" else "Update your registration"
    return page.render("register_link.html", title=title, view=view, kind=kind, token=token)


@router.post("/registrations/{kind}/{token}")
async def open_link(
    request: Request, form: Form, kind: str = Path(pattern="^(confirm|resume)$"), token: str = Token
) -> Response:
    page, _ = await emailed_link_page(request, f"/v1/registrations/{kind}/{token}")
    opened = await page.app.gateway.json("POST", f"/v1/registrations/{kind}/{token}")
    # a fresh cookie holds the draft (an id planted before cannot reach it); a
    # login in this browser ends with the old cookie
    await page.store.end(request.state.visitor)
    visitor = new_id()
    rotate_visitor(request, visitor)
    await page.app.drafts.put(
        visitor,
        Draft(
            jurisdiction_id=page.jid,
            registration_id=opened["registration"]["id"],
            token=opened["registration_token"],
        ),
    )
    return page.redirect(
        page.url("/registration/company" if kind == "confirm" else "/registration")
    )


# -- 3. the steps ---------------------------------------------------------------------


@router.get("/j/{jurisdiction_id}/registration")
async def status_page(
    mine: Mine, submitted: bool = False, resubmitted: bool = False, updated: bool = False
) -> Response:
    registration = await mine.get()
    notice = None
    if submitted:
        notice = "Your registration was submitted."
    elif resubmitted:
        notice = "Your registration was resubmitted for review."
    elif updated:
        notice = "The requirement was updated. Resubmit once every one marked Needs Info is."
    return await mine.summary(
        "register_status.html",
        registration,
        title=STATUS_TITLES.get(registration["status"], "Your registration"),
        notice=notice,
    )


@router.get("/j/{jurisdiction_id}/registration/company")
async def company_page(mine: Mine) -> Response:
    registration = await mine.get()
    if registration["status"] != "draft":
        return mine.page.redirect(mine.page.url("/registration"))
    values = {k: registration[k] or "" for k in COMPANY}
    values |= {"trades": registration["trades"], "license_types": registration["license_types"]}
    return _company(mine, registration, await mine.settings(), values, {})


def _company(
    mine: Registrant,
    registration: dict[str, Any],
    settings: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    licenses = [lt for lt in settings["license_types"] if lt.get("online", True)]
    return mine.render(
        "register_company.html",
        registration,
        422 if errors else 200,
        title="Company",
        step="company",
        trades=settings["trades"],
        licenses=licenses,
        values=values,
        errors=errors,
    )


@router.post("/j/{jurisdiction_id}/registration/company")
async def company(mine: Mine, form: Form) -> Response:
    settings = await mine.settings()
    values: dict[str, Any] = {k: field_value(form, k) for k in COMPANY}
    values["trades"] = [t for t in form.getlist("trades") if isinstance(t, str)]
    values["license_types"] = [t for t in form.getlist("license_types") if isinstance(t, str)]
    errors = {
        k: message
        for k, message in (
            ("company_name", "Enter your company's name"),
            ("registrant_name", "Enter your name"),
        )
        if not values[k]
    }
    if settings["trades"] and not values["trades"]:
        errors["trades"] = "Select at least one trade"
    if not errors:
        body = {k: values[k] or None for k in COMPANY} | {
            "trades": values["trades"],
            "license_types": values["license_types"],
        }
        try:
            await mine.api("PATCH", json=body)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = problem.on_form(default="company_name")
        else:
            return mine.page.redirect(mine.page.url("/registration/requirements"))
    return _company(mine, await mine.get(), settings, values, errors)


@router.get("/j/{jurisdiction_id}/registration/requirements")
async def requirements_page(mine: Mine) -> Response:
    registration = await mine.get()
    if registration["status"] != "draft":
        return mine.page.redirect(mine.page.url("/registration"))
    return _requirements(mine, registration, {}, {})


def _requirements(
    mine: Registrant, registration: dict[str, Any], values: dict[str, str], errors: dict[str, str]
) -> Response:
    return mine.render(
        "register_requirements.html",
        registration,
        422 if errors else 200,
        title="Requirements",
        step="requirements",
        values=values,
        errors=errors,
    )


async def _answer(
    mine: Registrant, requirement: dict[str, Any], form: FormData
) -> tuple[str | None, str | None]:
    """Save one requirement from the form: ``(typed value, error)``."""
    name = f"req-{requirement['id']}"
    suffix = f"/requirements/{requirement['id']}"
    try:
        if requirement["kind"] == "document":
            upload = form.get(name)
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read()
                kind = upload.content_type or "application/octet-stream"
                files = {"file": (upload.filename, content, kind)}
                await mine.api("PUT", f"{suffix}/document", files=files)
            elif requirement["required"] and not requirement["provided"]:
                return None, f"Upload the {requirement['label'].lower()}"
            return None, None
        value = field_value(form, name)
        if value and value != (requirement["value"] or ""):
            await mine.api("PUT", suffix, json={"value": value})
        elif not value and requirement["required"] and not requirement["provided"]:
            return value, f"Enter the {requirement['label'].lower()}"
        return value, None
    except ApiProblem as problem:
        if problem.status not in (409, 413, 415, 422):
            raise
        if problem.status == 413:
            return None, "This file is too large"
        if "file" in problem.errors:  # the content is not an accepted type
            kinds = [t.rsplit("/", 1)[-1].upper() for t in requirement["accepted_types"] or []]
            return None, f"This file is not a {' or '.join(kinds)} document"
        message = next(iter(problem.errors.values()), problem.detail)
        return (None if requirement["kind"] == "document" else value), message


@router.post("/j/{jurisdiction_id}/registration/requirements")
async def requirements(mine: Mine, form: Form) -> Response:
    """Each requirement is saved on its own; one refused keeps its message next
    to it, and the page shows the others as provided."""
    registration = await mine.get()
    values, errors = {}, {}
    for requirement in registration["requirements"]:
        value, error = await _answer(mine, requirement, form)
        if value is not None:
            values[f"req-{requirement['id']}"] = value
        if error:
            errors[f"req-{requirement['id']}"] = error
    if errors:
        return _requirements(mine, await mine.get(), values, errors)
    return mine.page.redirect(mine.page.url("/registration/profile"))


@router.get("/j/{jurisdiction_id}/registration/profile")
async def profile_page(mine: Mine) -> Response:
    registration = await mine.get()
    if registration["status"] != "draft":
        return mine.page.redirect(mine.page.url("/registration"))
    values = {k: registration["profile"].get(k) or "" for k in PROFILE}
    return mine.render(
        "register_profile.html", registration, title="Profile", step="profile", values=values
    )


@router.post("/j/{jurisdiction_id}/registration/profile")
async def profile(mine: Mine, form: Form) -> Response:
    values = {k: field_value(form, k) for k in PROFILE}
    try:
        await mine.api("PATCH", json={"profile": {k: v or None for k, v in values.items()}})
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        errors = problem.on_form({f"profile.{k}": k for k in PROFILE}, "address")
        return mine.render(
            "register_profile.html",
            await mine.get(),
            422,
            title="Profile",
            step="profile",
            values=values,
            errors=errors,
        )
    return mine.page.redirect(mine.page.url("/registration/review"))


READABLE = {"company_name": "Enter your company's name", "registrant_name": "Enter your name"}


def _where(mine: Registrant, field: str) -> str:
    """The step where a field submit finds missing is entered (the error
    summary's link)."""
    if field.startswith("requirements."):
        return mine.page.url("/registration/requirements")
    if field in ("company_name", "registrant_name", "trades", "license_types"):
        return mine.page.url("/registration/company")
    return f"#{field}"


@router.get("/j/{jurisdiction_id}/registration/review")
async def review_page(mine: Mine) -> Response:
    registration = await mine.get()
    if registration["status"] != "draft":
        return mine.page.redirect(mine.page.url("/registration"))
    return await _review(mine, registration, {})


async def _review(
    mine: Registrant, registration: dict[str, Any], errors: dict[str, str]
) -> Response:
    return await mine.summary(
        "register_review.html",
        registration,
        422 if errors else 200,
        title="Review and password",
        step="review",
        errors=errors,
        targets={field: _where(mine, field) for field in errors},
    )


@router.post("/j/{jurisdiction_id}/registration/review")
async def submit(mine: Mine, form: Form) -> Response:
    """Set the password and submit: identity creates the login (or checks an
    existing one); the registration is then accepted or Pending Validation."""
    password = field_value(form, "password")
    errors: dict[str, str] = {}
    if not password:
        errors["password"] = "Enter a password"
    elif password != form.get("password_again"):
        errors["password_again"] = "The two passwords are not the same"
    if not errors:
        try:
            await mine.api("POST", "/submit", json={"password": password})
        except ApiProblem as problem:
            if problem.status not in (401, 409, 422):
                raise
            errors = {k: READABLE.get(k, v) for k, v in problem.on_form(default="password").items()}
        else:
            return mine.page.redirect(mine.page.url("/registration?submitted=1"))
    return await _review(mine, await mine.get(), errors)


# -- 4. after a return: Update Requirements, then Resubmit ---------------------------


def _needing(registration: dict[str, Any], requirement_id: str) -> dict[str, Any]:
    """A requirement staff marked Needs Info (updated ones may change again)."""
    requirement: dict[str, Any]
    for requirement in registration["requirements"]:
        if requirement["id"] == requirement_id and requirement["review"] in (
            "needs_info",
            "updated",
        ):
            return requirement
    raise ApiProblem(404, "Not found", "This requirement does not need information")


@router.get("/j/{jurisdiction_id}/registration/requirements/{requirement_id}")
async def update_page(
    mine: Mine, requirement_id: str = Path(max_length=60, pattern=r"^[a-z0-9_\-]+$")
) -> Response:
    registration = await mine.get()
    requirement = _needing(registration, requirement_id)
    return mine.render(
        "register_update.html", registration, title="Update Requirements", requirement=requirement
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
    value, error = await _answer(mine, {**requirement, "provided": False, "value": None}, form)
    if error:
        return mine.render(
            "register_update.html",
            registration,
            422,
            title="Update Requirements",
            requirement=requirement,
            values={f"req-{requirement_id}": value or ""},
            errors={f"req-{requirement_id}": error},
        )
    return mine.page.redirect(mine.page.url("/registration?updated=1"))


@router.post("/j/{jurisdiction_id}/registration/resubmit")
async def resubmit(mine: Mine, form: Form) -> Response:
    try:
        await mine.api("POST", "/resubmit")
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        registration = await mine.get()
        return await mine.summary(
            "register_status.html",
            registration,
            422,
            title=STATUS_TITLES.get(registration["status"], "Your registration"),
            errors={"_form": "Update every requirement marked Needs Info, then resubmit"},
        )
    return mine.page.redirect(mine.page.url("/registration?resubmitted=1"))


@router.get("/j/{jurisdiction_id}/registration/documents/{file_id}")
async def document(
    mine: Mine, file_id: str = Path(max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
) -> Response:
    """A document this registration uploaded, to check it before submitting."""
    return download(
        await mine.page.app.gateway.call(
            "GET",
            f"/v1/registrations/{mine.draft.registration_id}/documents/{file_id}",
            headers={"X-Registration-Token": mine.draft.token},
        )
    )
