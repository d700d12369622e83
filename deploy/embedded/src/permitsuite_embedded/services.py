"""The suite's services as the launcher runs them: module, port, environment."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devstack.processes import EMBEDDED_FETCH_MAX_WAIT_MS, ManagedProcess, mongo_url

from permitsuite_embedded.balancer import Route
from permitsuite_embedded.supervision import Backoff


@dataclass
class Service:
    name: str
    module: str
    port: int
    env: dict[str, str]
    process: ManagedProcess | None = None
    backoff: Backoff = field(default_factory=Backoff)
    role: str = "all"

    def replica(self, number: int, port: int, role: str | None = None) -> Service:
        """Replica ``number`` of this service on ``port``; ``role`` api or worker
        for the domain services (the chassis' ``ROLE``), None for the gateway
        and the portal, which have no workers."""
        prefix = self.module.upper() + "_"
        env = {**self.env, f"{prefix}PORT": str(port)}
        if role is not None:
            env[f"{prefix}ROLE"] = role
        name = f"{self.name}-{role}-{number}" if role else f"{self.name}-{number}"
        return Service(name, self.module, port, env, role=role or self.role)


FRONT = ("gateway", "portal")
SINGLE = ("sandboxpay",)  # a stand-in for the payment provider, not part of the suite


def replicated(
    services: list[Service], replicas: int, new_port: Callable[[], int]
) -> tuple[list[Service], list[Route]]:
    """With ``replicas`` > 1: that many API and worker processes of each domain
    service and that many gateways and portals, each set behind its public port
    (the routes of the balancer). With 1: the services as they are, no routes."""
    if replicas <= 1:
        return services, []
    taken = {s.port for s in services}

    def distinct() -> int:
        """A free port no other process of the suite has: the OS may hand a
        just-released port out again, and a second process on one port fails
        to bind while the first answers its readiness check for it."""
        port = new_port()
        while port in taken:
            port = new_port()
        taken.add(port)
        return port

    processes: list[Service] = []
    routes: list[Route] = []
    for service in services:
        if service.module in SINGLE:
            processes.append(service)
            continue
        roles: tuple[str | None, ...] = (None,) if service.module in FRONT else ("api", "worker")
        for role in roles:
            copies = [service.replica(n, distinct(), role) for n in range(1, replicas + 1)]
            processes += copies
            if role != "worker":  # workers take no traffic: their port is health and metrics
                routes.append(Route(service.port, [c.port for c in copies]))
    return processes, routes


def definitions(
    a: argparse.Namespace, keys: dict[str, Any], bootstrap: str, url: Callable[[int], str]
) -> list[Service]:
    """Every service's environment: the shared infrastructure, its port, its secrets."""
    common = {
        "MONGODB_URL": mongo_url(a.host, a.mongo_port),
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "KAFKA_IDEMPOTENT_PRODUCER": "false",  # Tansu rejects InitProducerId
        "KAFKA_FETCH_MAX_WAIT_MS": str(EMBEDDED_FETCH_MAX_WAIT_MS),
        # at rest, fetch slowly: the embedded broker answers a fetch only when its
        # wait ends, so quick fetches cost it CPU all the time (chassis.pacing)
        "KAFKA_FETCH_IDLE_WAIT_MS": "500",
        # each check reads the last published records back; a lost broker is
        # still noticed within 15 s (the launcher restarts it within seconds)
        "OUTBOX_BROKER_CHECK_SECONDS": "15",
        "HOST": a.host,
    }
    jwks = f"{url(a.identity_port)}/.well-known/jwks.json"
    return [
        Service(
            "identity",
            "identity",
            a.identity_port,
            {
                **{f"IDENTITY_{k}": v for k, v in common.items()},
                "IDENTITY_PORT": str(a.identity_port),
                "IDENTITY_SIGNING_KEY": keys["identity_signing_key"],
                "IDENTITY_INTERNAL_TOKEN": keys["internal_token"],
            },
        ),
        Service(
            "notifications",
            "notifications",
            a.notifications_port,
            {
                **{f"NOTIFICATIONS_{k}": v for k, v in common.items()},
                "NOTIFICATIONS_PORT": str(a.notifications_port),
                "NOTIFICATIONS_JWKS_URL": jwks,
                "NOTIFICATIONS_SMTP_HOST": a.host,
                "NOTIFICATIONS_SMTP_PORT": str(a.smtp_port),
                "NOTIFICATIONS_PUBLIC_BASE_URL": url(a.portal_port),
            },
        ),
        Service(
            "registration",
            "registration",
            a.registration_port,
            {
                **{f"REGISTRATION_{k}": v for k, v in common.items()},
                "REGISTRATION_PORT": str(a.registration_port),
                "REGISTRATION_JWKS_URL": jwks,
                "REGISTRATION_IDENTITY_URL": url(a.identity_port),
                "REGISTRATION_INTERNAL_TOKEN": keys["internal_token"],
            },
        ),
        Service(
            "permits",
            "permits",
            a.permits_port,
            {
                **{f"PERMITS_{k}": v for k, v in common.items()},
                "PERMITS_PORT": str(a.permits_port),
                "PERMITS_JWKS_URL": jwks,
            },
        ),
        Service(
            "payments",
            "payments",
            a.payments_port,
            {
                **{f"PAYMENTS_{k}": v for k, v in common.items()},
                "PAYMENTS_PORT": str(a.payments_port),
                "PAYMENTS_JWKS_URL": jwks,
                "PAYMENTS_PROVIDER": "sandbox",
                "PAYMENTS_SANDBOX_URL": url(a.sandbox_port),
                "PAYMENTS_PROVIDER_API_KEY": keys["sandbox_api_key"],
                "PAYMENTS_WEBHOOK_SECRET": keys["webhook_secret"],
                "PAYMENTS_ACCOUNTS_KEY": keys["accounts_key"],
                "PAYMENTS_RETURN_URL": f"{url(a.portal_port)}/payments/return",
            },
        ),
        Service(
            "inspections",
            "inspections",
            a.inspections_port,
            {
                **{f"INSPECTIONS_{k}": v for k, v in common.items()},
                "INSPECTIONS_PORT": str(a.inspections_port),
                "INSPECTIONS_JWKS_URL": jwks,
            },
        ),
        Service(
            "integrations",
            "integrations",
            a.integrations_port,
            {
                **{f"INTEGRATIONS_{k}": v for k, v in common.items()},
                "INTEGRATIONS_PORT": str(a.integrations_port),
                "INTEGRATIONS_JWKS_URL": jwks,
                "INTEGRATIONS_SECRETS_KEY": keys["webhook_secrets_key"],
            },
        ),
        Service(
            "sandboxpay",
            "sandboxpay",
            a.sandbox_port,
            {
                "SANDBOXPAY_HOST": a.host,
                "SANDBOXPAY_PORT": str(a.sandbox_port),
                "SANDBOXPAY_MONGODB_URL": mongo_url(a.host, a.mongo_port),
                "SANDBOXPAY_DATABASE": "sandboxpay",
                "SANDBOXPAY_API_KEY": keys["sandbox_api_key"],
                "SANDBOXPAY_WEBHOOK_SECRET": keys["webhook_secret"],
                # like a real provider, it calls the public webhook route
                "SANDBOXPAY_WEBHOOK_URL": (f"{url(a.gateway_port)}/v1/webhooks/payments/sandbox"),
            },
        ),
        Service(
            "gateway",
            "gateway",
            a.gateway_port,
            {
                "GATEWAY_HOST": a.host,
                "GATEWAY_PORT": str(a.gateway_port),
                "GATEWAY_SERVICES": json.dumps(
                    {
                        "identity": url(a.identity_port),
                        "notifications": url(a.notifications_port),
                        "registration": url(a.registration_port),
                        "permits": url(a.permits_port),
                        "payments": url(a.payments_port),
                        "inspections": url(a.inspections_port),
                        "integrations": url(a.integrations_port),
                    }
                ),
                "GATEWAY_JWKS_URL": jwks,
                "GATEWAY_DEV_MAILBOX_URL": url(a.mail_http_port),
                # the portal forwards each browser's address (X-Forwarded-For) and
                # proves its hop with this secret; no local address is trusted as such
                "GATEWAY_PROXY_SECRET": keys["proxy_secret"],
                # replicas count every request against one limit, kept in the database
                **(
                    {"GATEWAY_RATE_LIMIT_STORAGE": mongo_url(a.host, a.mongo_port)}
                    if a.replicas > 1
                    else {}
                ),
            },
        ),
        Service(
            "portal",
            "portal",
            a.portal_port,
            {
                "PORTAL_HOST": a.host,
                "PORTAL_PORT": str(a.portal_port),
                "PORTAL_GATEWAY_URL": url(a.gateway_port),
                "PORTAL_PUBLIC_BASE_URL": url(a.portal_port),
                "PORTAL_MONGODB_URL": mongo_url(a.host, a.mongo_port),
                "PORTAL_SESSION_SECRET": keys["portal_secret"],
                "PORTAL_GATEWAY_PROXY_SECRET": keys["proxy_secret"],
                "PORTAL_PAYMENT_ORIGINS": json.dumps([url(a.sandbox_port)]),
            },
        ),
    ]
