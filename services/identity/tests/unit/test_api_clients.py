"""API clients (issue 26, item 3) on the fakes: an admin creates one with
scopes and gets its secret once; client credentials get a token of the
client's jurisdiction with its scopes; rotation and revocation end the old
tokens' standing at once; the last-used time is kept to the minute."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chassis.auth import Principal
from chassis.refusals import Conflicting, Denied, Missing, NotAuthenticated, Refused
from identity.domain.api_client import MAX_CLIENTS, ApiClient
from identity.service_layer import api_clients
from identity.service_layer.client_commands import (
    ClientCredentials,
    ClientStanding,
    CreateApiClient,
    GetApiClient,
    RevokeApiClient,
    RotateApiClientSecret,
    UpdateApiClient,
)
from identity.service_layer.commands import (
    by,
)

from .conftest import AT, JID, World, caller

ADMIN = caller(roles=["admin"])


def _new(scopes: list[str] | None = None, name: str = "County GIS") -> CreateApiClient:
    return CreateApiClient(
        **by(ADMIN, JID),
        name=name,
        scopes=scopes or ["events:read", "permits:read"],
        rate_limit_per_minute=120,
    )


async def _created(world: World, **kw: object) -> tuple[ApiClient, str]:
    return await world.units.handle(_new(**kw), api_clients.create_client)  # type: ignore[arg-type]


def _principal(token: str, client: ApiClient) -> Principal:
    """What the fake signer signed, as a verified token would read."""
    person, scopes, version = token.split("|")
    _, subject, jid, kind, _ = person.split(":")
    return Principal(
        account_id=subject,
        email="",
        jurisdiction_id=jid,
        kind=kind,
        scopes=scopes.split(),
        token_version=int(version.removeprefix("v")),
    )


async def _token(world: World, client_id: str, secret: str, scope: str | None = None) -> str:
    grant = ClientCredentials(client_id=client_id, client_secret=secret, scope=scope)
    granted = await world.units.ask(grant, api_clients.grant)
    return str(granted["access_token"])


async def test_an_admin_creates_a_client_whose_secret_is_kept_as_a_hash_only(world: World) -> None:
    client, secret = await _created(world)
    assert client.id.startswith(f"{JID}.") and secret.startswith("pscs_")
    stored = world.store("api_clients")[client.id]
    assert secret not in str(stored) and stored["scopes"] == ["events:read", "permits:read"]
    assert "api_client_created" in world.audit()


@pytest.mark.parametrize("roles", [["cashier"], ["inspector", "permit_technician"]])
async def test_only_a_jurisdictions_admin_manages_clients(world: World, roles: list[str]) -> None:
    cmd = CreateApiClient(
        **by(caller(roles=roles), JID), name="x", scopes=["events:read"], rate_limit_per_minute=60
    )
    with pytest.raises(Denied):
        await world.units.handle(cmd, api_clients.create_client)


async def test_an_unknown_scope_is_refused_naming_the_field(world: World) -> None:
    with pytest.raises(Refused) as refused:
        await _created(world, scopes=["events:read", "permits:write"])
    assert refused.value.parts[0][0] == "scopes" and "permits:write" in refused.value.message


async def test_a_jurisdiction_has_at_most_fifty_active_clients(world: World) -> None:
    for n in range(MAX_CLIENTS):
        await _created(world, name=f"system {n}")
    with pytest.raises(Conflicting):
        await _created(world, name="one too many")


async def test_client_credentials_get_a_token_of_its_jurisdiction_and_scopes(world: World) -> None:
    client, secret = await _created(world)
    token = await _token(world, client.id, secret)
    assert token == f"access:{client.id}:{JID}:client:|events:read permits:read|v1"
    narrower = await _token(world, client.id, secret, scope="events:read")
    assert narrower.endswith("|events:read|v1")
    with pytest.raises(Refused) as refused:  # a scope the client was not given
        await _token(world, client.id, secret, scope="events:read payments:read")
    assert refused.value.parts[0][0] == "scope"


@pytest.mark.parametrize("wrong", ["secret", "client"])
async def test_a_wrong_secret_and_an_unknown_client_look_the_same(world: World, wrong: str) -> None:
    client, secret = await _created(world)
    client_id = client.id if wrong == "secret" else f"{JID}.{'0' * 32}"
    with pytest.raises(NotAuthenticated) as refused:
        await _token(world, client_id, secret + "x" if wrong == "secret" else secret)
    assert refused.value.message == api_clients.INVALID_CLIENT


async def test_rotation_ends_the_old_secret_and_its_tokens_at_once(world: World) -> None:
    client, secret = await _created(world)
    old = _principal(await _token(world, client.id, secret), client)
    cmd = RotateApiClientSecret(**by(ADMIN, JID), client_id=client.id)
    _, new_secret = await world.units.handle(cmd, api_clients.rotate_secret)
    with pytest.raises(NotAuthenticated):
        await world.units.ask(ClientStanding(principal=old), api_clients.standing)
    with pytest.raises(NotAuthenticated):
        await _token(world, client.id, secret)
    fresh = _principal(await _token(world, client.id, new_secret), client)
    held = await world.units.ask(ClientStanding(principal=fresh), api_clients.standing)
    assert held["rate_limit_per_minute"] == 120 and held["scopes"] == fresh.scopes


async def test_revocation_ends_every_token_at_once_and_stays_readable(world: World) -> None:
    client, secret = await _created(world)
    held = _principal(await _token(world, client.id, secret), client)
    await world.units.handle(
        RevokeApiClient(**by(ADMIN, JID), client_id=client.id), api_clients.revoke_client
    )
    with pytest.raises(NotAuthenticated):
        await world.units.ask(ClientStanding(principal=held), api_clients.standing)
    with pytest.raises(NotAuthenticated):
        await _token(world, client.id, secret)
    read = await world.units.ask(
        GetApiClient(**by(ADMIN, JID), client_id=client.id), api_clients.get_client
    )
    assert read.status == "revoked" and read.revoked_at == AT
    with pytest.raises(Conflicting):  # a revoked client is not rotated back to life
        await world.units.handle(
            RotateApiClientSecret(**by(ADMIN, JID), client_id=client.id), api_clients.rotate_secret
        )


async def test_a_scope_taken_away_ends_the_tokens_that_carry_it(world: World) -> None:
    client, secret = await _created(world)
    held = _principal(await _token(world, client.id, secret), client)
    narrow = _principal(await _token(world, client.id, secret, scope="events:read"), client)
    change = UpdateApiClient(
        **by(ADMIN, JID), client_id=client.id, changes={"scopes": ["events:read"]}
    )
    await world.units.handle(change, api_clients.update_client)
    with pytest.raises(NotAuthenticated):
        await world.units.ask(ClientStanding(principal=held), api_clients.standing)
    assert await world.units.ask(ClientStanding(principal=narrow), api_clients.standing)


async def test_a_persons_token_has_no_client_standing(world: World) -> None:
    client, _ = await _created(world)
    person = ADMIN.principal.model_copy(update={"account_id": client.id})
    with pytest.raises(NotAuthenticated):
        await world.units.ask(ClientStanding(principal=person), api_clients.standing)


async def test_another_jurisdictions_client_does_not_exist_here(world: World) -> None:
    client, _ = await _created(world)
    beta_admin = caller(roles=["admin"], jid="beta")
    with pytest.raises(Missing):
        await world.units.ask(
            GetApiClient(**by(beta_admin, JID), client_id=client.id), api_clients.get_client
        )


async def test_the_last_used_time_is_written_at_most_once_a_minute(world: World) -> None:
    client, secret = await _created(world)
    await _token(world, client.id, secret)
    stored = world.store("api_clients")[client.id]
    assert stored["last_used_at"] == AT
    world.uow.clock.advance(timedelta(seconds=30))
    await _token(world, client.id, secret)
    assert stored["last_used_at"] == AT
    world.uow.clock.advance(timedelta(seconds=31))
    await _token(world, client.id, secret)
    assert stored["last_used_at"] == AT + timedelta(seconds=61)
