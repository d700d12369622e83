"""Apply / New Permit (seed 003's menu): the type, the site, a description,
the valuation the type's fee schedule needs, the owner, and a document; the
new permit number is shown on success."""

from __future__ import annotations

from uuid import uuid4

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from portal.answers import Permit, PermitType
from portal.forms import FormModel, field, upload
from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.pages.permits import send_document
from portal.web import Form, Page, UserPage

router = APIRouter(prefix="/j/{jurisdiction_id}")
SITE = ("type_code", "street", "city", "state", "zip", "parcel")


class ApplyForm(FormModel):
    """The application form: each field named as the page posts it, and
    where the API holds it."""

    type_code: str = field("type_code", required=N_("Choose the permit type"))
    street: str = field("site.street", required=N_("Enter the address"))
    city: str = field("site.city")
    state: str = field("site.state")
    zip: str = field("site.zip")
    parcel: str = field("site.parcel")
    description: str = field("description")
    valuation: str = field("valuation")
    owner_name: str = field("owner.name")
    owner_email: str = field("owner.email")
    attempt: str = field()


async def _types(page: Page) -> list[PermitType]:
    types = await page.member().permit_types()
    return [t for t in types if t.kind == "permit"]


@router.get("/permits/new")
async def apply_page(page: UserPage) -> Response:
    return page.render(
        "apply.html", title=N_("Apply / New Permit"), types=await _types(page), attempt=uuid4().hex
    )


@router.post("/permits/new")
async def apply(page: UserPage, form: Form) -> Response:
    assert page.session is not None
    posted, errors = ApplyForm.read(form)
    # the form's attempt id is the Idempotency-Key: a double submit, or a retry
    # after an answer that was lost, applies once
    attempt = posted.attempt or uuid4().hex
    document = upload(form, "document")
    if not errors:
        body = posted.body(*SITE, empty="drop") | posted.body("description")
        body["valuation"] = posted.valuation.replace(",", "").lstrip("$") or None
        body["applicant"] = {
            "name": page.session.display_name or page.session.email,
            "email": page.session.email,
        }
        body["company_ids"] = [page.session.company_id] if page.session.company_id else []
        if posted.owner_name:
            body |= posted.body("owner_name", "owner_email")
        try:
            permit = await page.member().apply(body, key=f"portal-apply-{attempt}")
        except ApiProblem as problem:
            if problem.status not in (404, 409, 422):
                raise
            errors = ApplyForm.problems(problem, default="type_code")
        else:
            return await _attach(page, permit, document)
    return page.render(
        "apply.html",
        422,
        title=N_("Apply / New Permit"),
        types=await _types(page),
        errors=errors,
        values=posted.values(),
        attempt=uuid4().hex,  # a corrected form is another application
    )


async def _attach(page: Page, permit: Permit, document: UploadFile | None) -> Response:
    text = gettext("Your permit number is {number}.").format(number=permit.number)
    if document is not None and not await send_document(page, permit.id, document):
        text += " " + gettext(
            "The document was not accepted (only PDF, PNG or JPEG up to the size limit);"
            " attach it again under Attachments."
        )
    await page.flash(text, heading=N_("Application submitted"))
    return page.redirect(page.path("permit", permit_id=permit.id))
