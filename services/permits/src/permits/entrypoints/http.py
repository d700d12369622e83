"""Permits' HTTP routes, all under one jurisdiction."""

from __future__ import annotations

from fastapi import APIRouter

from permits.entrypoints import (
    routes_documents,
    routes_fees,
    routes_permits,
    routes_public,
    routes_views,
)

router = APIRouter(prefix="/v1/jurisdictions/{jurisdiction_id}")
for part in (routes_permits, routes_fees, routes_views, routes_public, routes_documents):
    router.include_router(part.router)
