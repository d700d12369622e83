"""Match a request path against the route table (pure, unit-tested)."""

from __future__ import annotations

from typing import Any

from gateway.settings import Route


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
METHODS = ("get", "put", "post", "delete", "patch")


def merge_openapi(
    own: dict[str, Any], services: dict[str, dict[str, Any]], routes: list[Route]
) -> dict[str, Any]:
    """The gateway's OpenAPI document plus every service path the gateway routes.

    A service path is included only if the route table sends it to that
    service; component schemas are merged (the first definition of a name wins).
    """
    merged = {**own, "paths": dict(own.get("paths", {}))}
    components: dict[str, Any] = {k: dict(v) for k, v in own.get("components", {}).items()}
    for name, doc in services.items():
        for path, item in doc.get("paths", {}).items():
            route = match_route(routes, path.replace("{", "").replace("}", ""))
            if route is not None and route.service == name:
                merged["paths"][path] = item
        for kind, entries in doc.get("components", {}).items():
            bucket = components.setdefault(kind, {})
            for key, value in entries.items():
                bucket.setdefault(key, value)
    components.setdefault("securitySchemes", {})[BEARER] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "an access token from POST /v1/auth/token",
    }
    for path, item in merged["paths"].items():
        route = match_route(routes, path.replace("{", "").replace("}", ""))
        for method, operation in item.items():
            if method not in METHODS or not isinstance(operation, dict) or route is None:
                continue
            operation["security"] = (
                [{BEARER: []}] if route.auth == "required" else [{BEARER: []}, {}]
            )
    merged["components"] = components
    return merged
