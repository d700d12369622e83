"""A permit (seed 003: "To enter into a permit… review the status of the
permit, review attachments and Community Development review, check on fees
and once the permit is issued… schedule inspections")."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse

from portal.web import UserPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}")


@router.get("/permits/{permit_id}")
async def permit(page: UserPage, permit_id: str = object_id()) -> Response:
    api = page.api()
    base = f"/v1/jurisdictions/{page.jid}"
    found = await api.get(f"{base}/permits/{permit_id}")
    mine = await api.get(f"{base}/my-inspections", limit=100)
    inspections = [i for i in mine["items"] if i["permit_id"] == permit_id]
    return page.render(
        "permit.html", title=f"Permit {found['number']}", p=found, inspections=inspections
    )


@router.get("/permits/{permit_id}/documents/{file_id}")
async def document(
    page: UserPage, permit_id: str = object_id(), file_id: str = object_id()
) -> Response:
    """An attachment, passed through from the API (the browser holds no token)."""
    answer = await page.api().call(
        "GET", f"/v1/jurisdictions/{page.jid}/permits/{permit_id}/documents/{file_id}"
    )
    headers = {
        k: v
        for k, v in answer.headers.items()
        if k.lower() in ("content-type", "content-disposition", "content-length")
    }
    return StreamingResponse(iter([answer.content]), headers=headers)
