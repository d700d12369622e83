"""One API document (issue 8): the gateway's merged OpenAPI of every service's
public routes is a valid OpenAPI document, every operation has a response
model and problem+json errors, routes behind a token declare the bearer
scheme, and the route table points at nothing that does not exist."""

from __future__ import annotations

from typing import Any, get_args

from openapi_spec_validator import validate

from contracts.scopes import (
    CLIENT_ROUTES,
    OPEN,
    OPEN_ROUTES,
    PEOPLE,
    PEOPLE_ROUTES,
    ROUTE_SCOPES,
    SCOPES,
    Scope,
    route_key,
)
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
            assert op["security"][0] == {"bearerAuth": []}, f"{method} {path}"
            assert {} not in op["security"], f"{method} {path}"


def test_every_route_declares_what_an_api_client_needs_for_it(merged: dict[str, Any]) -> None:
    """Issue 26: each operation of the API is in exactly one list of
    ``contracts.scopes`` (a scope, open, or people only), no list names a
    route that does not exist, and the document says which scope opens each."""
    operations = {route_key(method, path): op for path, method, op in _operations(merged)}
    listed = [r for routes in CLIENT_ROUTES.values() for r in routes]
    listed += [*OPEN_ROUTES, *PEOPLE_ROUTES]
    assert sorted(set(operations) - set(listed)) == []
    assert sorted(set(listed) - set(operations)) == []
    assert len(listed) == len(set(listed)), "a route in two lists"
    flows = merged["components"]["securitySchemes"]["apiClient"]["flows"]
    assert flows["clientCredentials"]["scopes"] == SCOPES
    for key, op in operations.items():
        scope = ROUTE_SCOPES[key]
        granted = [s["apiClient"] for s in op.get("security", []) if "apiClient" in s]
        assert granted == ([] if scope in (OPEN, PEOPLE) else [[scope]]), key


def test_the_scope_names_are_the_scope_type() -> None:
    assert list(SCOPES) == list(get_args(Scope))
    assert set(CLIENT_ROUTES) == set(SCOPES)


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
