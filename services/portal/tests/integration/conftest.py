"""The portal in-process against a scripted API (httpx's MockTransport),
with its real session database: what the integration tests share."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from devstack.testing import TestScope

from portal.app import create_app
from portal.settings import PortalSettings

Script = Callable[[httpx.Request], httpx.Response]

PROFILE = {
    "id": "demo",
    "name": "Demo County",
    "time_zone": "America/Boise",
    "password_rules": ["8 to 128 characters"],
    "branding": {},
}


EMPTY_CART = {
    "permits": [],
    "notices": [],
    "methods": [],
    "total_fees": "0.00",
    "convenience_fee": "0.00",
    "total_due": "0.00",
    "convenience_fee_label": "Convenience fee",
    "currency": "USD",
}
"""The Checkout Summary of an empty cart, as payments answers it."""


def scripted_login(request: httpx.Request, company_ids: list[str]) -> httpx.Response | None:
    """The API's answers that every logged-in test needs: the jurisdiction's
    profile, a token, and who the caller is; None for any other path."""
    path = request.url.path
    if path == "/v1/jurisdictions/demo":
        return httpx.Response(200, json=PROFILE)
    if path == "/v1/auth/token":
        return httpx.Response(
            200, json={"access_token": "t", "refresh_token": "r", "expires_in": 900}
        )
    if path == "/v1/me":
        me = {"email": "rich@example.org", "display_name": "Rich", "kind": "contractor"}
        return httpx.Response(200, json={**me, "company_ids": company_ids})
    return None


def csrf_of(page: httpx.Response) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return token.group(1)


def csrf_in(page: httpx.Response, action: str) -> str:
    """The CSRF token of the form posting to ``action`` (not any form's: a
    form that lost its own token must fail its test)."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page.text, re.S)
    assert form is not None, f"no form posts to {action}"
    token = re.search(r'name="csrf_token" value="([^"]*)"', form.group(1))
    assert token is not None and token.group(1), f"the form to {action} has no CSRF token"
    return token.group(1)


class Portal:
    def __init__(self, app: Any, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client
        self.script: Script = lambda request: httpx.Response(404, json={"title": "Not found"})

    def api(self, script: Script) -> None:
        self.script = script

    async def log_in(self) -> httpx.Response:
        """Through the login form, as a browser: its CSRF token, then the POST."""
        form = await self.client.get("/j/demo/login")
        return await self.client.post(
            "/j/demo/login",
            data={"csrf_token": csrf_of(form), "email": "rich@example.org", "password": "pw"},
        )


@pytest.fixture
async def portal(scope: TestScope) -> AsyncIterator[Portal]:
    settings = PortalSettings(
        session_secret="a long random test secret 8c1e",  # type: ignore[arg-type]
        mongodb_url=scope.infra.mongodb_url,
        mongodb_database=f"{scope.database}_portal",
        gateway_url="http://gateway.test",
        api_timeout_seconds=1,
        log_json=False,
    )
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            holder = Portal(app, client)
            app.state.gateway.http = httpx.AsyncClient(
                base_url="http://gateway.test",
                transport=httpx.MockTransport(lambda request: holder.script(request)),
            )
            yield holder
