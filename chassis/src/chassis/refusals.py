"""A rule's refusal as plain data, apart from HTTP (issue 24).

A domain raises a :class:`Refused` with its facts; the entrypoints say it as
a problem document (:func:`as_problem`), and the route that knows its body
says where in it the refused part is (:func:`at_index` for one of several). ``kind`` is what sort
of refusal: ``invalid`` (the request cannot be met as asked) or
``conflict`` (the state of things does not allow it now)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from chassis.errors import Conflict, ProblemError, Unprocessable, field_error, problem_response


class Refused(Exception):
    kind: ClassVar[Literal["invalid", "conflict"]] = "invalid"
    code: ClassVar[str | None] = None  # the problem type's slug; None: the kind's own
    part: ClassVar[str | None] = None  # which part of a request is refused
    error_type: str = "value_error"  # the field error's type (``password.min_length``)
    reason: str = "refused"  # a word or two for the refused part (a class's default)

    def __init__(
        self,
        message: str,
        *,
        index: int | None = None,
        reason: str | None = None,
        parts: list[tuple[str, str]] | None = None,
        **data: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason
        self.index = index  # which of several requests of one submit
        self.parts = parts or []  # several refused parts at once: (part, reason)
        self.data = data


def as_problem(refused: Refused, at: str = "", *, part: str | None = None) -> ProblemError:
    """A domain's refusal as its problem: 409 for a conflict, else 422; its
    field is ``at`` (where the route's body holds it: ``requests.2``, or the
    body itself) and the refused part (``ampm``, ``date``) — or ``part``,
    where the route's body names the refused part otherwise (``new_password``
    for a rule's ``password``)."""
    parts = refused.parts or [(part or refused.part or "", refused.reason)]
    errors = [
        field_error(".".join(p for p in (at, name) if p), why, refused.error_type)
        for name, why in parts
        if at or name
    ]
    cls: type[ProblemError] = Conflict if refused.kind == "conflict" else Unprocessable
    return cls(refused.message, slug=refused.code, errors=errors or None, **refused.data)


def at_index(field: str, refused: Refused) -> str:
    """Where one of a body's several requests is: ``<field>.<its index>``."""
    return f"{field}.{refused.index}" if refused.index is not None else field


def install_refusal_handler(app: FastAPI) -> None:
    """A refusal no route placed in its body is said with the domain's own
    names for the refused parts (``profile.address``), never as a 500."""

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> JSONResponse:
        problem = as_problem(exc)
        return problem_response(
            problem.status,
            problem.title,
            slug=problem.slug,
            detail=problem.detail,
            instance=request.url.path,
            errors=problem.errors,
            extensions=problem.extensions,
        )


class NarrowTheSearch(Refused):
    """A search whose match would not be small (reads stay flat,
    ARCHITECTURE.md): it says how to narrow it, by the criterion to give."""

    def __init__(self, message: str, criterion: str, reason: str) -> None:
        super().__init__(message, parts=[(criterion, reason)])
