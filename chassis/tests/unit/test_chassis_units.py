"""Chassis pieces that need no broker or database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from pydantic import BaseModel

from chassis.auth import TokenVerifier
from chassis.clock import ManualClock, local_time, zone
from chassis.errors import Conflict, Unauthorized, install_problem_handlers
from chassis.http import BodyLimitMiddleware, ObservabilityMiddleware
from chassis.settings import ServiceSettings, require_real_secret

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(NOW)
    assert clock.now() == NOW
    clock.advance(timedelta(hours=2))
    assert clock.now() == NOW + timedelta(hours=2)
    with pytest.raises(ValueError):
        ManualClock(datetime(2026, 1, 1))  # naive


def test_local_time_uses_the_jurisdiction_zone() -> None:
    assert local_time(NOW, "America/Boise").hour == 5  # MST, UTC-7
    with pytest.raises(ValueError):
        zone("Mars/Olympus")


def test_placeholder_secrets_are_refused() -> None:
    from pydantic import SecretStr

    for bad in ("", "changeme", "secret"):
        with pytest.raises(ValueError):
            require_real_secret(SecretStr(bad), "X")
    assert require_real_secret(SecretStr("a-real-one"), "X").get_secret_value() == "a-real-one"


class Body(BaseModel):
    name: str
    count: int


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    async def things(body: Body) -> dict[str, str]:
        if body.name == "dup":
            raise Conflict("already there", current="x")
        if body.name == "boom":
            raise RuntimeError("secret internals")
        return {"ok": body.name}

    app.add_middleware(BodyLimitMiddleware, max_bytes=100)
    app.add_middleware(ObservabilityMiddleware, service="unit")
    return app


@pytest.fixture
async def client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def test_validation_error_is_422_problem_naming_the_field(client: httpx.AsyncClient) -> None:
    r = await client.post("/things", json={"name": "a", "count": "many"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in r.json()["errors"]] == ["count"]
    assert r.json()["detail"] == "invalid: count"


async def test_malformed_json_and_oversized_bodies(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/things", content=b'{"name":', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["type"].endswith("/malformed-json")
    big = await client.post(
        "/things", content=b"{" + b" " * 200 + b"}", headers={"content-type": "application/json"}
    )
    assert big.status_code == 413
    assert big.headers["content-type"] == "application/problem+json"


async def test_streamed_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"x" * 50

    r = await client.post("/things", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


async def test_domain_problem_and_unexpected_error(client: httpx.AsyncClient) -> None:
    dup = await client.post("/things", json={"name": "dup", "count": 1})
    assert dup.status_code == 409 and dup.json()["current"] == "x"
    boom = await client.post("/things", json={"name": "boom", "count": 1})
    assert boom.status_code == 500
    assert "secret internals" not in boom.text
    assert boom.headers["content-type"] == "application/problem+json"


async def test_correlation_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/things", json={"name": "a", "count": 1}, headers={"X-Correlation-ID": "abc-1"}
    )
    assert r.headers["x-correlation-id"] == "abc-1"
    r2 = await client.post(
        "/things", json={"name": "a", "count": 1}, headers={"X-Correlation-ID": "bad id!"}
    )
    assert r2.headers["x-correlation-id"] != "bad id!"


KEY = Ed25519PrivateKey.generate()
JWKS = {"keys": [{**OKPAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "k1"}]}


def _token(**over: object) -> str:
    claims = {
        "iss": "iss",
        "aud": "aud",
        "sub": "s",
        "typ": "access",
        "jur": "demo",
        "kind": "staff",
        "roles": ["admin"],
        "iat": int(NOW.timestamp()),
        "nbf": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(minutes=5)).timestamp()),
        **over,
    }
    return jwt.encode(claims, KEY, algorithm="EdDSA", headers={"kid": "k1"})


async def test_verifier_checks_claims_against_the_injected_clock() -> None:
    clock = ManualClock(NOW)
    verifier = TokenVerifier(issuer="iss", audience="aud", clock=clock, jwks=JWKS)
    principal = await verifier.verify(_token())
    assert principal.jurisdiction_id == "demo" and principal.has_role("admin")
    clock.advance(timedelta(minutes=6))
    with pytest.raises(Unauthorized):
        await verifier.verify(_token())
    clock.set(NOW - timedelta(minutes=1))
    with pytest.raises(Unauthorized):
        await verifier.verify(_token())  # not yet valid
    clock.set(NOW)
    other = Ed25519PrivateKey.generate()
    forged = jwt.encode({"sub": "s"}, other, algorithm="EdDSA", headers={"kid": "k1"})
    with pytest.raises(Unauthorized):
        await verifier.verify(forged)
    hs = jwt.encode({"sub": "s"}, "k" * 32, algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(Unauthorized):
        await verifier.verify(hs)  # algorithm not on the allowlist


def test_service_settings_database_defaults_to_service_name() -> None:
    assert ServiceSettings(service_name="permits").database_name() == "permits"
    assert ServiceSettings(service_name="permits", mongodb_database="x").database_name() == "x"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("12.50", "12.50"),
        (12.5, "12.5"),
        (7, "7"),
        ("NaN", None),
        (float("inf"), None),
        ("1e3", None),
        ("1_000", None),
        ("\u0661\u0662", None),
        ("0.001", None),
        ("-1", None),
        ("100000000", None),
        (True, None),
    ],
)
def test_decimal_input_is_plain_ascii_within_places_and_bounds(
    value: object, ok: str | None
) -> None:
    """Issue 12.8: Decimal() takes NaN, 1e3, 1_000 and other digits; amounts had
    more places than their currency."""
    from decimal import Decimal

    from chassis.numbers import parse_decimal

    if ok is None:
        with pytest.raises(ValueError):
            parse_decimal(value, places=2, maximum=Decimal("99999999.99"))
    else:
        assert parse_decimal(value, places=2, maximum=Decimal("99999999.99")) == Decimal(ok)


def test_currencies_without_two_minor_digits_are_refused() -> None:
    from pydantic import TypeAdapter, ValidationError

    from chassis.numbers import CurrencyCode

    adapter = TypeAdapter(CurrencyCode)
    assert adapter.validate_python("USD") == "USD"
    for code in ("JPY", "KWD", "usd", "US"):
        with pytest.raises(ValidationError):
            adapter.validate_python(code)
