"""One API document (issue 8): the gateway's merged OpenAPI of every service's
public routes is a valid OpenAPI document, every operation has a response
model and problem+json errors, routes behind a token declare the bearer
scheme, and the route table points at nothing that does not exist."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from gateway.routing import match_route, path_matches
from gateway.settings import DEFAULT_RATE_LIMITS, DEFAULT_ROUTES


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete", "patch")
    ]


def test_the_merged_document_is_valid_openapi(merged: dict[str, Any]) -> None:
    validate(merged)
    paths = set(merged["paths"])
    for expected in (
        "/v1/me/dashboard",
        "/v1/staff/queues",
        "/v1/auth/token",
        "/v1/jurisdictions/{jurisdiction_id}/checkout",
        "/v1/jurisdictions/{jurisdiction_id}/inspections",
        "/v1/jurisdictions/{jurisdiction_id}/events",
        "/v1/jurisdictions/{jurisdiction_id}/permits",
        "/v1/jurisdictions/{jurisdiction_id}/registrations",
    ):
        assert expected in paths, expected


def test_every_operation_has_a_response_model_and_problem_errors(merged: dict[str, Any]) -> None:
    missing_model, missing_problem = [], []
    for path, method, op in _operations(merged):
        if path.startswith("/health"):
            continue
        ok = {code: r for code, r in op["responses"].items() if code.startswith(("2", "3"))}
        typed = any(
            code in ("204", "303")
            or any(media.get("schema") for media in (r.get("content") or {}).values())
            for code, r in ok.items()
        )
        if not typed:
            missing_model.append(f"{method.upper()} {path}")
        if path == "/.well-known/jwks.json":
            continue  # a static public document: it has no error of its own
        errors = [r for code, r in op["responses"].items() if code.startswith("4")]
        if not any("application/problem+json" in (r.get("content") or {}) for r in errors):
            missing_problem.append(f"{method.upper()} {path}")
    assert missing_model == [], missing_model
    assert missing_problem == [], missing_problem


def test_token_routes_declare_the_bearer_scheme(merged: dict[str, Any]) -> None:
    assert merged["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, method, op in _operations(merged):
        route = match_route(DEFAULT_ROUTES, path.replace("{", "").replace("}", ""))
        if route is not None and route.auth == "required":
            assert op["security"] == [{"bearerAuth": []}], f"{method} {path}"


def test_every_route_in_the_table_has_an_operation(merged: dict[str, Any]) -> None:
    concrete = [p.replace("{", "").replace("}", "") for p in merged["paths"]]
    unused = [
        r.pattern
        for r in DEFAULT_ROUTES
        if not any(match_route([r], path) is not None for path in concrete)
    ]
    assert unused == []


def test_what_the_gateway_itself_answers_is_documented(merged: dict[str, Any]) -> None:
    """Issue 12.15 (found by schemathesis' status-code and content-type checks):
    422 is problem+json on every operation; 429 on every rate-limited one; a
    forwarded operation may also get the gateway's 400, 503 and 504."""
    limited = {(r.method.lower(), r.pattern) for r in DEFAULT_RATE_LIMITS}
    for path, method, op in _operations(merged):
        codes = op["responses"]
        assert "application/problem+json" in codes["422"]["content"], f"{method} {path}"
        assert "application/json" not in codes["422"]["content"], f"{method} {path}"
        if any(m == method and path_matches(p, path) for m, p in limited):
            assert "429" in codes, f"{method} {path}"
        if match_route(DEFAULT_ROUTES, path.replace("{", "").replace("}", "")) is not None:
            assert {"400", "503", "504"} <= set(codes), f"{method} {path}"
    login = merged["paths"]["/v1/auth/token"]["post"]["responses"]
    assert "429" in login
