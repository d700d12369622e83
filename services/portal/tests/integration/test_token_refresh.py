"""The session's safety across requests (issue 24). A refresh: a page that calls the
API several times refreshed the access token in its first call, and only
the last call's client was asked whether to save the session — so the new
refresh token was never stored, the next refresh presented the used one,
and identity's reuse detection ended the login."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest

from chassis.clock import ManualClock

from .conftest import EMPTY_CART, PROFILE, Portal, csrf_of

pytestmark = pytest.mark.integration


async def test_a_refresh_in_one_call_of_a_page_is_kept_for_the_next_request(
    portal: Portal,
) -> None:
    clock = ManualClock(datetime(2026, 12, 5, 20, 0, tzinfo=UTC))
    portal.app.state.clock = clock
    portal.app.state.sessions.clock = clock
    presented: list[str] = []
    family = {"r0": "r1", "r1": "r2", "r2": "r3"}  # each refresh token works once

    def api(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/jurisdictions/demo":
            return httpx.Response(200, json=PROFILE)
        if path == "/v1/auth/token":
            form = parse_qs(request.content.decode())
            old = form.get("refresh_token", [None])[0]
            if old is None:  # the password grant
                granted = "r0"
            elif old in presented or old not in family:
                return httpx.Response(401, json={"title": "Unauthorized", "detail": "reused"})
            else:
                presented.append(old)
                granted = family[old]
            return httpx.Response(
                200,
                json={"access_token": f"t-{granted}", "refresh_token": granted, "expires_in": 900},
            )
        if path == "/v1/me":
            me = {"email": "rich@example.org", "display_name": "Rich", "kind": "contractor"}
            return httpx.Response(200, json={**me, "company_ids": []})
        if path.endswith("/cart"):
            return httpx.Response(200, json=EMPTY_CART)
        if path.endswith("/payments") or path.endswith("/dashboard/permits"):
            return httpx.Response(200, json={"items": [], "total": 0, "limit": 10, "offset": 0})
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    assert (await portal.log_in()).status_code == 303
    for _ in range(3):  # each time within 30 s of the access token's expiry
        clock.advance(timedelta(minutes=14, seconds=40))
        page = await portal.client.get("/j/demo/cart")  # three API calls
        assert page.status_code == 200, page.headers.get("location")
    assert presented == ["r0", "r1", "r2"]  # each refresh token once, in turn


async def test_a_new_post_route_is_csrf_checked_without_asking(portal: Portal) -> None:
    """Issue 24: CSRF was opt-in (a handler that read its form through the
    ``Form`` dependency); a POST route added without it would have been
    open. The check is now every route's gate; this route never reads its form."""
    from fastapi.responses import PlainTextResponse

    async def careless() -> PlainTextResponse:
        return PlainTextResponse("changed something")

    portal.app.add_api_route("/j/demo/careless", careless, methods=["POST"])
    portal.api(lambda request: httpx.Response(200, json=PROFILE))
    refused = await portal.client.post("/j/demo/careless", data={"anything": "1"})
    assert refused.status_code == 403 and "changed something" not in refused.text
    form = await portal.client.get("/j/demo/login")
    token = csrf_of(form)
    allowed = await portal.client.post("/j/demo/careless", data={"csrf_token": token})
    assert allowed.status_code == 200 and allowed.text == "changed something"
