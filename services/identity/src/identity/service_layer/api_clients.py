"""API clients (issue 26): a jurisdiction's admin manages them; another system
gets tokens with their credentials; the gateway checks a client token's
standing on each call, so rotation and revocation take effect at once."""

from __future__ import annotations

from datetime import timedelta

from chassis.refusals import Conflicting, NotAuthenticated
from identity.domain.api_client import MAX_CLIENTS, ApiClient
from identity.service_layer.client_commands import (
    ClientCredentials,
    ClientStanding,
    CreateApiClient,
    GetApiClient,
    ListApiClients,
    RevokeApiClient,
    RotateApiClientSecret,
    UpdateApiClient,
)
from identity.service_layer.common import Doc, require_staff
from identity.service_layer.unit_of_work import IdentityUnitOfWork

INVALID_CLIENT = "the client id or secret is not right, or the client is revoked"
NO_STANDING = (
    "this API client's token no longer holds: the client was revoked, its secret rotated or "
    "a scope taken away; get a new token"
)
KIND = "client"


class TooManyClients(Conflicting):
    code = "too-many-clients"

    def __init__(self) -> None:
        super().__init__(f"a jurisdiction has at most {MAX_CLIENTS} API clients; revoke one first")


# -- the admin's side -----------------------------------------------------------
async def create_client(cmd: CreateApiClient, uow: IdentityUnitOfWork) -> tuple[ApiClient, str]:
    """The client and its secret, shown once."""
    require_staff(cmd.caller, uow.jurisdiction_id, "admin")
    await uow.jurisdictions.require()
    if len(await uow.api_clients.active()) >= MAX_CLIENTS:
        raise TooManyClients()
    client, secret = ApiClient.new(
        jurisdiction_id=uow.jurisdiction_id,
        name=cmd.name,
        scopes=cmd.scopes,
        rate_limit_per_minute=cmd.rate_limit_per_minute,
        by=cmd.caller.account_id,
        at=uow.now,
    )
    await uow.api_clients.add(client)
    await uow.audit.record("api_client_created", actor=cmd.caller.account_id, subject=client.id)
    return client, secret


async def list_clients(query: ListApiClients, uow: IdentityUnitOfWork) -> list[ApiClient]:
    """The clients not revoked, oldest first (a revoked one is still read by its id)."""
    require_staff(query.caller, uow.jurisdiction_id, "admin")
    return sorted(await uow.api_clients.active(), key=lambda c: (c.created_at, c.id))


async def get_client(query: GetApiClient, uow: IdentityUnitOfWork) -> ApiClient:
    require_staff(query.caller, uow.jurisdiction_id, "admin")
    return await uow.api_clients.require(query.client_id)


async def update_client(cmd: UpdateApiClient, uow: IdentityUnitOfWork) -> ApiClient:
    """Its name, scopes or rate limit, at once: a token that carries a scope
    taken away stops holding (:func:`standing`)."""
    client = await get_client(cmd, uow)
    if client.update(cmd.changes, by=cmd.caller.account_id, at=uow.now):
        await uow.api_clients.save(client)
        fields = sorted(cmd.changes)
        await uow.audit.record(
            "api_client_updated", actor=cmd.caller.account_id, subject=client.id, fields=fields
        )
    return client


async def rotate_secret(
    cmd: RotateApiClientSecret, uow: IdentityUnitOfWork
) -> tuple[ApiClient, str]:
    """A new secret, shown once; the old secret and its tokens stop at once."""
    client = await get_client(cmd, uow)
    secret = client.rotate(by=cmd.caller.account_id, at=uow.now)
    await uow.api_clients.save(client)
    await uow.audit.record("api_client_rotated", actor=cmd.caller.account_id, subject=client.id)
    return client, secret


async def revoke_client(cmd: RevokeApiClient, uow: IdentityUnitOfWork) -> ApiClient:
    """For good, at once; revoking a revoked client changes nothing."""
    client = await get_client(cmd, uow)
    if client.revoke(by=cmd.caller.account_id, at=uow.now):
        await uow.api_clients.save(client)
        await uow.audit.record("api_client_revoked", actor=cmd.caller.account_id, subject=client.id)
    return client


# -- the client's side --------------------------------------------------------------
async def grant(cmd: ClientCredentials, uow: IdentityUnitOfWork) -> Doc:
    """OAuth2 client credentials (RFC 6749 §4.4): an access token of the
    client's jurisdiction with the scopes asked for (or all of its own), and
    no refresh token. An unknown client and a wrong secret look the same."""
    client = await uow.api_clients.get(cmd.client_id)
    if client is None or not client.accepts(cmd.client_secret):
        raise NotAuthenticated(INVALID_CLIENT, code="invalid-client")
    scopes = client.granted(cmd.scope)
    lifetime = timedelta(minutes=uow.settings.access_token_minutes)
    token = uow.signer.access_token(
        subject=client.id,
        email="",
        jurisdiction_id=uow.jurisdiction_id,
        kind=KIND,
        roles=[],
        now=uow.now,
        lifetime=lifetime,
        version=client.secret_version,
        scopes=scopes,
    )
    await uow.api_clients.touch(client.id, uow.now)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": int(lifetime.total_seconds()),
        "scope": " ".join(scopes),
        "jurisdiction_id": uow.jurisdiction_id,
    }


async def standing(query: ClientStanding, uow: IdentityUnitOfWork) -> Doc:
    """What the gateway needs of a client token on each call: that it still
    holds (401 if not), and the client's rate limit. Notes the use."""
    principal = query.principal
    client = await uow.api_clients.get(principal.account_id)
    if (
        not principal.is_client()
        or client is None
        or not client.standing(principal.token_version)
        or not set(principal.scopes) <= set(client.scopes)
    ):
        raise NotAuthenticated(NO_STANDING, code="invalid-token")
    await uow.api_clients.touch(client.id, uow.now)
    return {
        "client_id": client.id,
        "name": client.name,
        "jurisdiction_id": client.jurisdiction_id,
        "scopes": principal.scopes,
        "rate_limit_per_minute": client.rate_limit_per_minute,
    }
