"""FastAPI dependencies of identity's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from chassis import http
from chassis.api import PageQuery
from chassis.auth import CurrentUser, Principal
from chassis.errors import Unauthorized, problem_responses
from chassis.idempotency import Idempotency, IdempotentCall
from identity.service_layer import tokens
from identity.service_layer.common import Caller, Identity
from identity.service_layer.unit_of_work import IdentityUnits

PROBLEMS = problem_responses(400, 401, 403, 404, 409, 413, 422, 429)


async def get_identity(request: Request) -> Identity:
    return request.app.state.identity  # type: ignore[no-any-return]


Idn = Annotated[Identity, Depends(get_identity)]


async def get_units(request: Request) -> IdentityUnits:
    return request.app.state.units  # type: ignore[no-any-return]


Units = Annotated[IdentityUnits, Depends(get_units)]
"""Identity's unit of work per jurisdiction (the slices on the shared layout)."""


async def get_caller(user: CurrentUser, idn: Idn) -> Caller:
    """The token, checked against current state (identity refuses stale tokens at once)."""
    return await tokens.load_caller(idn, user)


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


async def client_address(request: Request, idn: Idn) -> str | None:
    """The client's address; X-Forwarded-For is believed only from trusted proxies."""
    return http.client_address(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
        idn.settings.trusted_proxies,
    )


ClientAddress = Annotated[str | None, Depends(client_address)]


PagingDep = PageQuery  # the chassis' one paging dependency
