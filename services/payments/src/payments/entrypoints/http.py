"""Payments' HTTP routes: per jurisdiction, and the public webhook and return page."""

from __future__ import annotations

from fastapi import APIRouter

from payments.entrypoints import routes_accounts, routes_cart, routes_desk, routes_payments
from payments.entrypoints.routes_public import public

__all__ = ["public", "router"]

router = APIRouter(prefix="/v1/jurisdictions/{jurisdiction_id}")
for part in (routes_cart, routes_payments, routes_desk, routes_accounts):
    router.include_router(part.router)
