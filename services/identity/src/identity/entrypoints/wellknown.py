"""The published signing keys."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from identity.entrypoints.dependencies import Idn

well_known = APIRouter(tags=["auth"])


@well_known.get("/.well-known/jwks.json", summary="Public keys that verify access tokens")
async def jwks(idn: Idn) -> dict[str, Any]:
    return idn.signer.jwks()
