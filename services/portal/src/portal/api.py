"""The gateway's API as a logged-in visitor's pages call it: one method per
call, so no page writes an API path (issue 24). ``MemberApi`` is the
visitor's (their token, refreshed as needed: :class:`portal.gateway.UserApi`)
in one jurisdiction; what anyone may call is :mod:`portal.public_api`.

Answers are models (:mod:`portal.answers`); a refusal raises
:class:`portal.gateway.ApiProblem`, an API that does not answer — or answers
what it does not promise — :class:`portal.gateway.Unavailable`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from portal.answers import (
    Answer,
    Cart,
    Company,
    CompanyUser,
    Inspection,
    InspectionDates,
    Jurisdiction,
    Listed,
    Me,
    Payment,
    Permit,
    PermitRow,
    PermitType,
    Tokens,
)
from portal.gateway import UserApi, read

Doc = dict[str, Any]


def keyed(key: str | None) -> dict[str, Any]:
    return {"headers": {"Idempotency-Key": key}} if key else {}


class MemberApi:
    """What a logged-in visitor asks of the API in their jurisdiction."""

    def __init__(self, user: UserApi, jurisdiction_id: str) -> None:
        self.user = user
        self.base = f"/v1/jurisdictions/{quote(jurisdiction_id, safe='')}"

    # -- the visitor -------------------------------------------------------
    async def me(self) -> Me:
        return read(Me, await self.user.get("/v1/me"))

    async def update_me(self, changes: Doc) -> Me:
        return read(Me, await self.user.json("PATCH", "/v1/me", json=changes))

    async def change_password(self, current: str, new: str) -> Tokens:
        body = {"current_password": current, "new_password": new}
        return read(Tokens, await self.user.json("POST", "/v1/me/password", json=body))

    async def change_security_question(self, body: Doc) -> None:
        await self.user.call("PUT", "/v1/me/security-question", json=body)

    async def dashboard(self, **paging: int) -> Answer:
        return read(Answer, await self.user.get("/v1/me/dashboard", **paging))

    # -- companies ---------------------------------------------------------
    async def company(self, company_id: str) -> Company:
        return read(Company, await self.user.get(f"{self.base}/companies/{company_id}"))

    async def company_users(self, company_id: str) -> list[CompanyUser]:
        return read(
            list[CompanyUser], await self.user.get(f"{self.base}/companies/{company_id}/users")
        )

    async def add_company_user(self, company_id: str, body: Doc) -> None:
        await self.user.call("POST", f"{self.base}/companies/{company_id}/users", json=body)

    async def remove_company_user(self, company_id: str, account_id: str) -> None:
        await self.user.call("DELETE", f"{self.base}/companies/{company_id}/users/{account_id}")

    # -- permits -----------------------------------------------------------
    async def permit_types(self) -> list[PermitType]:
        return read(list[PermitType], await self.user.get(f"{self.base}/permit-types"))

    async def permit(self, permit_id: str) -> Permit:
        return read(Permit, await self.user.get(f"{self.base}/permits/{permit_id}"))

    async def apply(self, body: Doc, *, key: str) -> Permit:
        return read(
            Permit,
            await self.user.json("POST", f"{self.base}/permits", json=body, **keyed(key)),
        )

    async def attach(self, permit_id: str, name: str, content: bytes, content_type: str) -> None:
        files = {"file": (name, content, content_type)}
        await self.user.call("POST", f"{self.base}/permits/{permit_id}/documents", files=files)

    async def document(self, permit_id: str, file_id: str) -> httpx.Response:
        return await self.user.call("GET", f"{self.base}/permits/{permit_id}/documents/{file_id}")

    async def my_permits(self, **query: Any) -> Listed[PermitRow]:
        """My Active Permits (``fees_due="true"``: those with fees due)."""
        return read(
            Listed[PermitRow], await self.user.get(f"{self.base}/dashboard/permits", **query)
        )

    async def link_permit(self, body: Doc) -> Permit:
        return read(Permit, await self.user.json("POST", f"{self.base}/permit-links", json=body))

    async def unlink_permit(self, permit_id: str) -> None:
        await self.user.call("DELETE", f"{self.base}/permits/{permit_id}/link")

    # -- fees and payments -------------------------------------------------
    async def cart(self) -> Cart:
        return read(Cart, await self.user.get(f"{self.base}/cart"))

    async def add_to_cart(self, permit_ids: list[str]) -> None:
        body = {"permit_ids": permit_ids}
        await self.user.call("POST", f"{self.base}/cart/permits", json=body)

    async def remove_from_cart(self, permit_id: str) -> None:
        await self.user.call("DELETE", f"{self.base}/cart/items/{permit_id}")

    async def checkout(self, method: str, expected_total_minor: int | None, *, key: str) -> Payment:
        body = {"method": method, "expected_total_minor": expected_total_minor}
        return read(
            Payment,
            await self.user.json("POST", f"{self.base}/checkout", json=body, **keyed(key)),
        )

    async def payments(self, **query: Any) -> Listed[Payment]:
        return read(Listed[Payment], await self.user.get(f"{self.base}/payments", **query))

    async def payment(self, payment_id: str) -> Payment:
        return read(Payment, await self.user.get(f"{self.base}/payments/{payment_id}"))

    async def receipt(self, payment_id: str) -> Payment:
        return read(Payment, await self.user.get(f"{self.base}/payments/{payment_id}/receipt"))

    async def cancel_payment(self, payment_id: str) -> None:
        await self.user.call("POST", f"{self.base}/payments/{payment_id}/cancel")

    # -- inspections -------------------------------------------------------
    async def inspection_dates(self, permit_id: str, inspection_type: str) -> InspectionDates:
        return read(
            InspectionDates,
            await self.user.get(
                f"{self.base}/inspection-dates", permit_id=permit_id, type=inspection_type
            ),
        )

    async def schedule(self, requests: list[Doc]) -> Listed[Inspection]:
        body = {"requests": requests}
        return read(
            Listed[Inspection],
            await self.user.json("POST", f"{self.base}/inspections", json=body),
        )

    async def permit_inspections(self, permit_id: str) -> Listed[Inspection]:
        return read(
            Listed[Inspection],
            await self.user.get(f"{self.base}/inspections", permit_id=permit_id),
        )

    async def my_inspections(self, **query: Any) -> Listed[Inspection]:
        return read(Listed[Inspection], await self.user.get(f"{self.base}/my-inspections", **query))

    async def inspection(self, inspection_id: str) -> Inspection:
        return read(Inspection, await self.user.get(f"{self.base}/inspections/{inspection_id}"))

    async def reschedule(self, inspection_id: str, day: str) -> None:
        path = f"{self.base}/inspections/{inspection_id}/reschedule"
        await self.user.call("POST", path, json={"date": day})

    async def cancel_inspection(self, inspection_id: str, reason: str | None) -> None:
        path = f"{self.base}/inspections/{inspection_id}/cancel"
        await self.user.call("POST", path, json={"reason": reason})


class OperatorApi:
    """What the hosting operator asks of the API (no jurisdiction)."""

    def __init__(self, user: UserApi) -> None:
        self.user = user

    async def jurisdictions(self) -> list[Jurisdiction]:
        return read(list[Jurisdiction], await self.user.get("/v1/jurisdictions"))

    async def create_jurisdiction(self, body: Doc) -> None:
        await self.user.call("POST", "/v1/jurisdictions", json=body)
