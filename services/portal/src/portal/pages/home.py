"""The start page (the installation's jurisdictions) and the payment return."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from portal.public_api import PublicApi
from portal.templating import TEMPLATES, path_for

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
async def start(request: Request) -> HTMLResponse:
    listed = await PublicApi(request.app.state.gateway).directory()
    shown = sorted((e.shown() for e in listed), key=lambda e: e.name)
    return TEMPLATES.TemplateResponse(
        request, "home.html", {"j": None, "me": None, "jurisdictions": shown}
    )


@router.get("/health", include_in_schema=False)
async def health() -> dict[str, str]:
    """The process answers (what a load balancer or the launcher waits for)."""
    return {"status": "ok"}


@router.get("/v1/{kind}/{token}", include_in_schema=False)
async def emailed_link_before_the_portal(
    kind: str = Path(pattern="^(enrollments|invitations|password-resets)$"),
    token: str = Path(max_length=200),
) -> RedirectResponse:
    """Emails sent before the portal had pages for their links pointed at
    ``{portal}/v1/<kind>/<token>``: the portal's page for it."""
    return RedirectResponse(f"/{kind}/{quote(token, safe='')}", status_code=303)


@router.get("/v1/registrations/{step}/{token}", include_in_schema=False)
async def emailed_registration_link_before_the_portal(
    step: str = Path(pattern="^(confirm|resume)$"), token: str = Path(max_length=200)
) -> RedirectResponse:
    return RedirectResponse(f"/registrations/{step}/{quote(token, safe='')}", status_code=303)


@router.api_route("/v1/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
async def emailed_api_link(request: Request, rest: str) -> RedirectResponse:
    """An API client that follows an old emailed link with a POST, or any
    other API path: to the gateway, method and body kept (307)."""
    gateway = request.app.state.settings.gateway_url.rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{gateway}/v1/{rest}{query}", status_code=307)


@router.get("/payments/return")
async def payment_return(
    request: Request,
    jurisdiction: str = Query(max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$"),
    payment_id: str | None = Query(default=None, max_length=80, pattern=r"^[A-Za-z0-9_-]+$"),
) -> RedirectResponse:
    """Where the provider's hosted page sends the payer back: the receipt page,
    which waits for the provider's confirmation (the redirect proves nothing)."""
    if payment_id:
        target = path_for(request, "receipt", jurisdiction, payment_id=payment_id)
    else:
        target = path_for(request, "paid_items", jurisdiction)
    return RedirectResponse(target, status_code=303)
