"""The gateway's API as pages call it without a login: one method per call.
``PublicApi`` is anyone's in a jurisdiction (its profile, the public permit
search, logging in); ``EmailedLinks`` an emailed one-time link's;
``RegistrationApi`` a registrant's draft, by its registration token.
Answers are models (:mod:`portal.answers`), as in :mod:`portal.api`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from portal.answers import (
    Answer,
    Company,
    DirectoryEntry,
    Jurisdiction,
    LinkView,
    OpenedRegistration,
    PublicInspection,
    PublicPermit,
    PublicPermitPage,
    Registration,
    RegistrationSettings,
    Tokens,
)
from portal.gateway import Gateway, read

Doc = dict[str, Any]


class PublicApi:
    """What anyone may ask of the API, without a login."""

    def __init__(self, gateway: Gateway, jurisdiction_id: str | None = None) -> None:
        self.gateway = gateway
        self.jurisdiction_id = jurisdiction_id
        self.base = f"/v1/jurisdictions/{quote(jurisdiction_id or '', safe='')}"

    async def directory(self) -> list[DirectoryEntry]:
        return read(
            list[DirectoryEntry], await self.gateway.json("GET", "/v1/jurisdiction-directory")
        )

    async def jurisdiction(self) -> Jurisdiction:
        return read(Jurisdiction, await self.gateway.json("GET", self.base))

    async def find_permits(self, **query: str) -> list[PublicPermit]:
        return read(
            list[PublicPermit],
            await self.gateway.json("GET", f"{self.base}/public-permits", params=query),
        )

    async def permit(self, number: str) -> PublicPermitPage:
        path = f"{self.base}/public-permits/{quote(number, safe='')}"
        return read(PublicPermitPage, await self.gateway.json("GET", path))

    async def company(self, company_id: str) -> Company:
        path = f"{self.base}/public-companies/{quote(company_id, safe='')}"
        return read(Company, await self.gateway.json("GET", path))

    async def jurisdiction_profile(self) -> Answer:
        """The jurisdiction's profile as identity keeps it (its branding unshown)."""
        return read(Answer, await self.gateway.json("GET", self.base))

    async def payment_settings(self) -> Answer:
        """How the jurisdiction takes payments online (public: the checkout shows it)."""
        return read(Answer, await self.gateway.json("GET", f"{self.base}/payment-settings"))

    async def inspection_settings(self) -> Answer:
        """The jurisdiction's inspection calendar (public: what may be asked for)."""
        return read(Answer, await self.gateway.json("GET", f"{self.base}/inspection-settings"))

    async def inspections(self, permit_id: str) -> list[PublicInspection]:
        return read(
            list[PublicInspection],
            await self.gateway.json(
                "GET", f"{self.base}/public-inspections", params={"permit_id": permit_id}
            ),
        )

    # -- joining and logging in ---------------------------------------------
    async def log_in(self, email: str, password: str) -> Tokens:
        """The tokens of a password (or first-login PIN) login here."""
        form = {"username": email, "password": password, "jurisdiction": self.jurisdiction_id}
        return read(Tokens, await self.gateway.json("POST", "/v1/auth/token", data=form))

    async def set_up(self, setup_token: str, body: Doc) -> Tokens:
        """A PIN's first login: the new password and security question."""
        return read(
            Tokens, await self.gateway.json("POST", "/v1/me/setup", token=setup_token, json=body)
        )

    async def log_out(self, refresh_token: str) -> None:
        await self.gateway.call("POST", "/v1/auth/logout", data={"refresh_token": refresh_token})

    async def enroll(self, email: str) -> None:
        await self.gateway.call("POST", f"{self.base}/enrollments", json={"email": email})

    async def request_password_reset(self, body: Doc) -> None:
        await self.gateway.call("POST", f"{self.base}/password-resets", json=body)

    async def registration_settings(self) -> RegistrationSettings:
        return read(
            RegistrationSettings,
            await self.gateway.json("GET", f"{self.base}/registration-settings"),
        )

    async def register(self, email: str) -> None:
        await self.gateway.call("POST", f"{self.base}/registrations", json={"email": email})


LINK_KINDS = (
    "enrollments",
    "invitations",
    "password-resets",
    "registrations/confirm",
    "registrations/resume",
)


class EmailedLinks:
    """The one-time links of emails: what one is for (without using it up),
    and using it."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    @staticmethod
    def _path(kind: str, token: str) -> str:
        if kind not in LINK_KINDS:
            raise ValueError(f"no such link: {kind}")
        return f"/v1/{kind}/{quote(token, safe='')}"

    async def view(self, kind: str, token: str) -> LinkView:
        return read(LinkView, await self.gateway.json("GET", self._path(kind, token)))

    async def use(self, kind: str, token: str, body: Doc | None = None) -> None:
        await self.gateway.call("POST", self._path(kind, token), json=body)

    async def open_registration(self, kind: str, token: str) -> OpenedRegistration:
        """A registration's confirmation or resume link used: the draft and its token."""
        return read(OpenedRegistration, await self.gateway.json("POST", self._path(kind, token)))


class RegistrationApi:
    """A registrant's draft, by its registration token (no login yet)."""

    def __init__(self, gateway: Gateway, registration_id: str, token: str) -> None:
        self.gateway = gateway
        self.path = f"/v1/registrations/{quote(registration_id, safe='')}"
        self.headers = {"X-Registration-Token": token}

    async def _json(self, method: str, suffix: str = "", **kwargs: Any) -> Any:
        return await self.gateway.json(
            method, f"{self.path}{suffix}", headers=self.headers, **kwargs
        )

    async def get(self) -> Registration:
        return read(Registration, await self._json("GET"))

    async def update(self, changes: Doc) -> None:
        await self._json("PATCH", json=changes)

    async def answer(self, requirement_id: str, value: str) -> None:
        await self._json("PUT", f"/requirements/{requirement_id}", json={"value": value})

    async def upload(self, requirement_id: str, name: str, content: bytes, kind: str) -> None:
        files = {"file": (name, content, kind)}
        await self._json("PUT", f"/requirements/{requirement_id}/document", files=files)

    async def submit(self, password: str) -> None:
        await self._json("POST", "/submit", json={"password": password})

    async def resubmit(self) -> None:
        await self._json("POST", "/resubmit")

    async def document(self, file_id: str) -> httpx.Response:
        return await self.gateway.call(
            "GET", f"{self.path}/documents/{quote(file_id, safe='')}", headers=self.headers
        )
