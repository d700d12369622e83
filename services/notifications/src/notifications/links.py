"""Where the links in emails go: pages of the web portal, never the API.

``NOTIFICATIONS_PUBLIC_BASE_URL`` is the portal's public address; every page
lives under ``/j/{jurisdiction}/`` (the portal's URL scheme, docs/portal.md
once the portal lands). Links that carry a one-time secret (enrollment,
reset, invitation) are built where the secret is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class PortalLinks:
    base: str

    def _page(self, jurisdiction_id: str, *path: str) -> str:
        parts = "/".join(quote(p, safe="") for p in (jurisdiction_id, *path))
        return f"{self.base.rstrip('/')}/j/{parts}"

    def login(self, jurisdiction_id: str) -> str:
        return self._page(jurisdiction_id, "login")

    def permit(self, jurisdiction_id: str, permit_id: str) -> str:
        """The permit's page, where its fees are added to the cart and paid."""
        return self._page(jurisdiction_id, "permits", permit_id)
