"""The gateway's API as the portal's pages call it: one method per call, so
no page writes an API path (issue 24). ``MemberApi`` is a logged-in
visitor's (their token, refreshed as needed: :class:`portal.gateway.UserApi`)
in one jurisdiction; ``PublicApi`` is anyone's.

Answers are the API's JSON documents (``Doc``); a refusal raises
:class:`portal.gateway.ApiProblem`, an API that does not answer
:class:`portal.gateway.Unavailable`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from portal.gateway import Gateway, UserApi

Doc = dict[str, Any]


def _keyed(key: str | None) -> dict[str, Any]:
    return {"headers": {"Idempotency-Key": key}} if key else {}


class MemberApi:
    """What a logged-in visitor asks of the API in their jurisdiction."""

    def __init__(self, user: UserApi, jurisdiction_id: str) -> None:
        self.user = user
        self.base = f"/v1/jurisdictions/{quote(jurisdiction_id, safe='')}"

    # -- the visitor -------------------------------------------------------
    async def me(self) -> Doc:
        return await self.user.get("/v1/me")  # type: ignore[no-any-return]

    async def update_me(self, changes: Doc) -> Doc:
        return await self.user.json("PATCH", "/v1/me", json=changes)  # type: ignore[no-any-return]

    async def change_password(self, current: str, new: str) -> Doc:
        body = {"current_password": current, "new_password": new}
        return await self.user.json("POST", "/v1/me/password", json=body)  # type: ignore[no-any-return]

    async def change_security_question(self, body: Doc) -> None:
        await self.user.call("PUT", "/v1/me/security-question", json=body)

    async def dashboard(self, **paging: int) -> Doc:
        return await self.user.get("/v1/me/dashboard", **paging)  # type: ignore[no-any-return]

    # -- companies ---------------------------------------------------------
    async def company(self, company_id: str) -> Doc:
        return await self.user.get(f"{self.base}/companies/{company_id}")  # type: ignore[no-any-return]

    async def company_users(self, company_id: str) -> list[Doc]:
        return await self.user.get(f"{self.base}/companies/{company_id}/users")  # type: ignore[no-any-return]

    async def add_company_user(self, company_id: str, body: Doc) -> None:
        await self.user.call("POST", f"{self.base}/companies/{company_id}/users", json=body)

    async def remove_company_user(self, company_id: str, account_id: str) -> None:
        await self.user.call("DELETE", f"{self.base}/companies/{company_id}/users/{account_id}")

    # -- permits -----------------------------------------------------------
    async def permit_types(self) -> list[Doc]:
        return await self.user.get(f"{self.base}/permit-types")  # type: ignore[no-any-return]

    async def permit(self, permit_id: str) -> Doc:
        return await self.user.get(f"{self.base}/permits/{permit_id}")  # type: ignore[no-any-return]

    async def apply(self, body: Doc, *, key: str) -> Doc:
        return await self.user.json(  # type: ignore[no-any-return]
            "POST", f"{self.base}/permits", json=body, **_keyed(key)
        )

    async def attach(self, permit_id: str, name: str, content: bytes, content_type: str) -> None:
        files = {"file": (name, content, content_type)}
        await self.user.call("POST", f"{self.base}/permits/{permit_id}/documents", files=files)

    async def document(self, permit_id: str, file_id: str) -> httpx.Response:
        return await self.user.call("GET", f"{self.base}/permits/{permit_id}/documents/{file_id}")

    async def my_permits(self, **query: Any) -> Doc:
        """My Active Permits (``fees_due="true"``: those with fees due)."""
        return await self.user.get(f"{self.base}/dashboard/permits", **query)  # type: ignore[no-any-return]

    async def link_permit(self, body: Doc) -> Doc:
        return await self.user.json("POST", f"{self.base}/permit-links", json=body)  # type: ignore[no-any-return]

    async def unlink_permit(self, permit_id: str) -> None:
        await self.user.call("DELETE", f"{self.base}/permits/{permit_id}/link")

    # -- fees and payments -------------------------------------------------
    async def cart(self) -> Doc:
        return await self.user.get(f"{self.base}/cart")  # type: ignore[no-any-return]

    async def add_to_cart(self, permit_ids: list[str]) -> None:
        body = {"permit_ids": permit_ids}
        await self.user.call("POST", f"{self.base}/cart/permits", json=body)

    async def remove_from_cart(self, permit_id: str) -> None:
        await self.user.call("DELETE", f"{self.base}/cart/items/{permit_id}")

    async def checkout(self, method: str, expected_total_minor: int | None, *, key: str) -> Doc:
        body = {"method": method, "expected_total_minor": expected_total_minor}
        return await self.user.json(  # type: ignore[no-any-return]
            "POST", f"{self.base}/checkout", json=body, **_keyed(key)
        )

    async def payments(self, **query: Any) -> Doc:
        return await self.user.get(f"{self.base}/payments", **query)  # type: ignore[no-any-return]

    async def payment(self, payment_id: str) -> Doc:
        return await self.user.get(f"{self.base}/payments/{payment_id}")  # type: ignore[no-any-return]

    async def receipt(self, payment_id: str) -> Doc:
        return await self.user.get(f"{self.base}/payments/{payment_id}/receipt")  # type: ignore[no-any-return]

    async def cancel_payment(self, payment_id: str) -> None:
        await self.user.call("POST", f"{self.base}/payments/{payment_id}/cancel")

    # -- inspections -------------------------------------------------------
    async def inspection_dates(self, permit_id: str, inspection_type: str) -> Doc:
        return await self.user.get(  # type: ignore[no-any-return]
            f"{self.base}/inspection-dates", permit_id=permit_id, type=inspection_type
        )

    async def schedule(self, requests: list[Doc]) -> Doc:
        body = {"requests": requests}
        return await self.user.json("POST", f"{self.base}/inspections", json=body)  # type: ignore[no-any-return]

    async def permit_inspections(self, permit_id: str) -> Doc:
        return await self.user.get(f"{self.base}/inspections", permit_id=permit_id)  # type: ignore[no-any-return]

    async def my_inspections(self, **query: Any) -> Doc:
        return await self.user.get(f"{self.base}/my-inspections", **query)  # type: ignore[no-any-return]

    async def inspection(self, inspection_id: str) -> Doc:
        return await self.user.get(f"{self.base}/inspections/{inspection_id}")  # type: ignore[no-any-return]

    async def reschedule(self, inspection_id: str, day: str) -> None:
        path = f"{self.base}/inspections/{inspection_id}/reschedule"
        await self.user.call("POST", path, json={"date": day})

    async def cancel_inspection(self, inspection_id: str, reason: str | None) -> None:
        path = f"{self.base}/inspections/{inspection_id}/cancel"
        await self.user.call("POST", path, json={"reason": reason})


class PublicApi:
    """What anyone may ask of the API, without a login."""

    def __init__(self, gateway: Gateway, jurisdiction_id: str | None = None) -> None:
        self.gateway = gateway
        self.jurisdiction_id = jurisdiction_id
        self.base = f"/v1/jurisdictions/{quote(jurisdiction_id or '', safe='')}"

    async def directory(self) -> list[Doc]:
        return await self.gateway.json("GET", "/v1/jurisdiction-directory")  # type: ignore[no-any-return]

    async def jurisdiction(self) -> Doc:
        return await self.gateway.json("GET", self.base)  # type: ignore[no-any-return]

    async def find_permits(self, **query: str) -> list[Doc]:
        return await self.gateway.json(  # type: ignore[no-any-return]
            "GET", f"{self.base}/public-permits", params=query
        )

    async def permit(self, number: str) -> Doc:
        path = f"{self.base}/public-permits/{quote(number, safe='')}"
        return await self.gateway.json("GET", path)  # type: ignore[no-any-return]

    async def company(self, company_id: str) -> Doc:
        path = f"{self.base}/public-companies/{quote(company_id, safe='')}"
        return await self.gateway.json("GET", path)  # type: ignore[no-any-return]

    async def inspections(self, permit_id: str) -> list[Doc]:
        return await self.gateway.json(  # type: ignore[no-any-return]
            "GET", f"{self.base}/public-inspections", params={"permit_id": permit_id}
        )

    # -- joining and logging in ---------------------------------------------
    async def log_in(self, email: str, password: str) -> Doc:
        """The tokens of a password (or first-login PIN) login here."""
        form = {"username": email, "password": password, "jurisdiction": self.jurisdiction_id}
        return await self.gateway.json("POST", "/v1/auth/token", data=form)  # type: ignore[no-any-return]

    async def set_up(self, setup_token: str, body: Doc) -> Doc:
        """A PIN's first login: the new password and security question."""
        return await self.gateway.json(  # type: ignore[no-any-return]
            "POST", "/v1/me/setup", token=setup_token, json=body
        )

    async def log_out(self, refresh_token: str) -> None:
        await self.gateway.call("POST", "/v1/auth/logout", data={"refresh_token": refresh_token})

    async def enroll(self, email: str) -> None:
        await self.gateway.call("POST", f"{self.base}/enrollments", json={"email": email})

    async def request_password_reset(self, body: Doc) -> None:
        await self.gateway.call("POST", f"{self.base}/password-resets", json=body)

    async def registration_settings(self) -> Doc:
        return await self.gateway.json("GET", f"{self.base}/registration-settings")  # type: ignore[no-any-return]

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

    async def view(self, kind: str, token: str) -> Doc:
        return await self.gateway.json("GET", self._path(kind, token))  # type: ignore[no-any-return]

    async def use(self, kind: str, token: str, body: Doc | None = None) -> Doc | None:
        return await self.gateway.json(  # type: ignore[no-any-return]
            "POST", self._path(kind, token), **({"json": body} if body is not None else {})
        )


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

    async def get(self) -> Doc:
        return await self._json("GET")  # type: ignore[no-any-return]

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
