"""RFC 9457 problem+json for every error a service returns.

Validation errors name the offending field; unknown errors are logged and
answered with a generic 500 problem that leaks nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://permitsuite.org/problems/"


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(default="about:blank")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Per-field validation errors: loc, field, msg, type"
    )


class ProblemError(Exception):
    """Raise from any handler to answer with a problem document."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        slug: str | None = None,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or title or self.title)
        self.detail = detail
        if status is not None:
            self.status = status
        if slug is not None:
            self.slug = slug
        if title is not None:
            self.title = title
        self.errors = errors
        self.headers = headers
        self.extensions = extensions


class NotFound(ProblemError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(ProblemError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class Unauthorized(ProblemError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(ProblemError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class MethodNotAllowed(ProblemError):
    status = 405
    slug = "method-not-allowed"
    title = "Method not allowed"


class Unprocessable(ProblemError):
    status = 422
    slug = "validation-error"
    title = "Request is not valid"


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` documenting problem+json for the given status codes."""
    return {code: {"model": Problem, "content": {"application/problem+json": {}}} for code in codes}


def field_error(field: str, msg: str, type_: str = "value_error") -> dict[str, Any]:
    return {"loc": ["body", field], "field": field, "msg": msg, "type": type_}


def problem_response(
    status: int,
    title: str,
    *,
    slug: str | None = None,
    detail: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug if slug else "about:blank",
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    if extensions:
        body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        field = ".".join(p for p in loc if p not in ("body", "query", "path", "header"))
        out.append(
            {"loc": loc, "field": field or None, "msg": err.get("msg"), "type": err.get("type")}
        )
    return out


_STATUS_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "Request is not valid"),
    429: ("rate-limited", "Too many requests"),
}


def raised_problem(request: Request, exc: ProblemError) -> JSONResponse:
    """A raised problem as the response to ``request``."""
    return problem_response(
        exc.status,
        exc.title,
        slug=exc.slug,
        detail=exc.detail,
        instance=request.url.path,
        errors=exc.errors,
        headers=exc.headers,
        extensions=exc.extensions,
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return raised_problem(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        fields = ", ".join(sorted({e["field"] for e in errors if e["field"]})) or "request"
        malformed = any(e["type"] == "json_invalid" for e in errors)
        return problem_response(
            422,
            "Malformed JSON body" if malformed else "Request is not valid",
            slug="malformed-json" if malformed else "validation-error",
            detail=f"invalid: {fields}",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title = _STATUS_SLUGS.get(exc.status_code, ("error", "Error"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app.router.routes, request.scope))
        return problem_response(
            exc.status_code,
            title,
            slug=slug,
            detail=detail,
            instance=request.url.path,
            headers=headers or None,
        )

    app.add_middleware(UnexpectedErrorMiddleware)


HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(routes: Iterable[Any], scope: Scope) -> list[str]:
    """Every method one of ``routes`` takes at this path. Starlette's own 405
    names only the first route that matched the path, but FastAPI makes one
    route per method (``GET`` and ``POST /v1/enrollments/{token}``) and nests
    included routers; so each method is tried against every route."""
    return [
        method
        for method in HTTP_METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    ]


class UnexpectedErrorMiddleware:
    """Any other exception becomes a logged 500 problem+json.

    Handled here rather than by an ``Exception`` handler: Starlette re-raises
    after such a handler answers, and uvicorn then closes the connection under
    a keep-alive client (the gateway's pool), whose next request on it fails.
    Answered here, the connection stays usable. Must sit inside every other
    middleware (``install_problem_handlers`` adds it first), so they see the 500.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise  # nothing sensible can be sent any more
            response = problem_response(
                500, "Internal server error", slug="internal", instance=scope.get("path")
            )
            await response(scope, receive, send)


__all__ = [
    "PROBLEM_JSON",
    "Conflict",
    "Forbidden",
    "HTTPException",
    "MethodNotAllowed",
    "NotFound",
    "Problem",
    "ProblemError",
    "Unauthorized",
    "Unprocessable",
    "allowed_methods",
    "field_error",
    "install_problem_handlers",
    "problem_response",
    "problem_responses",
]
