"""FastAPI dependencies of identity's routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import BackgroundTasks, Depends, Request
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)

from chassis import http
from chassis.api import PageQuery
from chassis.auth import CurrentUser, Principal
from chassis.deferred import Deferred
from chassis.errors import Unauthorized, problem_responses
from chassis.idempotency import Idempotency, IdempotentCall
from identity.service_layer import people, tokens
from identity.service_layer.commands import IdentityCommand, LoadCaller, ReissuePin, by
from identity.service_layer.common import Caller
from identity.service_layer.unit_of_work import IdentityUnits
from identity.settings import IdentitySettings

PROBLEMS = problem_responses(400, 401, 403, 404, 409, 413, 422, 429)


async def get_units(request: Request) -> IdentityUnits:
    return request.app.state.units  # type: ignore[no-any-return]


Units = Annotated[IdentityUnits, Depends(get_units)]
"""Identity's unit of work per jurisdiction: ``units.handle(cmd, handler)``
for a change, ``units.ask(query, handler)`` for a read."""


async def get_settings(request: Request) -> IdentitySettings:
    return request.app.state.settings  # type: ignore[no-any-return]


Settings = Annotated[IdentitySettings, Depends(get_settings)]


class AfterTheAnswer:
    """Work recorded by a handler (``uow.later``) runs once the answer is
    sent: the answer takes the same time whether or not the email is known
    (``chassis.deferred``)."""

    def __init__(self, deferred: Deferred, after: BackgroundTasks) -> None:
        self.deferred = deferred
        self.after = after

    def run(self, request_id: str) -> None:
        self.after.add_task(self.deferred.process, request_id)


async def after_the_answer(request: Request, after: BackgroundTasks) -> AfterTheAnswer:
    deferred = request.app.state.runtime.deferred
    assert deferred is not None
    return AfterTheAnswer(deferred, after)


Later = Annotated[AfterTheAnswer, Depends(after_the_answer)]


async def get_caller(user: CurrentUser, units: Units) -> Caller:
    """The token, checked against current state (identity refuses stale tokens at once)."""
    return await units.ask(LoadCaller(principal=user), tokens.load_caller)


CallerDep = Annotated[Caller, Depends(get_caller)]
CreateCompanyCall = Annotated[
    IdempotentCall, Depends(Idempotency("identity.companies.create", required=False))
]
KEYED_CREATION = (
    "Send an `Idempotency-Key` to retry safely: the retry answers the person the first "
    "request added (`Idempotent-Replayed: true`). A first-login PIN is stored hashed only, so "
    "the retry issues a new one and the first stops working (unless it was used already). "
    "Without a key, a retry is a 409 (already a member)."
)
CreateUserCall = Annotated[
    IdempotentCall, Depends(Idempotency("identity.users.create", required=False))
]
AddCompanyUserCall = Annotated[
    IdempotentCall, Depends(Idempotency("identity.companies.users.add", required=False))
]

Made = tuple[dict[str, Any], str | None]


async def keyed_creation(
    call: IdempotentCall,
    units: IdentityUnits,
    cmd: IdentityCommand,
    create: Callable[[Any, Any], Awaitable[Made]],
) -> Made:
    """A person's creation under its request's Idempotency-Key: the key's
    record keeps the membership and whether a PIN was issued, never the PIN
    (which leaves by the first answer only); a replay answers the person as
    they are now, with a new PIN if the first answer carried one
    (:func:`identity.service_layer.people.reissue_pin`)."""
    issued: list[str | None] = [None]

    async def first() -> Made:
        made = await units.handle(cmd, create)
        issued[0] = made[1]
        return made  # type: ignore[no-any-return]

    created = await call.run(first, render=lambda made: made[0])
    if not call.replayed:
        return created["membership"], issued[0]
    if not created.get("pin_issued"):
        return created["membership"], None
    again = ReissuePin(
        **by(cmd.caller, cmd.jurisdiction_id), membership_id=created["membership"]["_id"]
    )
    return await units.handle(again, people.reissue_pin)


_setup_bearer = HTTPBearer(auto_error=False, description="Setup token from a PIN login")


async def setup_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_setup_bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthorized("a setup token is required")
    verifier = request.app.state.runtime.verifier
    return await verifier.verify(credentials.credentials, typ="setup")  # type: ignore[no-any-return]


SetupPrincipal = Annotated[Principal, Depends(setup_principal)]


async def client_address(request: Request, settings: Settings) -> str | None:
    """The client's address; X-Forwarded-For is believed only from trusted proxies."""
    return http.client_address(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
        settings.trusted_proxies,
    )


ClientAddress = Annotated[str | None, Depends(client_address)]


PagingDep = PageQuery  # the chassis' one paging dependency


_basic = HTTPBasic(
    auto_error=False, description="an API client's id and secret (client_credentials)"
)


async def basic_credentials(
    credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> tuple[str, str] | None:
    """An API client's id and secret as HTTP Basic (RFC 6749 §2.3.1: each
    form-encoded first), or None."""
    if credentials is None:
        return None
    return unquote_plus(credentials.username), unquote_plus(credentials.password)


BasicCredentials = Annotated[tuple[str, str] | None, Depends(basic_credentials)]
