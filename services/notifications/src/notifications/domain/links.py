"""Where the links in emails go: pages of the web portal, never the API.

``NOTIFICATIONS_PUBLIC_BASE_URL`` is the portal's public address; every page
lives under ``/j/{jurisdiction}/`` (the portal's URL scheme: docs/architecture.md,
"The web portal"). Links that carry a one-time secret (enrollment,
reset, invitation, registration) are the portal's pages outside
``/j/…``: the secret names its jurisdiction. An API client takes the secret
to the API's route of the same name under ``/v1/``.
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

    def _link(self, *path: str) -> str:
        """A page reached from a one-time secret (the secret names its jurisdiction)."""
        return f"{self.base.rstrip('/')}/" + "/".join(quote(p, safe="") for p in path)

    def enrollment(self, token: str) -> str:
        return self._link("enrollments", token)

    def invitation(self, token: str) -> str:
        return self._link("invitations", token)

    def password_reset(self, token: str) -> str:
        return self._link("password-resets", token)

    def reset_hint(self, jurisdiction_id: str) -> str:
        """ "Forgot password": where to start if the change was not yours."""
        return self._page(jurisdiction_id, "forgot")

    def registration_confirm(self, token: str) -> str:
        return self._link("registrations", "confirm", token)

    def registration_resume(self, token: str) -> str:
        return self._link("registrations", "resume", token)
