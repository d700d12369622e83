"""Registration's HTTP routes: the contractor's flow and staff review."""

from __future__ import annotations

from registration.entrypoints.routes_flow import router
from registration.entrypoints.routes_review import staff

__all__ = ["router", "staff"]
