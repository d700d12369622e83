"""What every page handler needs: the templates, the visitor's session, the
jurisdiction's public profile, and rendering with the CSRF token."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import uuid4

import httpx
from fastapi import Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from chassis.context import current_correlation_id
from portal import i18n
from portal.answers import Jurisdiction, LinkView
from portal.api import MemberApi
from portal.gateway import ApiProblem, Gateway, UserApi
from portal.i18n import N_
from portal.public_api import EmailedLinks, PublicApi
from portal.security import checked_form, content_security_policy, origin_of
from portal.sessions import Session, SessionStore, csrf_token
from portal.staff_api import StaffApi
from portal.staff_roles import may_open
from portal.templating import TEMPLATES, path_for

PROFILE_SECONDS = 60.0
TEMPLATES.env.filters["t"] = i18n.translate


Form = Annotated[FormData, Depends(checked_form)]
"""A posted form, refused unless it carries the visitor's CSRF token."""


def link_token() -> Any:
    """The path parameter of an emailed one-time link's token."""
    return Path(max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")


def object_id() -> Any:
    """A path parameter naming an API object (one per parameter: FastAPI keeps
    one name per ``Path()`` instance)."""
    return Path(max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")


def download(answer: httpx.Response) -> Response:
    """A document from the API, passed through to the browser (which holds no
    token): its bytes and the headers that name and type it."""
    keep = ("content-type", "content-disposition", "content-length")
    return Response(
        answer.content, headers={k: answer.headers[k] for k in keep if k in answer.headers}
    )


def _in_language(context: dict[str, Any]) -> None:
    """The messages a page was given as values — refusals next to their
    fields (``row_errors``: a list's, row by row), its title, a notice — in
    the visitor's language."""
    for key in ("errors", "row_errors", "title", "notice", "error"):
        if key in context:
            context[key] = i18n.translate(context[key])


class Profiles:
    """Jurisdictions' public profiles (name, branding, password rules), kept a minute."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self._cache: dict[str, tuple[float, Jurisdiction]] = {}

    def cached(self, jurisdiction_id: str) -> Jurisdiction | None:
        """The profile already at hand, however old (for pages shown while the
        API is struggling)."""
        hit = self._cache.get(jurisdiction_id)
        return hit[1] if hit else None

    def forget(self, jurisdiction_id: str) -> None:
        """A profile just changed: read it again on the next page (this
        process; another replica's copy ages out within a minute)."""
        self._cache.pop(jurisdiction_id, None)

    async def get(self, jurisdiction_id: str) -> Jurisdiction:
        hit = self._cache.get(jurisdiction_id)
        if hit and time.monotonic() - hit[0] < PROFILE_SECONDS:
            return hit[1]
        try:
            profile = await PublicApi(self.gateway, jurisdiction_id).jurisdiction()
        except ApiProblem as problem:
            if problem.status in (404, 422):
                raise HTTPException(404) from None
            raise
        # the name the jurisdiction shows the public (its branding) on every page
        profile = profile.shown()
        self._cache[jurisdiction_id] = (time.monotonic(), profile)
        return profile


@dataclass
class Page:
    request: Request
    jurisdiction: Jurisdiction | None
    session: Session | None
    flashes: list[Any] = field(default_factory=list)  # messages for this page

    @property
    def app(self) -> Any:
        return self.request.app.state

    @property
    def jid(self) -> str:
        assert self.jurisdiction is not None
        return self.jurisdiction.id

    @property
    def time_zone(self) -> str:
        """The jurisdiction's zone: every date and time a page shows is local."""
        return self.jurisdiction.time_zone if self.jurisdiction else "UTC"

    def path(self, name: str, **params: Any) -> str:
        """The path of the route ``name`` in this page's jurisdiction."""
        return path_for(self.request, name, self.jid if self.jurisdiction else None, **params)

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        secret = self.app.settings.session_secret.get_secret_value()
        if self.flashes:  # shown now: cleared once the page is sent
            self.request.state.flashes_shown = self.request.state.visitor
        _in_language(context)
        response = TEMPLATES.TemplateResponse(
            self.request,
            template,
            {
                "j": self.jurisdiction,
                "me": self.session,
                "csrf_token": csrf_token(secret, self.request.state.visitor),
                "correlation_id": current_correlation_id(),
                "errors": {},
                "values": {},
                "flashes": [i18n.translate(f) for f in self.flashes],
                **context,
            },
            status_code=status_code,
        )
        logo = origin_of(self.jurisdiction.logo_url if self.jurisdiction else None)
        if logo:  # the jurisdiction's logo may come from its own site
            policy = content_security_policy(self.app.settings.payment_origins, [logo])
            response.headers["Content-Security-Policy"] = policy
        return response

    def render_form(
        self,
        template: str,
        status: int = 200,
        errors: dict[str, Any] | None = None,
        values: dict[str, Any] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """A page with forms: what was typed (``values``), what was refused
        (``errors``), and a fresh ``key`` — the Idempotency-Key its form
        sends, so that a double submit has one effect."""
        return self.render(
            template, status, errors=errors or {}, values=values or {}, key=uuid4().hex, **context
        )

    async def flash(self, text: str, heading: str | None = None) -> None:
        """A message for the visitor's next page (shown once)."""
        await self.app.flashes.add(self.request.state.visitor, {"text": text, "heading": heading})

    def redirect(self, path: str) -> RedirectResponse:
        return RedirectResponse(path, status_code=303)

    def api(self) -> UserApi:
        """The visitor's API client, one per request: a refresh made in any
        call of the page is what the session is saved with afterwards."""
        assert self.session is not None
        api: UserApi | None = getattr(self.request.state, "api", None)
        if api is None or api.session is not self.session:
            api = UserApi(self.app.gateway, self.session, self.app.clock)
            self.request.state.api = api
        return api

    def member(self) -> MemberApi:
        """The visitor's API calls in this jurisdiction, one method each."""
        return MemberApi(self.api(), self.jid)

    def staff(self) -> StaffApi:
        """A staff member's API calls in this jurisdiction (the staff console)."""
        return StaffApi(self.api(), self.jid)

    def public(self) -> PublicApi:
        """Anyone's API calls in this jurisdiction."""
        return PublicApi(self.app.gateway, self.jid)

    @property
    def store(self) -> SessionStore:
        return self.app.sessions  # type: ignore[no-any-return]


async def public_page(request: Request, jurisdiction_id: str) -> Page:
    profile = await request.app.state.profiles.get(jurisdiction_id)
    session = await request.app.state.sessions.get(request.state.visitor)
    if session is not None and session.jurisdiction_id != jurisdiction_id:
        session = None  # logged in elsewhere: a visitor here
    visitor = request.state.visitor
    return Page(request, profile, session, await request.app.state.flashes.peek(visitor))


async def emailed_link_page(request: Request, kind: str, token: str) -> tuple[Page, LinkView]:
    """A page behind an emailed one-time link: what the API says the link is
    for (without using it up), in its jurisdiction's page; a used, expired or
    unknown link is the 404 page."""
    try:
        view = await EmailedLinks(request.app.state.gateway).view(kind, token)
    except ApiProblem as problem:
        if problem.status in (404, 410, 422):
            raise ApiProblem(
                404, N_("Not found"), N_("This link is unknown, used or expired")
            ) from None
        raise
    return await public_page(request, view.jurisdiction_id), view


async def company_names(page: Page, company_ids: list[str]) -> dict[str, str | None]:
    """Companies by name, as far as the visitor may read them (a company's own
    users and staff may); None for one the visitor may not read."""
    api = page.member()
    names: dict[str, str | None] = {}
    for company_id in company_ids:
        try:
            company = await api.company(company_id)
        except ApiProblem:
            names[company_id] = None
        else:
            names[company_id] = company.name or None
    return names


class LoginRequired(Exception):
    def __init__(self, jurisdiction_id: str, next_path: str) -> None:
        self.jurisdiction_id = jurisdiction_id
        self.next_path = next_path


async def user_page(request: Request, jurisdiction_id: str) -> Page:
    page = await public_page(request, jurisdiction_id)
    if page.session is None or page.session.setup_required:
        raise LoginRequired(jurisdiction_id, request.url.path)
    return page


async def staff_page(request: Request, jurisdiction_id: str) -> Page:
    """A staff page of this jurisdiction, for a member whose roles may use it;
    anyone else gets the 404 page (the services refuse them in any case)."""
    page = await user_page(request, jurisdiction_id)
    route = request.scope.get("route")
    if not may_open(page.session, getattr(route, "name", "")):
        raise HTTPException(404)
    return page


PublicPage = Annotated[Page, Depends(public_page)]
UserPage = Annotated[Page, Depends(user_page)]
StaffPage = Annotated[Page, Depends(staff_page)]
