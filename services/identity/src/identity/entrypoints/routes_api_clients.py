"""API clients of a jurisdiction (issue 26), managed by its admins, and the
standing of a client's token (the gateway asks it on each client call)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from chassis.auth import CurrentUser
from chassis.idempotency import Idempotency, IdempotentCall
from identity.domain.api_client import ApiClient
from identity.entrypoints.dependencies import PROBLEMS, CallerDep, Units
from identity.entrypoints.schemas_admin import (
    ApiClientIn,
    ApiClientList,
    ApiClientOut,
    ApiClientPatch,
    ApiClientWithSecret,
    ClientStandingOut,
    api_client_out,
)
from identity.service_layer import api_clients
from identity.service_layer.client_commands import (
    ClientStanding,
    CreateApiClient,
    GetApiClient,
    ListApiClients,
    RevokeApiClient,
    RotateApiClientSecret,
    UpdateApiClient,
)
from identity.service_layer.commands import (
    by,
)

router = APIRouter(responses=PROBLEMS, tags=["api clients"])
CreateClientCall = Annotated[
    IdempotentCall, Depends(Idempotency("identity.api_clients.create", required=False))
]
Made = tuple[ApiClient, str]
PATH = "/v1/jurisdictions/{jurisdiction_id}/api-clients"
ONE = PATH + "/{client_id}"


@router.post(
    PATH,
    status_code=201,
    response_model=ApiClientWithSecret,
    summary="Create an API client for another system (admins)",
    description="The system gets access tokens from `POST /v1/auth/token` with "
    "`grant_type=client_credentials`, this `client_id` and the `client_secret`, which is in "
    "this answer only. At most 50 clients per jurisdiction. Send an `Idempotency-Key` to retry "
    "safely: the retry answers the client the first request created "
    "(`Idempotent-Replayed: true`). Its secret is stored hashed only, so the retry's answer "
    "carries a new one and the first stops working. Without a key, a retry creates another "
    "client.",
)
async def create_client(
    jurisdiction_id: str,
    body: ApiClientIn,
    caller: CallerDep,
    units: Units,
    call: CreateClientCall,
) -> ApiClientWithSecret:
    cmd = CreateApiClient(
        **by(caller, jurisdiction_id),
        name=body.name,
        scopes=list(body.scopes),
        rate_limit_per_minute=body.rate_limit_per_minute,
    )
    made: list[Made] = []

    async def first() -> Made:
        made.append(await units.handle(cmd, api_clients.create_client))
        return made[0]

    # the key's record keeps the client's id, never its secret
    created = await call.run(first, render=lambda done: {"client_id": done[0].id})
    if made:
        client, secret = made[0]
    else:  # a retry of a created client: its secret anew (the first answer's stops working)
        again = RotateApiClientSecret(**by(caller, jurisdiction_id), client_id=created["client_id"])
        client, secret = await units.handle(again, api_clients.rotate_secret)
    return ApiClientWithSecret(**api_client_out(client), client_secret=secret)


@router.get(PATH, response_model=ApiClientList, summary="The jurisdiction's API clients (admins)")
async def list_clients(jurisdiction_id: str, caller: CallerDep, units: Units) -> ApiClientList:
    found = await units.ask(ListApiClients(**by(caller, jurisdiction_id)), api_clients.list_clients)
    return ApiClientList(items=[ApiClientOut(**api_client_out(c)) for c in found])


@router.get(ONE, response_model=ApiClientOut, summary="An API client, revoked or not (admins)")
async def get_client(
    jurisdiction_id: str, client_id: str, caller: CallerDep, units: Units
) -> ApiClientOut:
    query = GetApiClient(**by(caller, jurisdiction_id), client_id=client_id)
    return ApiClientOut(**api_client_out(await units.ask(query, api_clients.get_client)))


@router.patch(
    ONE,
    response_model=ApiClientOut,
    summary="Rename it, change its scopes or rate limit (admins)",
    description="At once: a token that carries a scope taken away is refused (401) on its next "
    "call; the system gets a new token with the scopes it has now.",
)
async def update_client(
    jurisdiction_id: str, client_id: str, body: ApiClientPatch, caller: CallerDep, units: Units
) -> ApiClientOut:
    changes = body.model_dump(exclude_unset=True)
    cmd = UpdateApiClient(**by(caller, jurisdiction_id), client_id=client_id, changes=changes)
    return ApiClientOut(**api_client_out(await units.handle(cmd, api_clients.update_client)))


@router.post(
    ONE + "/secret",
    response_model=ApiClientWithSecret,
    summary="Rotate its secret (admins)",
    description="The new secret is in this answer only. The old secret, and every token got "
    "with it, stop working at once.",
)
async def rotate_secret(
    jurisdiction_id: str, client_id: str, caller: CallerDep, units: Units
) -> ApiClientWithSecret:
    cmd = RotateApiClientSecret(**by(caller, jurisdiction_id), client_id=client_id)
    client, secret = await units.handle(cmd, api_clients.rotate_secret)
    return ApiClientWithSecret(**api_client_out(client), client_secret=secret)


@router.delete(
    ONE,
    status_code=204,
    summary="Revoke it (admins)",
    description="For good and at once: its next call is a 401. It stays readable by its id.",
)
async def revoke_client(
    jurisdiction_id: str, client_id: str, caller: CallerDep, units: Units
) -> Response:
    cmd = RevokeApiClient(**by(caller, jurisdiction_id), client_id=client_id)
    await units.handle(cmd, api_clients.revoke_client)
    return Response(status_code=204)


@router.get(
    "/v1/auth/client",
    response_model=ClientStandingOut,
    summary="An API client's token: does it still hold, and with what",
    description="401 once the client is revoked, its secret rotated or a scope of the token "
    "taken away. The gateway asks this on each call an API client makes.",
)
async def client_standing(user: CurrentUser, units: Units) -> ClientStandingOut:
    return ClientStandingOut(
        **await units.ask(ClientStanding(principal=user), api_clients.standing)
    )
