"""The hosting operator's page (issue 27): from the start page, log in
without a jurisdiction, see the installation's jurisdictions, and create a
jurisdiction with its first admin (who gets an emailed invitation)."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from portal.api import OperatorApi
from portal.forms import FormModel, field
from portal.gateway import ApiProblem, UserApi, apply_tokens
from portal.i18n import N_, gettext
from portal.public_api import PublicApi
from portal.security import rotate_visitor
from portal.sessions import Session, new_id
from portal.web import Form, Page

router = APIRouter(prefix="/operator")
PLATFORM = ""  # an operator's session belongs to no jurisdiction
ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Boise",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)


async def _page(request: Request) -> Page:
    session = await request.app.state.sessions.get(request.state.visitor)
    if session is not None and session.kind != "operator":
        session = None  # a jurisdiction's visitor: not the operator here
    flashes = await request.app.state.flashes.peek(request.state.visitor)
    return Page(request, None, session, flashes)


class OperatorLogin(FormModel):
    email: str = field("username", required=N_("Enter your email"))
    password: str = field("password", required=N_("Enter your password"), secret=True)


@router.get("/login")
async def operator_login_page(request: Request) -> Response:
    page = await _page(request)
    if page.session is not None:
        return page.redirect(page.path("operator_home"))
    return page.render("operator_login.html", title=N_("Hosting operator: log in"))


@router.post("/login")
async def operator_login(request: Request, form: Form) -> Response:
    page = await _page(request)
    posted, errors = OperatorLogin.read(form)
    if not errors:
        try:
            granted = await PublicApi(page.app.gateway, PLATFORM).log_in(
                posted.email, posted.password
            )
        except ApiProblem:
            errors = {"password": N_("The email or password is not right")}
        else:
            session = Session(
                jurisdiction_id=PLATFORM,
                access_token="",
                refresh_token=None,
                access_expires_at=page.app.clock.now(),
                email=posted.email,
                kind="operator",
            )
            apply_tokens(session, granted, page.app.clock)
            session_id = await page.store.start(session, replacing=request.state.visitor)
            rotate_visitor(request, session_id)
            return page.redirect(page.path("operator_home"))
    values = posted.values()
    return page.render("operator_login.html", 422, title=N_("Log in"), errors=errors, values=values)


def _api(page: Page) -> OperatorApi:
    assert page.session is not None
    return OperatorApi(UserApi(page.app.gateway, page.session, page.app.clock))


async def _home(
    page: Page,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    listed = await _api(page).jurisdictions()
    return page.render(
        "operator.html",
        status,
        title=N_("Hosting operator"),
        jurisdictions=listed,
        zones=ZONES,
        errors=errors or {},
        values=values or {"time_zone": "America/Denver"},
    )


@router.get("/")
async def operator_home(request: Request) -> Response:
    page = await _page(request)
    if page.session is None:
        return page.redirect(page.path("operator_login_page"))
    return await _home(page)


class NewJurisdiction(FormModel):
    id: str = field("id", required=N_("Enter the jurisdiction's id, as in its web address"))
    name: str = field("name", required=N_("Enter the jurisdiction's name"))
    time_zone: str = field("time_zone", required=N_("Choose its time zone"))
    admin_email: str = field("first_admin.email", required=N_("Enter its first admin's email"))
    admin_name: str = field("first_admin.display_name", required=N_("Enter its first admin's name"))


@router.post("/jurisdictions")
async def operator_create(request: Request, form: Form) -> Response:
    """The jurisdiction and its first admin, invited by email; identity
    refuses an id taken or not a slug, next to its field."""
    page = await _page(request)
    if page.session is None:
        return page.redirect(page.path("operator_login_page"))
    posted, errors = NewJurisdiction.read(form)
    if not errors:
        try:
            await _api(page).create_jurisdiction(posted.body())
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = NewJurisdiction.problems(problem, default="id")
        else:
            await page.flash(
                gettext("{name} is created; an invitation is on its way to {email}.").format(
                    name=posted.name, email=posted.admin_email
                )
            )
            return page.redirect(page.path("operator_home"))
    return await _home(page, 422, errors, posted.values())


@router.post("/logout")
async def operator_logout(request: Request, form: Form) -> Response:
    page = await _page(request)
    if page.session is not None and page.session.refresh_token:
        with contextlib.suppress(ApiProblem):
            await PublicApi(page.app.gateway, PLATFORM).log_out(page.session.refresh_token)
    await page.store.end(request.state.visitor)
    rotate_visitor(request, new_id())
    return page.redirect(page.path("start"))
