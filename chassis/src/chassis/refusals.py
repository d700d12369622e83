"""A rule's refusal as plain data, apart from HTTP (issue 24).

Domains and service layers raise a :class:`Refused` with its facts; the
entrypoints say it as a problem document (:mod:`chassis.problems`, one table
from ``kind`` to status), and the route that knows its body says where in it
the refused part is. ``kind`` is what sort of refusal:

- ``invalid``: the request cannot be met as asked (422);
- ``conflict``: the state of things does not allow it now (409);
- ``missing``: no such thing, for this caller (404; another jurisdiction's or
  another person's object does not exist for them);
- ``denied``: the caller may not do this here (403);
- ``malformed``: the message itself cannot be read (400);
- ``unauthenticated``: who is asking is not established (401: a wrong login);
- ``throttled``: too many attempts; ``retry_after`` says when to try again (429);
- ``unavailable``: something this depends on does not answer (503).

Nothing here knows HTTP: a domain module imports this and nothing else.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

Kind = Literal[
    "invalid",
    "conflict",
    "missing",
    "denied",
    "malformed",
    "unauthenticated",
    "throttled",
    "unavailable",
]


class Refused(Exception):
    kind: ClassVar[Kind] = "invalid"
    code: str | None = None  # the problem type's slug; None: the kind's own
    title: ClassVar[str | None] = None  # the problem's title; None: the kind's own
    part: ClassVar[str | None] = None  # which part of a request is refused
    error_type: str = "value_error"  # the field error's type (``password.min_length``)
    reason: str = "refused"  # a word or two for the refused part (a class's default)

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        index: int | None = None,
        reason: str | None = None,
        parts: list[tuple[str, str]] | None = None,
        **data: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if reason is not None:
            self.reason = reason
        self.index = index  # which of several requests of one submit
        self.parts = parts or []  # several refused parts at once: (part, reason)
        self.data = data


class Conflicting(Refused):
    """The state of things does not allow it now (a stale version, a paid line)."""

    kind = "conflict"


class Missing(Refused):
    """No such thing for this caller: absent, of another jurisdiction, or not theirs."""

    kind = "missing"


class Denied(Refused):
    """The caller may not do this here (a role they lack, a setting that is off)."""

    kind = "denied"


class Malformed(Refused):
    """A message that cannot be read (a provider's webhook that does not verify)."""

    kind = "malformed"


class NotAuthenticated(Refused):
    """A login or a session that does not establish who is asking."""

    kind = "unauthenticated"


class TooManyAttempts(Refused):
    """Too many failed attempts (logins, permit links): wait ``retry_after`` seconds."""

    kind = "throttled"
    code = "too-many-attempts"
    title = "Too many failed attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(Refused):
    """Something the request depends on does not answer; nothing was changed."""

    kind = "unavailable"


class NarrowTheSearch(Refused):
    """A search whose match would not be small (reads stay flat,
    ARCHITECTURE.md): it says how to narrow it, by the criterion to give."""

    def __init__(self, message: str, criterion: str, reason: str) -> None:
        super().__init__(message, parts=[(criterion, reason)])
