"""Inspections' HTTP routes, all under one jurisdiction."""

from __future__ import annotations

from fastapi import APIRouter

from inspections.entrypoints import routes_calendar, routes_inspections, routes_lists

router = APIRouter(prefix="/v1/jurisdictions/{jurisdiction_id}")
for part in (routes_calendar, routes_inspections, routes_lists):
    router.include_router(part.router)
