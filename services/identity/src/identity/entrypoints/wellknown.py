"""The published signing keys."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

well_known = APIRouter(tags=["auth"])


@well_known.get("/.well-known/jwks.json", summary="Public keys that verify access tokens")
async def jwks(request: Request) -> dict[str, Any]:
    return request.app.state.signer.jwks()  # type: ignore[no-any-return]
