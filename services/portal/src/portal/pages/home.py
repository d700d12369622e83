"""The start page (the installation's jurisdictions) and the payment return."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from portal.web import TEMPLATES

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
async def start(request: Request) -> HTMLResponse:
    listed = await request.app.state.gateway.json("GET", "/v1/jurisdiction-directory")
    return TEMPLATES.TemplateResponse(
        request,
        "home.html",
        {"j": None, "me": None, "jurisdictions": sorted(listed, key=lambda e: e["name"])},
    )


@router.get("/health", include_in_schema=False)
async def health() -> dict[str, str]:
    """The process answers (what a load balancer or the launcher waits for)."""
    return {"status": "ok"}


@router.get("/v1/enrollments/{token}", include_in_schema=False)
async def emailed_enrollment_link(token: str) -> RedirectResponse:
    """An enrollment email's link (``NOTIFICATIONS_PUBLIC_BASE_URL`` is the
    portal): the portal's confirmation page."""
    return RedirectResponse(f"/enrollments/{quote(token, safe='')}", status_code=303)


@router.get("/v1/password-resets/{token}", include_in_schema=False)
async def emailed_reset_link(token: str) -> RedirectResponse:
    """A reset email's link: the portal's new-password page."""
    return RedirectResponse(f"/password-resets/{quote(token, safe='')}", status_code=303)


@router.get("/v1/invitations/{token}", include_in_schema=False)
async def emailed_invitation_link(token: str) -> RedirectResponse:
    """An invitation email's link: the portal's page to accept it."""
    return RedirectResponse(f"/invitations/{quote(token, safe='')}", status_code=303)


@router.api_route("/v1/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
async def emailed_api_link(request: Request, rest: str) -> RedirectResponse:
    """Other emailed links (reset, invitation, registration) until the portal
    has pages for them, and API clients that follow a link: to the API's
    landing routes, method and body kept (307)."""
    gateway = request.app.state.settings.gateway_url.rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{gateway}/v1/{rest}{query}", status_code=307)


@router.get("/payments/return")
async def payment_return(
    jurisdiction: str = Query(max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$"),
    payment_id: str | None = Query(default=None, max_length=80, pattern=r"^[A-Za-z0-9_-]+$"),
) -> RedirectResponse:
    """Where the provider's hosted page sends the payer back: the receipt page,
    which waits for the provider's confirmation (the redirect proves nothing)."""
    target = f"/j/{jurisdiction}/payments"
    if payment_id:
        target += f"/{payment_id}"
    return RedirectResponse(target, status_code=303)
