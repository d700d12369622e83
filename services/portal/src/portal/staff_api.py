"""The gateway's API as the staff console calls it (issue 27): one method
per call, on top of what any member's pages call (:class:`portal.api.MemberApi`).
Each service still checks the member's roles itself."""

from __future__ import annotations

from typing import Any

import httpx

from portal.answers import Listed, PermitType
from portal.api import MemberApi, keyed
from portal.gateway import read
from portal.staff_answers import (
    FeeQuote,
    Member,
    RegistrationRow,
    StaffCompany,
    StaffInspection,
    StaffPayment,
    StaffPermit,
    StaffQueues,
    StaffRegistration,
)

Doc = dict[str, Any]


class StaffApi(MemberApi):
    """What a jurisdiction's staff ask of the API."""

    # -- staff -------------------------------------------------------------------
    async def staff_queues(self, limit: int = 5) -> StaffQueues:
        """The member's work queues (the gateway's, for their roles)."""
        return read(StaffQueues, await self.user.get("/v1/staff/queues", limit=limit))

    async def inspection_day(self, **query: Any) -> Listed[StaffInspection]:
        """Staff's inspection search: a day's list (``today=true``: the
        jurisdiction's own today), by area and type."""
        found = await self.user.get(f"{self.base}/inspection-search", **query)
        return read(Listed[StaffInspection], found)

    async def permit_queue(self, status: str, *, limit: int, offset: int) -> Listed[StaffPermit]:
        found = await self.user.get(
            f"{self.base}/permit-search", status=status, limit=limit, offset=offset
        )
        return read(Listed[StaffPermit], found)

    async def permit_queue_counts(self, statuses: list[str]) -> dict[str, int]:
        """How many permits wait in each status (one call for all of them)."""
        found = await self.user.get(f"{self.base}/permit-queues", status=statuses, limit=1)
        return {s: int(read(Listed[StaffPermit], found[s]).total) for s in statuses if s in found}

    async def staff_permit(self, permit_id: str) -> StaffPermit:
        return read(StaffPermit, await self.user.get(f"{self.base}/permits/{permit_id}"))

    async def move_permit(self, permit_id: str, body: Doc, *, key: str) -> StaffPermit:
        path = f"{self.base}/permits/{permit_id}/transitions"
        return read(StaffPermit, await self.user.json("POST", path, json=body, **keyed(key)))

    async def comment_permit(self, permit_id: str, text: str) -> None:
        path = f"{self.base}/permits/{permit_id}/comments"
        await self.user.call("POST", path, json={"text": text})

    async def permits_numbered(self, number: str) -> Listed[StaffPermit]:
        return read(
            Listed[StaffPermit], await self.user.get(f"{self.base}/permit-search", number=number)
        )

    async def counter_payment(self, body: Doc, *, key: str) -> StaffPayment:
        path = f"{self.base}/counter-payments"
        return read(StaffPayment, await self.user.json("POST", path, json=body, **keyed(key)))

    async def staff_payments(self, **query: Any) -> Listed[StaffPayment]:
        found = await self.user.get(f"{self.base}/staff/payments", **query)
        return read(Listed[StaffPayment], found)

    async def staff_payment(self, payment_id: str) -> StaffPayment:
        return read(StaffPayment, await self.user.get(f"{self.base}/payments/{payment_id}"))

    async def refund(self, payment_id: str, body: Doc, *, key: str) -> None:
        path = f"{self.base}/payments/{payment_id}/refunds"
        await self.user.call("POST", path, json=body, **keyed(key))

    # -- people and companies (staff) -------------------------------------------
    async def members(self, **query: Any) -> Listed[Member]:
        return read(Listed[Member], await self.user.get(f"{self.base}/users", **query))

    async def member(self, membership_id: str) -> Member:
        return read(Member, await self.user.get(f"{self.base}/users/{membership_id}"))

    async def add_member(self, body: Doc, *, key: str) -> Member:
        path = f"{self.base}/users"
        return read(Member, await self.user.json("POST", path, json=body, **keyed(key)))

    async def change_member(self, membership_id: str, changes: Doc) -> Member:
        path = f"{self.base}/users/{membership_id}"
        return read(Member, await self.user.json("PATCH", path, json=changes))

    async def companies(self, q: str) -> Listed[StaffCompany]:
        return read(Listed[StaffCompany], await self.user.get(f"{self.base}/companies", q=q))

    async def staff_company(self, company_id: str) -> StaffCompany:
        return read(StaffCompany, await self.user.get(f"{self.base}/companies/{company_id}"))

    async def add_company(self, body: Doc, *, key: str) -> StaffCompany:
        path = f"{self.base}/companies"
        return read(StaffCompany, await self.user.json("POST", path, json=body, **keyed(key)))

    async def company_members(self, company_id: str) -> list[Member]:
        found = await self.user.get(f"{self.base}/companies/{company_id}/users")
        return read(list[Member], found)

    async def add_company_member(self, company_id: str, body: Doc, *, key: str) -> Member:
        path = f"{self.base}/companies/{company_id}/users"
        return read(Member, await self.user.json("POST", path, json=body, **keyed(key)))

    # -- registrations (reviewers) ----------------------------------------------
    async def registrations(self, **query: Any) -> Listed[RegistrationRow]:
        found = await self.user.get(f"{self.base}/registrations", **query)
        return read(Listed[RegistrationRow], found)

    async def staff_registration(self, registration_id: str) -> StaffRegistration:
        found = await self.user.get(f"{self.base}/registrations/{registration_id}")
        return read(StaffRegistration, found)

    async def review_requirement(
        self, registration_id: str, requirement_id: str, body: Doc
    ) -> StaffRegistration:
        path = f"{self.base}/registrations/{registration_id}/requirements/{requirement_id}/review"
        return read(StaffRegistration, await self.user.json("PUT", path, json=body))

    async def decide_registration(self, registration_id: str, body: Doc) -> StaffRegistration:
        path = f"{self.base}/registrations/{registration_id}/decision"
        return read(StaffRegistration, await self.user.json("POST", path, json=body))

    async def registration_document(self, registration_id: str, file_id: str) -> httpx.Response:
        path = f"{self.base}/registrations/{registration_id}/documents/{file_id}"
        return await self.user.call("GET", path)

    # -- setup (admins) ------------------------------------------------------------
    async def put_permit_type(self, code: str, body: Doc) -> PermitType:
        path = f"{self.base}/permit-types/{code}"
        return read(PermitType, await self.user.json("PUT", path, json=body))

    async def configure_jurisdiction(self, changes: Doc) -> None:
        """The jurisdiction's branding and password rules (its admins)."""
        await self.user.call("PATCH", self.base, json=changes)

    async def put_registration_settings(self, body: Doc) -> None:
        await self.user.call("PUT", f"{self.base}/registration-settings", json=body)

    async def put_payment_settings(self, body: Doc) -> None:
        await self.user.call("PUT", f"{self.base}/payment-settings", json=body)

    async def put_inspection_settings(self, body: Doc) -> None:
        await self.user.call("PUT", f"{self.base}/inspection-settings", json=body)

    async def quote_fees(self, permit_id: str, body: Doc) -> FeeQuote:
        path = f"{self.base}/permits/{permit_id}/fee-quote"
        return read(FeeQuote, await self.user.json("POST", path, json=body))

    async def assess_fees(self, permit_id: str, body: Doc, *, key: str) -> StaffPermit:
        path = f"{self.base}/permits/{permit_id}/fees"
        return read(StaffPermit, await self.user.json("POST", path, json=body, **keyed(key)))

    async def void_fee(self, permit_id: str, line_id: str, reason: str) -> StaffPermit:
        path = f"{self.base}/permits/{permit_id}/fees/{line_id}/void"
        return read(StaffPermit, await self.user.json("POST", path, json={"reason": reason}))

    async def change_parties(self, permit_id: str, body: Doc) -> StaffPermit:
        path = f"{self.base}/permits/{permit_id}/parties"
        return read(StaffPermit, await self.user.json("PATCH", path, json=body))

    async def record_result(self, inspection_id: str, body: Doc) -> StaffInspection:
        path = f"{self.base}/inspections/{inspection_id}/result"
        return read(StaffInspection, await self.user.json("POST", path, json=body))
