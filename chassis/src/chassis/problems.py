"""A domain's refusal (:mod:`chassis.refusals`) said as an RFC 9457 problem
document: one table from the refusal's kind to its status, the refused parts
as field errors where the route's body holds them."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from chassis.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ProblemError,
    Unauthorized,
    Unprocessable,
    field_error,
    raised_problem,
)
from chassis.refusals import Kind, Refused, TooManyAttempts


class BadRequest(ProblemError):
    status = 400


class Throttled(ProblemError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"


class ServiceUnavailable(ProblemError):
    status = 503
    slug = "unavailable"
    title = "Service unavailable"


PROBLEM_OF: dict[Kind, type[ProblemError]] = {
    "invalid": Unprocessable,
    "conflict": Conflict,
    "missing": NotFound,
    "denied": Forbidden,
    "malformed": BadRequest,
    "unauthenticated": Unauthorized,
    "throttled": Throttled,
    "unavailable": ServiceUnavailable,
}


def as_problem(refused: Refused, at: str = "", *, part: str | None = None) -> ProblemError:
    """A domain's refusal as its problem (:data:`PROBLEM_OF`); its field is
    ``at`` (where the route's body holds it: ``requests.2``, or the body
    itself) and the refused part (``ampm``, ``date``) — or ``part``, where the
    route's body names the refused part otherwise (``new_password`` for a
    rule's ``password``)."""
    parts = refused.parts or [(part or refused.part or "", refused.reason)]
    errors = [
        field_error(".".join(p for p in (at, name) if p), why, refused.error_type)
        for name, why in parts
        if at or name
    ]
    said = PROBLEM_OF[refused.kind](
        refused.message,
        slug=refused.code,
        title=refused.title,
        errors=errors or None,
        **refused.data,
    )
    if isinstance(refused, TooManyAttempts):
        said.headers = {"Retry-After": str(refused.retry_after)}
    return said


def at_index(field: str, refused: Refused) -> str:
    """Where one of a body's several requests is: ``<field>.<its index>``."""
    return f"{field}.{refused.index}" if refused.index is not None else field


def install_refusal_handler(app: FastAPI) -> None:
    """A refusal no route placed in its body is said with the domain's own
    names for the refused parts (``profile.address``), never as a 500."""

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> JSONResponse:
        return raised_problem(request, as_problem(exc))
