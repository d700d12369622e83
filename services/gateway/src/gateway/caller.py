"""The caller of an aggregated route: their verified token."""

from __future__ import annotations

from fastapi import Request

from chassis.auth import Principal, within_scope
from chassis.errors import Unauthorized


async def verified_caller(request: Request) -> tuple[Principal, str]:
    """The principal and the ``Authorization`` header to forward to services
    (the gateway's own routes are people's: an API client's token is a 403)."""
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("a bearer token is required")
    principal: Principal = await request.app.state.verifier.verify(token)
    return within_scope(principal, request), authorization
