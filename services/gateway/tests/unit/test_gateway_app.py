"""Gateway behaviour with upstream services simulated at the HTTP transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from asgi_lifespan import LifespanManager
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from chassis.clock import ManualClock
from gateway.app import create_app
from gateway.settings import GatewaySettings

KEY = Ed25519PrivateKey.generate()
JWKS = {
    "keys": [{**OKPAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "k1", "alg": "EdDSA"}]
}
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def token(**over: Any) -> str:
    claims = {
        "iss": "permitsuite-identity",
        "aud": "permitsuite",
        "sub": "acc-1",
        "jur": "demo",
        "kind": "community_member",
        "roles": [],
        "typ": "access",
        "email": "a@example.org",
        "iat": int(NOW.timestamp()),
        "nbf": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(minutes=5)).timestamp()),
        **over,
    }
    return jwt.encode(claims, KEY, algorithm="EdDSA", headers={"kid": "k1"})


Upstream = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def seen() -> list[httpx.Request]:
    return []


@pytest.fixture
async def gateway(seen: list[httpx.Request]) -> AsyncIterator[httpx.AsyncClient]:
    def upstream(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/jwks.json":
            return httpx.Response(200, json=JWKS)
        if request.url.host == "down.test":
            raise httpx.ConnectError("refused", request=request)
        if request.url.host == "slow.test":
            raise httpx.ReadTimeout("slow", request=request)
        seen.append(request)
        if request.url.path == "/v1/me" and request.method == "GET":
            return httpx.Response(200, json={"ok": True})
        if request.url.path.startswith("/health/ready"):
            return httpx.Response(200, json={"ready": True})
        return httpx.Response(
            409,
            json={"type": "x", "title": "Conflict", "status": 409},
            headers={"content-type": "application/problem+json"},
        )

    settings = GatewaySettings(
        services={
            "identity": "http://identity.test",
            "permits": "http://down.test",
            "slow": "http://slow.test",
        },
        routes=[
            {"pattern": "/v1/me", "service": "identity", "auth": "required"},
            {"pattern": "/v1/jurisdictions/**", "service": "identity"},
            {"pattern": "/v1/permits/**", "service": "permits"},
            {"pattern": "/v1/slow/**", "service": "slow"},
        ],
        jwks_url="http://identity.test/.well-known/jwks.json",
        max_body_bytes=1024,
        log_json=False,
    )
    app = create_app(settings, ManualClock(NOW), transport=httpx.MockTransport(upstream))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gw"
        ) as client,
    ):
        yield client


async def test_valid_token_is_forwarded_with_correlation_id(
    gateway: httpx.AsyncClient, seen: list[httpx.Request]
) -> None:
    r = await gateway.get(
        "/v1/me", headers={"Authorization": f"Bearer {token()}", "X-Correlation-ID": "c-42"}
    )
    assert r.status_code == 200
    assert seen[-1].headers["authorization"].startswith("Bearer ")
    assert seen[-1].headers["x-correlation-id"] == "c-42"
    assert r.headers["x-correlation-id"] == "c-42"


@pytest.mark.parametrize(
    "auth",
    [
        None,
        "Bearer garbage",
        "Basic dXNlcjpwYXNz",
        f"Bearer {token(exp=int((NOW - timedelta(minutes=1)).timestamp()))}",
        f"Bearer {token(aud='someone-else')}",
        f"Bearer {token(iss='evil')}",
        f"Bearer {token(typ='refresh')}",
    ],
)
async def test_bad_or_missing_tokens_are_401_problems(
    gateway: httpx.AsyncClient, seen: list[httpx.Request], auth: str | None
) -> None:
    headers = {"Authorization": auth} if auth else {}
    r = await gateway.get("/v1/me", headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert seen == []  # never reached the service


async def test_none_algorithm_token_is_refused(gateway: httpx.AsyncClient) -> None:
    unsigned = jwt.encode({"sub": "x"}, key=None, algorithm="none")  # type: ignore[arg-type]
    r = await gateway.get("/v1/me", headers={"Authorization": f"Bearer {unsigned}"})
    assert r.status_code == 401


async def test_problem_json_from_a_service_passes_through(gateway: httpx.AsyncClient) -> None:
    r = await gateway.post("/v1/jurisdictions/demo/enrollments", json={"email": "a@example.org"})
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "Conflict"


async def test_unreachable_and_slow_services_are_503_and_504(gateway: httpx.AsyncClient) -> None:
    down = await gateway.get("/v1/permits/p1")
    assert down.status_code == 503
    assert down.json()["service"] == "permits"
    slow = await gateway.get("/v1/slow/x")
    assert slow.status_code == 504
    assert slow.headers["content-type"] == "application/problem+json"


async def test_unknown_route_and_oversized_body(gateway: httpx.AsyncClient) -> None:
    missing = await gateway.get("/v1/unknown")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    big = await gateway.post("/v1/jurisdictions/demo/enrollments", content=b"x" * 2048)
    assert big.status_code == 413


async def test_health_names_the_service_that_is_down(gateway: httpx.AsyncClient) -> None:
    r = await gateway.get("/health")
    assert r.status_code == 503
    body = r.json()
    assert body["services"]["identity"]["ready"] is True
    assert body["services"]["permits"]["ready"] is False


async def test_dev_mail_is_absent_outside_embedded_mode(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.get("/dev/mail")).status_code == 404
