"""API clients at the gateway (issue 26, item 3): a client token's standing is
asked of identity on each call (revocation holds at the very next call), the
client's own rate limit is counted per client, and HTTP Basic reaches the
token endpoint only. Identity and a service are simulated at the transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from chassis.clock import ManualClock
from gateway.app import create_app
from gateway.settings import DEFAULT_ROUTES, GatewaySettings

from .test_gateway_app import JWKS, NOW, token

CLIENT = "demo.0123456789abcdef0123456789abcdef"


def client_token(sub: str = CLIENT) -> str:
    return token(sub=sub, kind="client", email="", scope="events:read", ver=1)


class Identity:
    """Identity's answers about clients: revoked ones are 401, the rest hold
    with a limit of ``limit`` requests a minute."""

    def __init__(self) -> None:
        self.revoked: set[str] = set()
        self.limit = 3
        self.asked: list[str] = []
        self.forwarded: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/jwks.json":
            return httpx.Response(200, json=JWKS)
        if request.url.path == "/v1/auth/client":
            bearer = request.headers["authorization"].removeprefix("Bearer ")
            self.asked.append(bearer)
            sub = "other" if bearer == client_token("other") else CLIENT
            if sub in self.revoked:
                return httpx.Response(401, json={"detail": "revoked", "status": 401})
            return httpx.Response(200, json={"rate_limit_per_minute": self.limit})
        self.forwarded.append(request)
        return httpx.Response(200, json={"items": []})


@pytest.fixture
def identity() -> Identity:
    return Identity()


@pytest.fixture
async def gateway(identity: Identity) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(
        services={"identity": "http://identity.test", "integrations": "http://integrations.test"},
        jwks_url="http://identity.test/.well-known/jwks.json",
        log_json=False,
    )
    app = create_app(settings, ManualClock(NOW), transport=httpx.MockTransport(identity))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as c:
            yield c


FEED = "/v1/jurisdictions/demo/events"


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


async def test_a_client_call_is_forwarded_once_identity_says_its_token_holds(
    gateway: httpx.AsyncClient, identity: Identity
) -> None:
    r = await gateway.get(FEED, headers=bearer(client_token()))
    assert r.status_code == 200
    assert identity.asked == [client_token()]
    assert identity.forwarded[-1].url.path == FEED


async def test_a_revoked_clients_next_call_is_401_and_goes_nowhere(
    gateway: httpx.AsyncClient, identity: Identity
) -> None:
    assert (await gateway.get(FEED, headers=bearer(client_token()))).status_code == 200
    identity.revoked.add(CLIENT)
    r = await gateway.get(FEED, headers=bearer(client_token()))
    assert r.status_code == 401 and r.json()["detail"] == "revoked"
    assert len(identity.forwarded) == 1


async def test_each_client_has_its_own_rate_limit(
    gateway: httpx.AsyncClient, identity: Identity
) -> None:
    for _ in range(identity.limit):
        assert (await gateway.get(FEED, headers=bearer(client_token()))).status_code == 200
    over = await gateway.get(FEED, headers=bearer(client_token()))
    assert over.status_code == 429 and int(over.headers["Retry-After"]) >= 1
    assert "3 requests a minute" in over.json()["detail"]
    other = await gateway.get(FEED, headers=bearer(client_token("other")))
    assert other.status_code == 200  # another client counts on its own


async def test_a_persons_token_is_not_asked_about(
    gateway: httpx.AsyncClient, identity: Identity
) -> None:
    assert (await gateway.get(FEED, headers=bearer(token(kind="staff")))).status_code == 200
    assert identity.asked == []


async def test_http_basic_reaches_the_token_endpoint_only(
    gateway: httpx.AsyncClient, identity: Identity
) -> None:
    basic = httpx.BasicAuth(CLIENT, "pscs_secret")
    granted = await gateway.post(
        "/v1/auth/token", data={"grant_type": "client_credentials"}, auth=basic
    )
    assert granted.status_code == 200
    assert identity.forwarded[-1].headers["authorization"].startswith("Basic ")
    assert (await gateway.get(FEED, auth=basic)).status_code == 401
    assert [r.pattern for r in DEFAULT_ROUTES if r.basic] == ["/v1/auth/token"]


async def test_client_token_requests_are_limited_apart_from_peoples_logins(
    gateway: httpx.AsyncClient,
) -> None:
    """Ten logins a minute guard passwords; API clients behind one address
    (their secrets are not guessable) have a budget of their own."""
    basic = httpx.BasicAuth(CLIENT, "pscs_secret")
    form = {"grant_type": "client_credentials"}
    for _ in range(12):
        assert (await gateway.post("/v1/auth/token", data=form, auth=basic)).status_code == 200
    login = {"username": "a@example.org", "password": "pw"}
    answers = [(await gateway.post("/v1/auth/token", data=login)).status_code for _ in range(11)]
    assert answers == [200] * 10 + [429]


async def test_the_gateways_own_pages_are_peoples(gateway: httpx.AsyncClient) -> None:
    r = await gateway.get("/v1/staff/queues", headers=bearer(client_token()))
    assert r.status_code == 403 and "people" in r.json()["detail"]
