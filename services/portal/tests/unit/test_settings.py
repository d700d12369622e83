"""The portal's production profile (issue 25): sessions in a TLS replica set,
Secure cookies, and the gateway's proxy secret, checked at start."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from portal.settings import PortalSettings

SECRET = SecretStr("a-long-random-session-secret")


def test_the_portal_refuses_to_start_for_production_without_what_it_needs() -> None:
    with pytest.raises(ValidationError) as refused:
        PortalSettings(deployment="production", session_secret=SECRET)
    message = str(refused.value)
    for named in ("MONGODB_URL", "PORTAL_PUBLIC_BASE_URL", "PORTAL_GATEWAY_PROXY_SECRET"):
        assert named in message, named


def test_a_portal_ready_for_production() -> None:
    settings = PortalSettings(
        deployment="production",
        session_secret=SECRET,
        public_base_url="https://permits.example.gov",
        mongodb_url="mongodb://m0,m1,m2/?replicaSet=rs0&tls=true",
        gateway_proxy_secret=SecretStr("another-long-random-value"),
    )
    assert settings.secure_cookies
