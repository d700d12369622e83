"""What the cross-service tests share: the gateway's merged API document
(every service's public routes, as the gateway serves it at /openapi.json)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from gateway.app import create_app as gateway_app
from gateway.routing import merge_openapi
from gateway.settings import DEFAULT_RATE_LIMITS, DEFAULT_ROUTES, GatewaySettings

COMMON = {"mongodb_url": "mongodb://127.0.0.1:1/?directConnection=true", "log_json": False}


def _service_apps() -> dict[str, FastAPI]:
    """Each service's app as built in production (nothing connects until startup)."""
    from identity.adapters.jwt_keys import generate_private_key_pem
    from identity.bootstrap import create_app as identity_app
    from identity.settings import IdentitySettings
    from inspections.bootstrap import create_app as inspections_app
    from inspections.settings import InspectionsSettings
    from integrations.bootstrap import create_app as integrations_app
    from integrations.settings import IntegrationsSettings
    from notifications.bootstrap import create_app as notifications_app
    from notifications.settings import NotificationsSettings
    from payments.bootstrap import create_app as payments_app
    from payments.settings import PaymentsSettings
    from permits.bootstrap import create_app as permits_app
    from permits.settings import PermitsSettings
    from registration.bootstrap import create_app as registration_app
    from registration.settings import RegistrationSettings

    return {
        "identity": identity_app(
            IdentitySettings(signing_key=generate_private_key_pem(), **COMMON)  # type: ignore[arg-type]
        ),
        "registration": registration_app(RegistrationSettings(**COMMON)),  # type: ignore[arg-type]
        "permits": permits_app(PermitsSettings(**COMMON)),  # type: ignore[arg-type]
        "payments": payments_app(
            PaymentsSettings(provider_api_key="k-api-doc", webhook_secret="s-api-doc", **COMMON)  # type: ignore[arg-type]
        ),
        "inspections": inspections_app(InspectionsSettings(**COMMON)),  # type: ignore[arg-type]
        "notifications": notifications_app(NotificationsSettings(**COMMON)),  # type: ignore[arg-type]
        "integrations": integrations_app(IntegrationsSettings(**COMMON)),  # type: ignore[arg-type]
    }


@pytest.fixture(scope="session")
def merged() -> dict[str, Any]:
    gw = gateway_app(GatewaySettings(log_json=False))
    own = get_openapi(title=gw.title, version=gw.version, routes=gw.routes)
    docs = {name: app.openapi() for name, app in _service_apps().items()}
    return merge_openapi(own, docs, DEFAULT_ROUTES, DEFAULT_RATE_LIMITS)
