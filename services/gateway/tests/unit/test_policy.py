"""Gateway policy: per-client rate limits (429 with Retry-After) on the
abuse-prone routes, and configurable CORS."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from chassis.clock import ManualClock
from gateway.app import create_app
from gateway.settings import GatewaySettings

from .test_gateway_app import JWKS, NOW


def upstream(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/.well-known/jwks.json":
        return httpx.Response(200, json=JWKS)
    return httpx.Response(202, json={"ok": True})


async def client_for(
    settings: GatewaySettings, address: str = "203.0.113.7"
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, ManualClock(NOW), transport=httpx.MockTransport(upstream))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(address, 5000)), base_url="http://gw"
        ) as c,
    ):
        yield c


@pytest.fixture
async def gateway() -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(
        services={"identity": "http://identity.test", "permits": "http://permits.test"},
        jwks_url="http://identity.test/.well-known/jwks.json",
        cors_origins=["https://permits.example.gov"],
        log_json=False,
    )
    async for c in client_for(settings):
        yield c


async def test_login_is_limited_per_client_with_retry_after(gateway: httpx.AsyncClient) -> None:
    form = {"username": "a@example.org", "password": "x", "jurisdiction": "demo"}
    codes = [(await gateway.post("/v1/auth/token", data=form)).status_code for _ in range(10)]
    assert codes == [202] * 10
    r = await gateway.post("/v1/auth/token", data=form)
    assert r.status_code == 429
    assert r.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert r.json()["limit"] == "10/minute"
    # other routes are not limited by the login rule
    assert (await gateway.get("/v1/jurisdictions/demo")).status_code == 202


@pytest.mark.parametrize(
    ("path", "allowed", "until_then"),
    [
        ("/v1/jurisdictions/demo/enrollments", 5, 202),
        ("/v1/jurisdictions/demo/password-resets", 5, 202),
        # linking needs a token: counted before authentication, so guessing
        # without one is limited as well
        ("/v1/jurisdictions/demo/permit-links", 10, 401),
    ],
)
async def test_enrollment_reset_and_linking_are_limited(
    gateway: httpx.AsyncClient, path: str, allowed: int, until_then: int
) -> None:
    codes = [(await gateway.post(path, json={})).status_code for _ in range(allowed + 1)]
    assert codes == [until_then] * allowed + [429]


async def test_limits_are_per_client_address() -> None:
    settings = GatewaySettings(
        services={"identity": "http://identity.test"},
        jwks_url="http://identity.test/.well-known/jwks.json",
        rate_limit_storage="async+memory://",
        log_json=False,
    )
    app = create_app(settings, ManualClock(NOW), transport=httpx.MockTransport(upstream))
    async with LifespanManager(app):
        one = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("198.51.100.1", 1)), base_url="http://gw"
        )
        two = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("198.51.100.2", 1)), base_url="http://gw"
        )
        async with one, two:
            url = "/v1/jurisdictions/demo/enrollments"
            assert [(await one.post(url, json={})).status_code for _ in range(6)][-1] == 429
            assert (await two.post(url, json={})).status_code == 202


async def test_cors_allows_configured_origins_only(gateway: httpx.AsyncClient) -> None:
    preflight = {
        "Origin": "https://permits.example.gov",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Idempotency-Key",
    }
    r = await gateway.options("/v1/jurisdictions/demo/checkout", headers=preflight)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "https://permits.example.gov"
    evil = await gateway.options(
        "/v1/jurisdictions/demo/checkout", headers={**preflight, "Origin": "https://evil.test"}
    )
    assert "access-control-allow-origin" not in evil.headers
