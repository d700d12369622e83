"""The portal's hop to the gateway (issue 22, defect 14): the visitor's address
travels in X-Forwarded-For with the shared secret that makes the gateway
believe it; a busy gateway (503 + Retry-After) is told apart from a broken one."""

from __future__ import annotations

import httpx
import pytest

from portal.gateway import PROXY_SECRET_HEADER, Gateway, Unavailable, browser_address


async def test_the_visitors_address_goes_with_the_portals_secret() -> None:
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    gateway = Gateway("http://gateway.test", 5, proxy_secret="hop secret 9d2a")
    gateway.http = httpx.AsyncClient(
        base_url="http://gateway.test", transport=httpx.MockTransport(api)
    )
    token = browser_address.set("198.51.100.7")
    try:
        await gateway.call("GET", "/v1/jurisdiction-directory")
    finally:
        browser_address.reset(token)
    assert seen[0].headers["x-forwarded-for"] == "198.51.100.7"
    assert seen[0].headers[PROXY_SECRET_HEADER] == "hop secret 9d2a"
    await gateway.close()


@pytest.mark.parametrize(("headers", "retry"), [({"Retry-After": "3"}, 3), ({}, None)])
async def test_a_shed_answer_carries_its_retry_after(
    headers: dict[str, str], retry: int | None
) -> None:
    gateway = Gateway("http://gateway.test", 5)
    gateway.http = httpx.AsyncClient(
        base_url="http://gateway.test",
        transport=httpx.MockTransport(lambda r: httpx.Response(503, headers=headers)),
    )
    with pytest.raises(Unavailable) as failed:
        await gateway.call("GET", "/v1/jurisdiction-directory")
    assert failed.value.retry_after == retry
    await gateway.close()
