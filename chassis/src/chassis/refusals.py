"""A rule's refusal as plain data, apart from HTTP (issue 24).

A domain raises a :class:`Refused` with its facts; the entrypoints say it as
a problem document (:func:`chassis.errors.as_problem`), and the route that
knows its body says where in it the refused part is. ``kind`` is what sort
of refusal: ``invalid`` (the request cannot be met as asked) or
``conflict`` (the state of things does not allow it now)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal


class Refused(Exception):
    kind: ClassVar[Literal["invalid", "conflict"]] = "invalid"
    code: ClassVar[str | None] = None  # the problem type's slug; None: the kind's own
    part: ClassVar[str | None] = None  # which part of a request is refused
    reason: ClassVar[str] = "refused"  # a word or two for the refused part

    def __init__(self, message: str, *, index: int | None = None, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.index = index  # which of several requests of one submit
        self.data = data
