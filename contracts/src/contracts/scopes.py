"""What an API client may call (issue 26): every route of the public API,
with the scope a client's token needs for it.

A jurisdiction's admin creates API clients for its other systems (a GIS, a
finance ledger, a reporting feed) with named scopes; a client's access token
carries them (``scope``, RFC 9068). Every route of the merged API document is
in exactly one of three lists:

- :data:`CLIENT_ROUTES`: a client may call it with the scope named;
- :data:`OPEN_ROUTES`: no token is needed, so no scope either (a client's
  token, if sent, is accepted like any other);
- :data:`PEOPLE_ROUTES`: a person's token only (their cart, their profile,
  staff decisions, setup); a client's token is refused with 403.

A person's token keeps its rules: scopes apply to clients only, and inside a
route a client acts as staff of its own jurisdiction (another jurisdiction's
objects are 404 to it, as to anyone). A route in no list is a person's only
(refusing is the safe default); a test checks every route is listed.
"""

from __future__ import annotations

import re
from typing import Final, Literal

J = "/v1/jurisdictions/{jurisdiction_id}"
Scope = Literal[
    "events:read",
    "webhooks:manage",
    "permits:read",
    "registrations:read",
    "payments:read",
    "inspections:read",
    "inspections:result",
]

SCOPES: Final[dict[Scope, str]] = {  # the same names as Scope, each described
    "events:read": "read the jurisdiction's event feed",
    "webhooks:manage": "manage webhook endpoints, their secrets, deliveries and redeliveries",
    "permits:read": "read permits, their documents, searches and queues",
    "registrations:read": "read contractor registrations and their documents",
    "payments:read": "read payments, receipts and the payment search",
    "inspections:read": "read inspections, searches and the open inspection dates",
    "inspections:result": "record an inspection's result (pass, fail, partial)",
}

CLIENT_ROUTES: Final[dict[Scope, tuple[str, ...]]] = {
    "events:read": (f"GET {J}/events",),
    "webhooks:manage": (
        f"POST {J}/webhook-endpoints",
        f"GET {J}/webhook-endpoints",
        f"GET {J}/webhook-endpoints/{{endpoint_id}}",
        f"PATCH {J}/webhook-endpoints/{{endpoint_id}}",
        f"DELETE {J}/webhook-endpoints/{{endpoint_id}}",
        f"POST {J}/webhook-endpoints/{{endpoint_id}}/secret",
        f"POST {J}/webhook-endpoints/{{endpoint_id}}/redeliveries",
        f"GET {J}/webhook-endpoints/{{endpoint_id}}/deliveries",
        f"POST {J}/webhook-endpoints/{{endpoint_id}}/ping",
    ),
    "permits:read": (
        f"GET {J}/permits",
        f"GET {J}/permits/{{permit_id}}",
        f"GET {J}/permits/{{permit_id}}/documents/{{file_id}}",
        f"GET {J}/permit-search",
        f"GET {J}/permit-queues",
    ),
    "registrations:read": (
        f"GET {J}/registrations",
        f"GET {J}/registrations/{{registration_id}}",
        f"GET {J}/registrations/{{registration_id}}/documents/{{file_id}}",
    ),
    "payments:read": (
        f"GET {J}/payments/{{payment_id}}",
        f"GET {J}/payments/{{payment_id}}/receipt",
        f"GET {J}/staff/payments",
    ),
    "inspections:read": (
        f"GET {J}/inspections",
        f"GET {J}/inspections/{{inspection_id}}",
        f"GET {J}/inspection-search",
        f"GET {J}/inspection-dates",
    ),
    "inspections:result": (f"POST {J}/inspections/{{inspection_id}}/result",),
}

OPEN_ROUTES: Final[tuple[str, ...]] = (
    "GET /health",
    "GET /health/live",
    "GET /dev/mail",
    "GET /dev/webhooks",
    "GET /.well-known/jwks.json",
    "POST /v1/auth/token",
    "POST /v1/auth/logout",
    "GET /v1/auth/client",
    f"POST {J}/enrollments",
    "GET /v1/enrollments/{token}",
    "POST /v1/enrollments/{token}",
    "GET /v1/invitations/{token}",
    "POST /v1/invitations/{token}",
    f"POST {J}/password-resets",
    "GET /v1/password-resets/{token}",
    "POST /v1/password-resets/{token}",
    "GET /v1/jurisdiction-directory",
    f"GET {J}",
    f"GET {J}/public-companies/{{company_id}}",
    f"GET {J}/registration-settings",
    f"POST {J}/registrations",
    "GET /v1/registrations/confirm/{token}",
    "POST /v1/registrations/confirm/{token}",
    "GET /v1/registrations/resume/{token}",
    "POST /v1/registrations/resume/{token}",
    "GET /v1/registrations/{registration_id}",
    "PATCH /v1/registrations/{registration_id}",
    "PUT /v1/registrations/{registration_id}/requirements/{requirement_id}",
    "PUT /v1/registrations/{registration_id}/requirements/{requirement_id}/document",
    "POST /v1/registrations/{registration_id}/submit",
    "POST /v1/registrations/{registration_id}/resubmit",
    "GET /v1/registrations/{registration_id}/documents/{file_id}",
    f"GET {J}/permit-types",
    f"GET {J}/public-permits",
    f"GET {J}/public-permits/{{number}}",
    f"GET {J}/payment-settings",
    "POST /v1/webhooks/payments/{provider}",
    "POST /v1/webhooks/payments/{provider}/{jurisdiction_id}",
    "GET /v1/payments/return",
    f"GET {J}/inspection-settings",
    f"GET {J}/public-inspections",
    f"GET {J}/open-data/blds/{{kind}}.csv",
    f"GET {J}/open-data/blds/{{kind}}",
)

PEOPLE_ROUTES: Final[tuple[str, ...]] = (
    # a person's own account and session
    "GET /v1/me",
    "PATCH /v1/me",
    "GET /v1/me/memberships",
    "POST /v1/me/password",
    "PUT /v1/me/security-question",
    "POST /v1/me/setup",
    "GET /v1/me/dashboard",
    "GET /v1/staff/queues",
    # operators and a jurisdiction's admins: people, and the people they manage
    "GET /v1/jurisdictions",
    "POST /v1/jurisdictions",
    f"PATCH {J}",
    f"POST {J}/users",
    f"GET {J}/users",
    f"GET {J}/users/{{membership_id}}",
    f"PATCH {J}/users/{{membership_id}}",
    f"GET {J}/audit",
    f"POST {J}/api-clients",
    f"GET {J}/api-clients",
    f"GET {J}/api-clients/{{client_id}}",
    f"PATCH {J}/api-clients/{{client_id}}",
    f"DELETE {J}/api-clients/{{client_id}}",
    f"POST {J}/api-clients/{{client_id}}/secret",
    f"POST {J}/companies",
    f"GET {J}/companies",
    f"GET {J}/companies/{{company_id}}",
    f"PATCH {J}/companies/{{company_id}}",
    f"GET {J}/companies/{{company_id}}/users",
    f"POST {J}/companies/{{company_id}}/users",
    f"DELETE {J}/companies/{{company_id}}/users/{{account_id}}",
    # staff decisions and settings
    f"PUT {J}/registration-settings",
    f"PUT {J}/registrations/{{registration_id}}/requirements/{{requirement_id}}/review",
    f"POST {J}/registrations/{{registration_id}}/decision",
    f"PUT {J}/permit-types/{{code}}",
    f"POST {J}/permits",
    f"POST {J}/permits/{{permit_id}}/transitions",
    f"PATCH {J}/permits/{{permit_id}}/parties",
    f"POST {J}/permits/{{permit_id}}/comments",
    f"POST {J}/permit-links",
    f"DELETE {J}/permits/{{permit_id}}/link",
    f"POST {J}/permits/{{permit_id}}/fees",
    f"POST {J}/permits/{{permit_id}}/fee-quote",
    f"POST {J}/permits/{{permit_id}}/fees/{{line_id}}/void",
    f"GET {J}/dashboard/permits",
    f"POST {J}/permits/{{permit_id}}/documents",
    f"PUT {J}/payment-settings",
    f"POST {J}/cart/items",
    f"POST {J}/cart/permits",
    f"DELETE {J}/cart/items/{{permit_id}}",
    f"GET {J}/cart",
    f"POST {J}/checkout",
    f"GET {J}/payments",
    f"POST {J}/payments/{{payment_id}}/cancel",
    f"POST {J}/payments/{{payment_id}}/refunds",
    f"POST {J}/counter-payments",
    f"PUT {J}/merchant-account",
    f"GET {J}/merchant-account",
    f"DELETE {J}/merchant-account",
    f"PUT {J}/inspection-settings",
    f"POST {J}/inspections",
    f"POST {J}/inspections/{{inspection_id}}/cancel",
    f"POST {J}/inspections/{{inspection_id}}/reschedule",
    f"GET {J}/my-inspections",
    f"GET {J}/open-data",
    f"PUT {J}/open-data",
)

PEOPLE: Final = "people"
OPEN: Final = "open"
ROUTE_SCOPES: Final[dict[str, str]] = {
    route: str(scope) for scope, routes in CLIENT_ROUTES.items() for route in routes
}
ROUTE_SCOPES.update(dict.fromkeys(OPEN_ROUTES, OPEN))
ROUTE_SCOPES.update(dict.fromkeys(PEOPLE_ROUTES, PEOPLE))


def route_key(method: str, path: str) -> str:
    """``GET /v1/…/{permit_id}``: a route as the table names it (HEAD is GET)."""
    return f"{'GET' if method.upper() == 'HEAD' else method.upper()} {path}"


def scope_for(method: str, path: str) -> str:
    """The scope a client needs for a route (its template, not a concrete
    path), :data:`OPEN`, or :data:`PEOPLE` — also for a route not listed."""
    return ROUTE_SCOPES.get(route_key(method, path), PEOPLE)


def _compiled() -> dict[str, list[tuple[int, re.Pattern[str], str]]]:
    """Per method, each template as a pattern (a parameter is one segment),
    the most literal first."""
    by_method: dict[str, list[tuple[int, re.Pattern[str], str]]] = {}
    for key, scope in ROUTE_SCOPES.items():
        method, template = key.split(" ", 1)
        parts = re.split(r"(\{[^}]+\})", template)
        pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        literal = sum(1 for seg in template.split("/") if "{" not in seg)
        by_method.setdefault(method, []).append((literal, re.compile(pattern + "$"), scope))
    for patterns in by_method.values():
        patterns.sort(key=lambda t: -t[0])
    return by_method


_PATTERNS: Final = _compiled()


def scope_for_request(method: str, path: str) -> str:
    """:func:`scope_for` of a concrete path (``/v1/jurisdictions/demo/events``):
    the most literal template it matches, or :data:`PEOPLE`."""
    method = "GET" if method.upper() == "HEAD" else method.upper()
    for _, pattern, scope in _PATTERNS.get(method, []):
        if pattern.match(path):
            return scope
    return PEOPLE
