"""Gateway settings (env prefix ``GATEWAY_``).

``GATEWAY_SERVICES`` maps service names to base URLs and ``GATEWAY_ROUTES``
maps path patterns (``*`` matches one segment, a trailing ``/**`` any rest)
to a service; the longest matching pattern wins.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from chassis.settings import Settings


class Route(BaseModel):
    pattern: str = Field(description="e.g. /v1/jurisdictions/*/enrollments")
    service: str
    auth: Literal["required", "optional"] = Field(
        default="optional",
        description="required: the gateway refuses calls without a valid token; optional: a "
        "token, if sent, must be valid. The owning service always checks access itself.",
    )
    token: Literal["access", "setup"] = Field(
        default="access",
        description="the kind of token the route takes: setup tokens (from a first login with a "
        "PIN, R-ID-2) are accepted only where a route says so",
    )
    basic: bool = Field(
        default=False,
        description="HTTP Basic credentials are passed on to the service (an API client's id "
        "and secret at the token endpoint, RFC 6749 §2.3.1); elsewhere only bearer tokens",
    )


def _identity(pattern: str, auth: Literal["required", "optional"] = "optional") -> Route:
    return Route(pattern=pattern, service="identity", auth=auth)


DEFAULT_ROUTES = [
    _identity("/.well-known/jwks.json"),
    _identity("/v1/auth/**"),
    Route(pattern="/v1/auth/token", service="identity", basic=True),
    _identity("/v1/me", "required"),
    _identity("/v1/me/**", "required"),
    Route(pattern="/v1/me/setup", service="identity", auth="required", token="setup"),
    _identity("/v1/enrollments/**"),
    _identity("/v1/invitations/**"),
    _identity("/v1/password-resets/**"),
    _identity("/v1/jurisdictions"),
    _identity("/v1/jurisdiction-directory"),
    _identity("/v1/jurisdictions/*"),
    _identity("/v1/jurisdictions/*/enrollments"),
    _identity("/v1/jurisdictions/*/password-resets"),
    _identity("/v1/jurisdictions/*/users", "required"),
    _identity("/v1/jurisdictions/*/users/**", "required"),
    _identity("/v1/jurisdictions/*/companies", "required"),
    _identity("/v1/jurisdictions/*/companies/**", "required"),
    _identity("/v1/jurisdictions/*/audit", "required"),
    _identity("/v1/jurisdictions/*/api-clients", "required"),
    _identity("/v1/jurisdictions/*/api-clients/**", "required"),
    _identity("/v1/jurisdictions/*/public-companies/*"),
    Route(pattern="/v1/jurisdictions/*/registration-settings", service="registration"),
    Route(pattern="/v1/jurisdictions/*/registrations", service="registration"),
    Route(pattern="/v1/jurisdictions/*/registrations/**", service="registration", auth="required"),
    Route(pattern="/v1/registrations/**", service="registration"),
    Route(pattern="/v1/jurisdictions/*/permit-types", service="permits"),
    Route(pattern="/v1/jurisdictions/*/permit-types/**", service="permits", auth="required"),
    Route(pattern="/v1/jurisdictions/*/permits", service="permits", auth="required"),
    Route(pattern="/v1/jurisdictions/*/permits/**", service="permits", auth="required"),
    Route(pattern="/v1/jurisdictions/*/permit-links", service="permits", auth="required"),
    Route(pattern="/v1/jurisdictions/*/permit-search", service="permits", auth="required"),
    Route(pattern="/v1/jurisdictions/*/permit-queues", service="permits", auth="required"),
    Route(pattern="/v1/jurisdictions/*/public-permits", service="permits"),
    Route(pattern="/v1/jurisdictions/*/public-permits/*", service="permits"),
    Route(pattern="/v1/jurisdictions/*/dashboard/permits", service="permits", auth="required"),
    Route(pattern="/v1/jurisdictions/*/payment-settings", service="payments"),
    Route(pattern="/v1/jurisdictions/*/cart", service="payments", auth="required"),
    Route(pattern="/v1/jurisdictions/*/cart/**", service="payments", auth="required"),
    Route(pattern="/v1/jurisdictions/*/checkout", service="payments", auth="required"),
    Route(pattern="/v1/jurisdictions/*/payments", service="payments", auth="required"),
    Route(pattern="/v1/jurisdictions/*/payments/**", service="payments", auth="required"),
    Route(pattern="/v1/jurisdictions/*/counter-payments", service="payments", auth="required"),
    Route(pattern="/v1/jurisdictions/*/staff/payments", service="payments", auth="required"),
    Route(pattern="/v1/jurisdictions/*/merchant-account", service="payments", auth="required"),
    Route(pattern="/v1/jurisdictions/*/inspection-settings", service="inspections"),
    Route(pattern="/v1/jurisdictions/*/inspection-dates", service="inspections", auth="required"),
    Route(pattern="/v1/jurisdictions/*/inspections", service="inspections", auth="required"),
    Route(pattern="/v1/jurisdictions/*/inspections/**", service="inspections", auth="required"),
    Route(pattern="/v1/jurisdictions/*/my-inspections", service="inspections", auth="required"),
    Route(pattern="/v1/jurisdictions/*/inspection-search", service="inspections", auth="required"),
    Route(pattern="/v1/jurisdictions/*/public-inspections", service="inspections"),
    # a jurisdiction's events for its other systems (issue 26)
    Route(pattern="/v1/jurisdictions/*/events", service="integrations", auth="required"),
    Route(pattern="/v1/jurisdictions/*/webhook-endpoints", service="integrations", auth="required"),
    Route(
        pattern="/v1/jurisdictions/*/webhook-endpoints/**", service="integrations", auth="required"
    ),
    Route(pattern="/v1/jurisdictions/*/open-data", service="integrations", auth="required"),
    # the published BLDS export: anyone, without a login (its admins before it is public)
    Route(pattern="/v1/jurisdictions/*/open-data/blds/*", service="integrations"),
    # the provider's signed webhook and the payer's return page carry no token
    Route(pattern="/v1/webhooks/payments/*", service="payments"),
    Route(pattern="/v1/webhooks/payments/*/*", service="payments"),
    Route(pattern="/v1/payments/return", service="payments"),
]


class RateLimit(BaseModel):
    name: str
    method: str = "POST"
    pattern: str
    limit: str = Field(description="per client address, e.g. 10/minute (the `limits` syntax)")
    basic: bool | None = Field(
        default=None,
        description="true: only requests with HTTP Basic credentials (an API client at the token "
        "endpoint); false: only requests without; none: every request",
    )


DEFAULT_RATE_LIMITS = [
    RateLimit(name="login", pattern="/v1/auth/token", limit="10/minute", basic=False),
    # API clients' tokens (id and secret as HTTP Basic): their secrets are 256
    # random bits, not guessable passwords; many systems may share one address
    RateLimit(name="client-token", pattern="/v1/auth/token", limit="60/minute", basic=True),
    RateLimit(name="enrollment", pattern="/v1/jurisdictions/*/enrollments", limit="5/minute"),
    RateLimit(
        name="password-reset", pattern="/v1/jurisdictions/*/password-resets", limit="5/minute"
    ),
    RateLimit(name="password-reset", pattern="/v1/password-resets/**", limit="10/minute"),
    RateLimit(name="registration", pattern="/v1/jurisdictions/*/registrations", limit="5/minute"),
    RateLimit(name="linking", pattern="/v1/jurisdictions/*/permit-links", limit="10/minute"),
    RateLimit(
        name="open-data",
        method="GET",
        pattern="/v1/jurisdictions/*/open-data/blds/*",
        limit="60/minute",
    ),
    RateLimit(
        name="public-search",
        method="GET",
        pattern="/v1/jurisdictions/*/public-permits",
        limit="30/minute",
    ),
    # a public permit page: the permit, its inspections, its contractors' names
    *(
        RateLimit(name="public-page", method="GET", pattern=pattern, limit="90/minute")
        for pattern in (
            "/v1/jurisdictions/*/public-permits/*",
            "/v1/jurisdictions/*/public-inspections",
            "/v1/jurisdictions/*/public-companies/*",
        )
    ),
]


class GatewaySettings(Settings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    service_name: str = "gateway"
    host: str = "127.0.0.1"
    port: int = 8000
    services: dict[str, str] = Field(
        default_factory=lambda: {"identity": "http://127.0.0.1:8101"},
        description='JSON object, e.g. {"identity": "http://identity:8101"}',
    )
    routes: list[Route] = Field(default_factory=lambda: list(DEFAULT_ROUTES))
    jwks_url: str = "http://127.0.0.1:8101/.well-known/jwks.json"
    jwt_issuer: str = "permitsuite-identity"
    jwt_audience: str = "permitsuite"
    jwks_cache_seconds: int = 300
    upstream_timeout_seconds: float = Field(default=10.0, gt=0)
    health_timeout_seconds: float = Field(default=2.0, gt=0)
    rate_limits: list[RateLimit] = Field(default_factory=lambda: list(DEFAULT_RATE_LIMITS))
    rate_limit_storage: str = Field(
        default="async+memory://",
        description="async+memory://: per gateway process; mongodb://…: shared by every "
        "gateway replica, in the database the suite already has (database permitsuite_gateway)",
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description='browser origins allowed, e.g. ["https://permits.example.gov"]',
    )
    dashboard_timeout_seconds: float = Field(
        default=2.0, gt=0, description="each dashboard section's budget; late ones are left out"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses of the load balancers in front of the gateway, whose "
        "X-Forwarded-For is believed for the client address (rate limits, identity's login "
        'throttling), e.g. ["10.0.0.5"]; empty: the peer is the client',
    )
    upstream_concurrency: int = Field(
        default=24, gt=0, description="requests in flight to one service at a time (its pool size)"
    )
    upstream_reserve: int = Field(
        default=4, ge=0, description="extra slots per service for logging in and health"
    )
    upstream_queue: int = Field(
        default=200, ge=0, description="requests that may wait for a service's slot; more are shed"
    )
    upstream_queue_seconds: float = Field(
        default=1.0, gt=0, description="how long a request waits for a slot before it is shed"
    )
    max_in_flight: int = Field(
        default=256, gt=0, description="requests the gateway takes at once; more are shed (503)"
    )
    in_flight_reserve: int = Field(
        default=32, ge=0, description="extra requests admitted for /health and logging in"
    )
    retry_after_seconds: int = Field(default=2, gt=0, description="Retry-After on a shed request")
    stall_seconds: float = Field(
        default=30.0,
        gt=0,
        description="a service with calls in flight and none finished for this long fails "
        "/health/live (the supervisor restarts the gateway)",
    )
    proxy_secret: SecretStr | None = Field(
        default=None,
        description="a secret the portal sends with each request "
        "(X-Permitsuite-Proxy-Secret); only then is its X-Forwarded-For believed — a "
        "trusted address alone would trust every local client",
    )
    max_body_bytes: int = Field(default=10 * 1_048_576, gt=0)
    dev_mailbox_url: str | None = Field(
        default=None, description="Embedded mode only: the mail sink whose messages /dev/mail lists"
    )
    log_level: str = "INFO"
    log_json: bool = True
