"""Messages for the next page are kept server-side by the visitor's cookie
and shown once (issue 24: they travelled as flags in the address — ``?bye=1``
— which anyone could put in a link and a reload showed again)."""

from __future__ import annotations

import httpx
import pytest

from .conftest import Portal, csrf_of, scripted_login

pytestmark = pytest.mark.integration


async def test_a_message_survives_the_redirect_and_shows_once(portal: Portal) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if (known := scripted_login(request, [])) is not None:
            return known
        if request.url.path == "/v1/auth/logout":
            return httpx.Response(204)
        return httpx.Response(404, json={"title": "Not found"})

    portal.api(api)
    await portal.log_in()
    form = await portal.client.get("/j/demo/search")  # a page with the logout form
    bye = await portal.client.post("/j/demo/logout", data={"csrf_token": csrf_of(form)})
    assert bye.status_code == 303 and bye.headers["location"] == "/j/demo/login"
    first = await portal.client.get(bye.headers["location"])
    assert "You are logged out." in first.text
    again = await portal.client.get("/j/demo/login")
    assert "You are logged out." not in again.text
    planted = await portal.client.get("/j/demo/login?bye=1")  # a flag in a link means nothing
    assert "You are logged out." not in planted.text
