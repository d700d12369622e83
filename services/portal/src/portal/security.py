"""Browser-facing protections: security headers with a strict
Content-Security-Policy, the visitor cookie, CSRF checks on every form, and
safe redirects."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import Response

from portal.gateway import browser_address
from portal.sessions import csrf_ok, new_id

HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")
COOKIE = "ps_session"
SECURE_COOKIE = "__Host-ps_session"  # over HTTPS: Secure, host-only, Path=/


def origin_of(url: str | None) -> str | None:
    """``https://cdn.example.gov/logo.png`` → ``https://cdn.example.gov``; None
    for anything that is not a plain host (nothing can be smuggled into the
    policy)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not HOST.fullmatch(parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


class CsrfRejected(Exception):
    """A form came without this visitor's CSRF token."""


def content_security_policy(payment_origins: list[str], image_origins: Sequence[str] = ()) -> str:
    """The pages' policy: nothing inline, nothing from elsewhere but forms to the
    payment provider and, on a jurisdiction's pages, its logo's origin."""
    form_targets = " ".join(["'self'", *payment_origins])
    images = " ".join(["'self'", "data:", *image_origins])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            f"form-action {form_targets}",
        ]
    )


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE if secure else COOKIE


def security_middleware(
    csp: str, secure: bool
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    name = cookie_name(secure)

    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        browser_address.set(request.client.host if request.client else None)
        existing = request.cookies.get(name)
        request.state.visitor = existing or new_id()
        request.state.visitor_changed = existing is None
        response = await call_next(request)
        if request.state.visitor_changed:
            response.set_cookie(
                name,
                request.state.visitor,
                httponly=True,
                secure=secure,
                samesite="lax",
                path="/",
            )
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not request.url.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        return response

    return middleware


def rotate_visitor(request: Request, session_id: str) -> None:
    """Give the visitor a new cookie value (login, logout)."""
    request.state.visitor = session_id
    request.state.visitor_changed = True


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_EXEMPT = frozenset(
    {
        # an API client that took an old email's link to the portal: a 307 on
        # to the gateway, body and method kept; the portal changes nothing
        "/v1/{rest:path}",
    }
)
"""Route paths (as declared) that take an unsafe method without the visitor's
CSRF token; each with its reason."""


async def csrf_guard(request: Request) -> None:
    """Every route's gate (an app-wide dependency): an unsafe method must carry
    this visitor's CSRF token in its form, whether or not the handler reads
    the form — a new POST route is protected without asking to be."""
    if request.method in SAFE_METHODS:
        return
    route = request.scope.get("route")
    if getattr(route, "path", None) in CSRF_EXEMPT:
        return
    await checked_form(request)


async def checked_form(request: Request) -> FormData:
    """The request's form, refused unless it carries this visitor's CSRF token."""
    form = await request.form()
    secret: str = request.app.state.settings.session_secret.get_secret_value()
    token = form.get("csrf_token")
    cookie = request.cookies.get(cookie_name(request.app.state.settings.secure_cookies))
    if not csrf_ok(secret, cookie, token if isinstance(token, str) else None):
        raise CsrfRejected()
    return form


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: never another host, scheme or ``//host``."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    return target
