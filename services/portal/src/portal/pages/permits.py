"""A permit (seed 003: "To enter into a permit… review the status of the
permit, review attachments and Community Development review, check on fees
and once the permit is issued… schedule inspections")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from portal.answers import Inspection
from portal.forms import upload
from portal.gateway import ApiProblem, Unavailable
from portal.i18n import N_, gettext
from portal.web import Form, Page, UserPage, company_names, download, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}")
REFUSED = N_("This file was not accepted: attach a PDF, PNG or JPEG document within the size limit")


@router.get("/permits/{permit_id}")
async def permit(page: UserPage, permit_id: str = object_id()) -> Response:
    return await _permit(page, permit_id)


async def _permit(page: Page, permit_id: str, status_code: int = 200, **context: Any) -> Response:
    found = await page.member().permit(permit_id)
    return page.render(
        "permit.html",
        status_code,
        title=gettext("Permit {number}").format(number=found.number),
        p=found,
        companies=await company_names(page, found.company_ids),
        inspections=await _inspections(page, permit_id),
        **context,
    )


async def _inspections(page: Page, permit_id: str) -> list[Inspection] | None:
    """The permit's inspections; none yet while the inspections service has not
    heard of the permit (a new application, a permit linked a moment ago: its
    events are on their way); None — a notice, not a failed page — when the
    service does not answer."""
    try:
        found = await page.member().permit_inspections(permit_id)
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        return []
    except Unavailable:
        return None
    return found.items


async def send_document(page: Page, permit_id: str, document: UploadFile) -> bool:
    """Attach ``document`` to the permit; False when the API refuses the file
    (its type is judged by its content, its size by the type's limit)."""
    try:
        await page.member().attach(
            permit_id,
            document.filename or "document",
            await document.read(),
            document.content_type or "application/octet-stream",
        )
    except ApiProblem as problem:
        if problem.status not in (413, 415, 422):
            raise
        return False
    return True


@router.post("/permits/{permit_id}/documents")
async def attach(page: UserPage, form: Form, permit_id: str = object_id()) -> Response:
    """Attachments: another document for the permit (plans, a corrected copy)."""
    document = upload(form, "document")
    if document is None:
        return await _permit(
            page, permit_id, 422, errors={"document": N_("Choose a file to attach")}
        )
    if not await send_document(page, permit_id, document):
        return await _permit(page, permit_id, 422, errors={"document": REFUSED})
    await page.flash(N_("The document is attached."))
    return page.redirect(page.path("permit", permit_id=permit_id) + "#attachments")


@router.get("/permits/{permit_id}/documents/{file_id}")
async def document(
    page: UserPage, permit_id: str = object_id(), file_id: str = object_id()
) -> Response:
    """An attachment, passed through from the API (the browser holds no token)."""
    answer = await page.member().document(permit_id, file_id)
    return download(answer)
