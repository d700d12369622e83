"""Apply / New Permit (seed 003's menu): the type, the site, a description,
the valuation the type's fee schedule needs, the owner, and a document; the
new permit number is shown on success."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from portal.gateway import ApiProblem
from portal.pages.permits import send_document
from portal.security import field_value
from portal.web import Form, Page, UserPage

router = APIRouter(prefix="/j/{jurisdiction_id}")
FIELDS = ("type_code", "street", "city", "state", "zip", "parcel", "description", "valuation")
OWNER = ("owner_name", "owner_email")
RENAMES = {
    "site.street": "street",
    "site.city": "city",
    "site.state": "state",
    "site.zip": "zip",
    "site.parcel": "parcel",
    "owner.name": "owner_name",
    "owner.email": "owner_email",
}


async def _types(page: Page) -> list[dict[str, Any]]:
    types = await page.member().permit_types()
    return [t for t in types if t.get("kind", "permit") == "permit"]


@router.get("/permits/new")
async def apply_page(page: UserPage) -> Response:
    return page.render(
        "apply.html", title="Apply / New Permit", types=await _types(page), attempt=uuid4().hex
    )


@router.post("/permits/new")
async def apply(page: UserPage, form: Form) -> Response:
    assert page.session is not None
    values = {k: field_value(form, k) for k in (*FIELDS, *OWNER)}
    # the form's attempt id is the Idempotency-Key: a double submit, or a retry
    # after an answer that was lost, applies once
    attempt = field_value(form, "attempt") or uuid4().hex
    errors = {
        k: message
        for k, message in (("type_code", "Choose the permit type"), ("street", "Enter the address"))
        if not values[k]
    }
    upload = form.get("document")
    document = upload if isinstance(upload, UploadFile) and upload.filename else None
    if not errors:
        body: dict[str, Any] = {
            "type_code": values["type_code"],
            "site": {
                k: values[k] for k in ("street", "city", "state", "zip", "parcel") if values[k]
            },
            "description": values["description"] or None,
            "valuation": values["valuation"].replace(",", "").lstrip("$") or None,
            "applicant": {
                "name": page.session.display_name or page.session.email,
                "email": page.session.email,
            },
            "company_ids": [page.session.company_id] if page.session.company_id else [],
        }
        if values["owner_name"]:
            body["owner"] = {"name": values["owner_name"], "email": values["owner_email"] or None}
        try:
            permit = await page.member().apply(body, key=f"portal-apply-{attempt}")
        except ApiProblem as problem:
            if problem.status not in (404, 409, 422):
                raise
            errors = problem.on_form(RENAMES, "type_code")
        else:
            return await _attach(page, permit, document)
    return page.render(
        "apply.html",
        422,
        title="Apply / New Permit",
        types=await _types(page),
        errors=errors,
        values=values,
        attempt=uuid4().hex,  # a corrected form is another application
    )


async def _attach(page: Page, permit: dict[str, Any], document: UploadFile | None) -> Response:
    text = f"Your permit number is {permit['number']}."
    if document is not None and not await send_document(page, permit["id"], document):
        text += (
            " The document was not accepted (only PDF, PNG or JPEG up to the size limit);"
            " attach it again under Attachments."
        )
    await page.flash(text, heading="Application submitted")
    return page.redirect(page.path("permit", permit_id=permit["id"]))
