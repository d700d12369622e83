"""Match a request path against the route table (pure, unit-tested)."""

from __future__ import annotations

from gateway.settings import Route


def _matches(pattern: list[str], path: list[str]) -> bool:
    if pattern and pattern[-1] == "**":
        head = pattern[:-1]
        return len(path) > len(head) and _matches(head, path[: len(head)])
    if len(pattern) != len(path):
        return False
    return all(p == "*" or p == s for p, s in zip(pattern, path, strict=True))


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
