"""Gateway behaviour with upstream services simulated at the HTTP transport."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import httpx
import jwt
import pytest
from asgi_lifespan import LifespanManager
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from chassis.clock import ManualClock
from gateway.app import create_app
from gateway.proxy import PROXY_SECRET_HEADER
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
            transport=httpx.ASGITransport(app=raw_target(manager.app)), base_url="http://gw"
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


# -- hardening (issue 12): what a client can put in the path -------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "/v1/jurisdictions/%00",
        "/v1/jurisdictions/%01/enrollments",
        "/v1/jurisdictions/demo%0a",
        "/v1/jurisdictions/x%1b",
        "/v1/jurisdictions/a%2Fb",
        "/v1/jurisdictions/a%5Cb",
        "/v1/jurisdictions/%ff",
    ],
)
async def test_unforwardable_characters_in_the_path_are_400_and_not_forwarded(
    gateway: httpx.AsyncClient, seen: list[httpx.Request], raw: str
) -> None:
    """Defect 12.1: a percent-encoded control character was a 500 (and ``demo%0a``
    answered as ``demo``)."""
    r = await gateway.get(raw)
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert seen == []


async def test_encoded_query_and_fragment_characters_stay_in_their_segment(
    gateway: httpx.AsyncClient, seen: list[httpx.Request]
) -> None:
    """Defect 12.1: ``%3F``/``%23`` changed the forwarded path."""
    r = await gateway.get("/v1/jurisdictions/a%3Fb%23c/enrollments", params={"x": "1"})
    assert r.status_code == 409  # the fake service's answer: it was forwarded
    assert seen[-1].url.raw_path == b"/v1/jurisdictions/a%3Fb%23c/enrollments?x=1"


@pytest.mark.parametrize(
    "raw",
    [
        "/v1/jurisdictions/../../metrics",
        "/v1/jurisdictions/demo/../../docs",
        "/v1/jurisdictions/%2e%2e/%2e%2e/openapi.json",
        "/v1/jurisdictions/./demo",
        "/v1/jurisdictions//demo",
        "/v1/jurisdictions/demo/",
    ],
)
async def test_dot_and_empty_segments_are_not_routable(
    gateway: httpx.AsyncClient, seen: list[httpx.Request], raw: str
) -> None:
    """Defects 12.3 (path traversal to a service's non-public paths) and 12.4
    (a trailing slash made the service redirect to its internal address)."""
    r = await _raw(gateway, "GET", raw)
    assert r.status_code == 404
    assert seen == []


async def test_a_service_redirect_never_names_its_internal_address(
    seen: list[httpx.Request],
) -> None:
    """Defect 12.4: ``307 Location: http://127.0.0.1:<port>/…`` was passed through."""

    def upstream(request: httpx.Request) -> httpx.Response:
        return httpx.Response(307, headers={"location": "http://identity.test/v1/me"})

    async with _gateway(upstream) as client:
        r = await client.get("/v1/jurisdictions/demo")
    assert r.status_code == 307
    assert r.headers["location"] == "/v1/me"


async def test_traversal_cannot_skip_the_rate_limit(seen: list[httpx.Request]) -> None:
    """Defect 12.3: ``POST /v1/auth/../jurisdictions/demo/enrollments`` skipped it."""

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={})

    async with _gateway(upstream) as client:
        codes = [
            (await _raw(client, "POST", p)).status_code
            for p in ["/v1/jurisdictions/x/../demo/enrollments"] * 3
            + ["/v1/jurisdictions/demo/enrollments"] * 6
        ]
    assert codes[:3] == [404] * 3
    assert codes[3:] == [202] * 5 + [429]
    assert len(seen) == 5


async def test_a_closed_keep_alive_connection_is_retried_for_idempotent_methods() -> None:
    """Defect 12.5: after a service closed a pooled connection, the next request got 503."""
    calls = {"n": 0}

    def upstream(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200, json={"ok": True})

    async with _gateway(upstream) as client:
        r = await client.get("/v1/jurisdictions/demo")
        assert r.status_code == 200
        calls["n"] = 0
        post = await client.post("/v1/jurisdictions/demo/things", json={})
        assert post.status_code == 503  # a POST is never sent twice
        assert calls["n"] == 1


async def test_setup_tokens_pass_only_where_the_route_takes_them() -> None:
    """Defect 12.6: POST /v1/me/setup with the setup token from a PIN login was 401."""
    forwarded: list[str] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        forwarded.append(request.url.path)
        return httpx.Response(200, json={})

    routes = [
        {"pattern": "/v1/me", "service": "identity", "auth": "required"},
        {"pattern": "/v1/me/**", "service": "identity", "auth": "required"},
        {"pattern": "/v1/me/setup", "service": "identity", "auth": "required", "token": "setup"},
    ]
    setup = {"Authorization": f"Bearer {token(typ='setup')}"}
    access = {"Authorization": f"Bearer {token()}"}
    async with _gateway(upstream, routes=routes) as client:
        assert (await client.post("/v1/me/setup", headers=setup, json={})).status_code == 200
        assert (await client.post("/v1/me/setup", headers=access, json={})).status_code == 401
        assert (await client.get("/v1/me", headers=setup)).status_code == 401
        assert (await client.patch("/v1/me/password", headers=setup, json={})).status_code == 401
    assert forwarded == ["/v1/me/setup"]


def _forged(header: dict[str, Any], body: str = "e30", signature: str = "AAAA") -> str:
    import base64
    import json

    head = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return f"{head}.{body}.{signature}"


@pytest.mark.parametrize(
    "forged",
    [
        _forged({"alg": "RS256", "kid": "k1"}),
        _forged({"alg": "RS256", "kid": "k1"}, body="bm90IGpzb24"),
        _forged({"alg": "EdDSA", "kid": "k1"}, body="W10"),
        _forged({"alg": "EdDSA", "kid": ["k1"]}),
        token(sub=12, roles="admin"),
        token(exp="soon"),
    ],
)
async def test_forged_tokens_with_a_published_kid_are_401(
    gateway: httpx.AsyncClient, seen: list[httpx.Request], forged: str
) -> None:
    """Defect 12.2: an RS256 header naming a published (EdDSA) kid was a 500."""
    r = await gateway.get("/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert seen == []


async def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    """Issue 12.14: the client address behind a load balancer (rate limits, throttling)."""
    sent: list[str] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["x-forwarded-for"])
        return httpx.Response(200, json={})

    spoof = {"X-Forwarded-For": "203.0.113.9"}
    async with _gateway(upstream) as client:
        await client.get("/v1/jurisdictions/demo", headers=spoof)
    async with _gateway(upstream, trusted_proxies=["127.0.0.1"]) as client:
        await client.get(
            "/v1/jurisdictions/demo", headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.9"}
        )
    assert sent == ["127.0.0.1", "203.0.113.9"]


async def test_forwarded_for_from_the_portals_hop_needs_its_secret_not_just_its_address() -> None:
    """Issue 22, defect 14: the embedded gateway trusted X-Forwarded-For from
    127.0.0.1, so any local client set its own address and escaped every
    per-address limit. Only a hop that presents the portal's secret is believed
    (the secret goes no further than the gateway)."""
    sent: list[tuple[str, str | None]] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        sent.append((request.headers["x-forwarded-for"], request.headers.get(PROXY_SECRET_HEADER)))
        return httpx.Response(200, json={})

    spoof = {"X-Forwarded-For": "203.0.113.9"}
    secret = "the portal's hop secret 5b1f"
    async with _gateway(upstream, proxy_secret=secret) as client:
        await client.get("/v1/jurisdictions/demo", headers=spoof)  # a local client forging
        await client.get("/v1/jurisdictions/demo", headers={**spoof, PROXY_SECRET_HEADER: "guess"})
        await client.get("/v1/jurisdictions/demo", headers={**spoof, PROXY_SECRET_HEADER: secret})
    assert sent == [("127.0.0.1", None), ("127.0.0.1", None), ("203.0.113.9", None)]


async def _raw(client: httpx.AsyncClient, method: str, raw: str) -> httpx.Response:
    """Send ``raw`` as the request target exactly: httpx removes dot segments
    from a URL, so the path travels in a header that :func:`raw_target` puts
    in the ASGI scope, as a server would (``curl --path-as-is``)."""
    return await client.request(method, "/", headers={"x-test-raw-path": raw}, json={})


def raw_target(app: Any) -> Any:
    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        raw = dict(scope.get("headers", [])).get(b"x-test-raw-path")
        if scope["type"] == "http" and raw is not None:
            scope = {**scope, "raw_path": raw, "path": unquote(raw.decode())}
        await app(scope, receive, send)

    return wrapped


@contextlib.asynccontextmanager
async def _gateway(
    upstream: Upstream, routes: list[dict[str, Any]] | None = None, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    def transport(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/jwks.json":
            return httpx.Response(200, json=JWKS)
        return upstream(request)

    app = create_app(
        GatewaySettings(
            services={"identity": "http://identity.test"},
            routes=routes or [{"pattern": "/v1/jurisdictions/**", "service": "identity"}],
            rate_limits=[
                {
                    "name": "enrollment",
                    "pattern": "/v1/jurisdictions/*/enrollments",
                    "limit": "5/minute",
                }
            ],
            jwks_url="http://identity.test/.well-known/jwks.json",
            log_json=False,
            **settings,
        ),
        ManualClock(NOW),
        transport=httpx.MockTransport(transport),
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=raw_target(manager.app), client=("127.0.0.1", 5000)),
            base_url="http://gw",
        ) as client,
    ):
        yield client


async def test_another_method_on_a_gateway_route_is_405_not_404(
    gateway: httpx.AsyncClient, seen: list[httpx.Request]
) -> None:
    """Issue 12.15: ``PUT /health`` answered 404 (some 404s where 405 is due)."""
    for path in ("/health", "/health/live", "/dev/mail"):
        r = await gateway.put(path)
        assert r.status_code == 405, path
        assert r.headers["allow"] == "GET"
    assert seen == []


async def test_another_method_on_an_aggregated_route_is_405(gateway: httpx.AsyncClient) -> None:
    """Found by schemathesis: ``PUT /v1/staff/queues`` was 404 (an included router)."""
    for path in ("/v1/staff/queues", "/v1/me/dashboard"):  # the latter under /v1/me/**
        r = await gateway.put(path)
        assert r.status_code == 405, path
        assert r.headers["allow"] == "GET"
