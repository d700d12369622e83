"""Integrations' HTTP routes, all under one jurisdiction."""

from __future__ import annotations

from fastapi import APIRouter

from integrations.entrypoints import routes_feed, routes_open_data, routes_webhooks

router = APIRouter(prefix="/v1/jurisdictions/{jurisdiction_id}")
router.include_router(routes_feed.router)
router.include_router(routes_webhooks.router)
router.include_router(routes_open_data.router)
