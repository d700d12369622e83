"""identity's internal API: the registrant's login (the password never stays here)."""

from __future__ import annotations

from typing import Any

import httpx

from chassis.context import CORRELATION_HEADER, current_correlation_id
from chassis.errors import ProblemError


class IdentityUnavailable(ProblemError):
    status = 503
    slug = "identity-unavailable"
    title = "Accounts are not available right now"


class IdentityClient:
    def __init__(
        self,
        base_url: str,
        token: str | None,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.transport = transport  # tests may talk to an in-process identity

    async def ensure_registrant(
        self, jurisdiction_id: str, *, email: str, display_name: str, password: str
    ) -> str:
        """Create or check the registrant's account; its id. Identity's 4xx pass through."""
        if not self.token:
            raise IdentityUnavailable("registration is not connected to identity (internal token)")
        url = f"{self.base_url}/internal/v1/jurisdictions/{jurisdiction_id}/registrants"
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport) as client:
                r = await client.post(
                    url,
                    json={"email": email, "display_name": display_name, "password": password},
                    headers={
                        "X-Internal-Token": self.token,
                        CORRELATION_HEADER: current_correlation_id(),
                    },
                )
        except httpx.HTTPError as exc:
            raise IdentityUnavailable("identity did not answer") from exc
        if r.status_code == 200:
            return str(r.json()["account_id"])
        if 400 <= r.status_code < 500 and r.status_code != 404:
            body: dict[str, Any] = r.json()
            raise ProblemError(
                body.get("detail"),
                status=r.status_code,
                slug=str(body.get("type", "")).rsplit("/", 1)[-1] or "bad-request",
                title=body.get("title", "Bad request"),
                errors=body.get("errors"),
                **{k: v for k, v in body.items() if k in ("rule", "policy")},
            )
        raise IdentityUnavailable(f"identity answered {r.status_code}")
