"""An API client's token held to its route's scope (issue 26, item 3):
``chassis.auth.within_scope`` behind routers included with a prefix (as every
service builds its app), and ``contracts.scopes`` finding each route of the
table again from a concrete path."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Request

from chassis.access import is_staff, require_staff
from chassis.auth import within_scope
from chassis.errors import install_problem_handlers
from chassis.principal import Principal
from chassis.refusals import Missing
from contracts.scopes import OPEN, PEOPLE, ROUTE_SCOPES, scope_for_request


def _client(*scopes: str, jurisdiction: str = "demo") -> Principal:
    return Principal(
        account_id=f"{jurisdiction}.c0ffee",
        email="",
        jurisdiction_id=jurisdiction,
        kind="client",
        scopes=list(scopes),
    )


CALLER: list[Principal] = []


async def _caller(request: Request) -> Principal:
    return within_scope(CALLER[-1], request)


def _app() -> FastAPI:
    inner = APIRouter()

    @inner.get("/events")
    async def feed(user: Annotated[Principal, Depends(_caller)]) -> dict[str, str]:
        return {"who": user.account_id}

    @inner.get("/cart")
    async def cart(user: Annotated[Principal, Depends(_caller)]) -> dict[str, str]:
        return {"who": user.account_id}

    outer = APIRouter(prefix="/v1/jurisdictions/{jurisdiction_id}")
    outer.include_router(inner)
    app = FastAPI()
    app.include_router(outer)
    install_problem_handlers(app)
    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        yield client


async def test_a_client_with_the_routes_scope_passes_behind_a_prefixed_router(
    http: httpx.AsyncClient,
) -> None:
    CALLER.append(_client("events:read"))
    r = await http.get("/v1/jurisdictions/demo/events")
    assert r.status_code == 200, r.text


async def test_a_scope_the_token_lacks_is_a_403_naming_it(http: httpx.AsyncClient) -> None:
    CALLER.append(_client("permits:read"))
    r = await http.get("/v1/jurisdictions/demo/events")
    assert r.status_code == 403 and r.json()["scope"] == "events:read"
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"]


async def test_a_persons_route_refuses_every_client(http: httpx.AsyncClient) -> None:
    CALLER.append(_client(*{s for s in ROUTE_SCOPES.values() if s not in (OPEN, PEOPLE)}))
    r = await http.get("/v1/jurisdictions/demo/cart")
    assert r.status_code == 403 and "people" in r.json()["detail"]


async def test_a_persons_token_is_not_held_to_scopes(http: httpx.AsyncClient) -> None:
    CALLER.append(Principal(account_id="a", email="a@x.org", jurisdiction_id="demo", kind="staff"))
    assert (await http.get("/v1/jurisdictions/demo/cart")).status_code == 200


def test_a_client_acts_as_staff_of_its_own_jurisdiction_only() -> None:
    client = _client("events:read")
    assert is_staff(client) and require_staff(client, "demo", "admin") is client
    with pytest.raises(Missing):
        require_staff(client, "beta", "admin")


@pytest.mark.parametrize("key", sorted(ROUTE_SCOPES))
def test_each_route_is_found_again_from_a_concrete_path(key: str) -> None:
    method, template = key.split(" ", 1)
    concrete = re.sub(r"\{[^}]+\}", "x1", template)
    assert scope_for_request(method, concrete) == ROUTE_SCOPES[key]


def test_a_path_in_no_list_is_a_persons() -> None:
    assert scope_for_request("GET", "/v1/jurisdictions/demo/unknown") == PEOPLE
    assert scope_for_request("HEAD", "/v1/jurisdictions/demo/events") == "events:read"
