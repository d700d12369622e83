"""What a caller asks of identity about API clients (issue 26): the admin's
commands, a system's client credentials grant and a client token's standing
(the rest of identity's commands: ``commands.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from identity.service_layer.commands import IdentityCommand, LoadCaller, scope_of

Doc = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class ClientCredentials:
    """A client credentials grant: the client's jurisdiction is its id's."""

    client_id: str
    client_secret: str
    scope: str | None = None

    @property
    def jurisdiction_id(self) -> str:
        return scope_of(self.client_id)


@dataclass(frozen=True, kw_only=True)
class ClientStanding(LoadCaller):
    """A client's token, checked against the client as it is now (the gateway, each call)."""


@dataclass(frozen=True, kw_only=True)
class CreateApiClient(IdentityCommand):
    name: str
    scopes: list[str]
    rate_limit_per_minute: int


@dataclass(frozen=True, kw_only=True)
class ListApiClients(IdentityCommand):
    pass


@dataclass(frozen=True, kw_only=True)
class GetApiClient(IdentityCommand):
    client_id: str


@dataclass(frozen=True, kw_only=True)
class UpdateApiClient(GetApiClient):
    changes: Doc


@dataclass(frozen=True, kw_only=True)
class RotateApiClientSecret(GetApiClient):
    pass


@dataclass(frozen=True, kw_only=True)
class RevokeApiClient(GetApiClient):
    pass
