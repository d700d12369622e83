"""Match a request path against the route table (pure, unit-tested)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from chassis.errors import PROBLEM_JSON, Problem
from contracts.scopes import OPEN, PEOPLE, SCOPES, scope_for
from gateway.settings import RateLimit, Route


def _matches(pattern: list[str], path: list[str]) -> bool:
    if pattern and pattern[-1] == "**":
        head = pattern[:-1]
        return len(path) > len(head) and _matches(head, path[: len(head)])
    if len(pattern) != len(path):
        return False
    return all(p == "*" or p == s for p, s in zip(pattern, path, strict=True))


def path_matches(pattern: str, path: str) -> bool:
    """``*`` matches one segment, a trailing ``/**`` one or more."""
    return _matches(pattern.strip("/").split("/"), path.strip("/").split("/"))


def _specificity(route: Route) -> tuple[int, int]:
    parts = route.pattern.strip("/").split("/")
    literal = sum(1 for p in parts if p not in ("*", "**"))
    return (len(parts) - (1 if parts[-1] == "**" else 0), literal)


def match_route(routes: list[Route], path: str) -> Route | None:
    """The most specific route for ``path``: longest, then most literal segments."""
    segments = path.strip("/").split("/")
    candidates = [r for r in routes if _matches(r.pattern.strip("/").split("/"), segments)]
    if not candidates:
        return None
    return max(candidates, key=_specificity)


BEARER = "bearerAuth"
CLIENTS = "apiClient"
METHODS = ("get", "put", "post", "delete", "patch")


def merge_openapi(
    own: dict[str, Any],
    services: dict[str, dict[str, Any]],
    routes: list[Route],
    rate_limits: list[RateLimit] | None = None,
) -> dict[str, Any]:
    """The gateway's OpenAPI document plus every service path the gateway routes.

    A service path is included only if the route table sends it to that
    service; component schemas are merged (the first definition of a name
    wins). Every operation documents what the gateway itself may answer: 422
    as problem+json, 400/503/504 on forwarded routes (a path it cannot
    forward, a service down or slow), 429 where a rate limit applies.
    """
    merged = {**own, "paths": dict(own.get("paths", {}))}
    components: dict[str, Any] = {k: dict(v) for k, v in own.get("components", {}).items()}
    for name, original in services.items():
        doc = _without_collisions(name, original, components)
        for path, item in doc.get("paths", {}).items():
            route = match_route(routes, path.replace("{", "").replace("}", ""))
            if route is not None and route.service == name:
                merged["paths"][path] = item
        for kind, entries in doc.get("components", {}).items():
            bucket = components.setdefault(kind, {})
            for key, value in entries.items():
                bucket.setdefault(key, value)
    schemes = components.setdefault("securitySchemes", {})
    schemes[BEARER] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "an access token from POST /v1/auth/token",
    }
    schemes[CLIENTS] = {
        "type": "oauth2",
        "description": "an API client of one jurisdiction (another system), with the scopes "
        "each operation names; a person's token keeps the rules of their roles",
        "flows": {"clientCredentials": {"tokenUrl": "/v1/auth/token", "scopes": dict(SCOPES)}},
    }
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("Problem", Problem.model_json_schema(ref_template=REF))
    for path, item in merged["paths"].items():
        route = match_route(routes, path.replace("{", "").replace("}", ""))
        for method, operation in item.items():
            if method in METHODS and isinstance(operation, dict):
                _gateway_answers(path, method, operation, route, rate_limits or [])
    merged["components"] = components
    return merged


def _gateway_answers(
    path: str, method: str, operation: dict[str, Any], route: Route | None, limits: list[RateLimit]
) -> None:
    """Document on ``operation`` what the gateway itself may answer."""
    codes = {"422"}
    if route is not None:
        operation["security"] = _security(path, method, route)
        codes |= {"400", "401", "503", "504"}
    if any(r.method.lower() == method and path_matches(r.pattern, path) for r in limits):
        codes.add("429")
    responses = operation.setdefault("responses", {})
    for code in codes:
        responses[code] = _problem_response(code)


def _security(path: str, method: str, route: Route) -> list[dict[str, list[str]]]:
    """A person's bearer token; where a scope opens it, an API client's with
    that scope (``contracts.scopes``); no token at all where it is optional."""
    security: list[dict[str, list[str]]] = [{BEARER: []}]
    scope = scope_for(method, path)
    if scope not in (OPEN, PEOPLE):
        security.append({CLIENTS: [scope]})
    return security if route.auth == "required" else [*security, {}]


REF = "#/components/schemas/{model}"


def _without_collisions(
    service: str, doc: dict[str, Any], merged: dict[str, Any]
) -> dict[str, Any]:
    """``doc`` with each schema whose name another service already uses for a
    different schema renamed ``<Service><Name>`` (and every ``$ref`` to it), so
    that no operation is documented with another service's model."""
    taken = merged.get("schemas", {})
    ours = doc.get("components", {}).get("schemas", {})
    renames = {
        key: f"{service.title()}{key}"
        for key, value in ours.items()
        if key in taken and taken[key] != value
    }
    if not renames:
        return doc
    refs = {REF.format(model=old): REF.format(model=new) for old, new in renames.items()}

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: refs.get(v, v) if k == "$ref" and isinstance(v, str) else rewrite(v)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    rewritten: dict[str, Any] = rewrite(doc)
    schemas = rewritten["components"]["schemas"]
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
    return rewritten


def _problem_response(code: str) -> dict[str, Any]:
    return {
        "description": HTTPStatus(int(code)).phrase,
        "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model="Problem")}}},
    }
