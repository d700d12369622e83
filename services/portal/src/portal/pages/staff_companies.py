"""Contracting companies in the staff console (issue 27, seed 000: "add a
contracting company", "add and remove its authorized online users", "add a
contractor to a permit so that its users can pay")."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.i18n import N_, gettext
from portal.pages.staff_people import DELIVERIES, created_page
from portal.pages.staff_permits import permit_page
from portal.web import Form, Page, StaffPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}/staff")


@router.get("/companies")
async def staff_companies(page: StaffPage, q: str = Query(default="", max_length=200)) -> Response:
    """Find a company by its license number or the start of its name."""
    found, problem = None, None
    if q.strip():
        try:
            found = await page.staff().companies(q.strip())
        except ApiProblem as refused:
            if refused.status != 422:
                raise
            problem = refused.errors.get("q") or refused.detail
    return _companies_page(page, q, found, problem)


def _companies_page(
    page: Page,
    q: str,
    found: Any,
    problem: str | None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    return page.render_form(
        "staff_companies.html",
        status,
        title=N_("Companies"),
        q=q,
        found=found,
        problem=problem,
        errors=errors,
        values=values,
    )


class CompanyForm(FormModel):
    name: str = field("name", required=N_("Enter the company's name"))
    license_number: str = field("license_number", required=N_("Enter its license or AEC number"))
    address: str = field("address")
    city: str = field("city")
    state: str = field("state")
    zip: str = field("zip")
    email: str = field("email")
    phone: str = field("phone")
    key: str = field()


@router.post("/companies")
async def staff_add_company(page: StaffPage, form: Form) -> Response:
    posted, errors = CompanyForm.read(form)
    if not errors:
        body = posted.body(*(n for n in CompanyForm.model_fields if n != "key"), empty="drop")
        try:
            made = await page.staff().add_company(body, key=posted.key or uuid4().hex)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = CompanyForm.problems(problem, default="license_number")
        else:
            await page.flash(gettext("{company} is on file.").format(company=made.name))
            return page.redirect(page.path("staff_company", company_id=made.id))
    return _companies_page(page, "", None, None, 422, errors, posted.values())


async def _company_page(
    page: Page,
    company_id: str,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    api = page.staff()
    company = await api.staff_company(company_id)
    return page.render_form(
        "staff_company.html",
        status,
        title=company.name or company.license_number,
        company=company,
        users=await api.company_members(company_id),
        deliveries=DELIVERIES,
        errors=errors,
        values=values or {"delivery": "invitation"},
    )


@router.get("/companies/{company_id}")
async def staff_company(page: StaffPage, company_id: str = object_id()) -> Response:
    return await _company_page(page, company_id)


class CompanyUserForm(FormModel):
    email: str = field("email", required=N_("Enter the user's email"))
    display_name: str = field("display_name", required=N_("Enter the user's name"))
    company_admin: str = field()
    delivery: str = field("delivery", default="invitation")
    key: str = field()


@router.post("/companies/{company_id}/users")
async def staff_add_company_user(
    page: StaffPage, form: Form, company_id: str = object_id()
) -> Response:
    posted, errors = CompanyUserForm.read(form)
    if not errors:
        body = {
            **posted.body("email", "display_name", "delivery"),
            "company_admin": posted.company_admin == "yes",
        }
        try:
            made = await page.staff().add_company_member(
                company_id, body, key=posted.key or uuid4().hex
            )
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = CompanyUserForm.problems(problem, default="email")
        else:
            return created_page(page, made, page.path("staff_company", company_id=company_id))
    return await _company_page(page, company_id, 422, errors, posted.values())


@router.post("/companies/{company_id}/users/{account_id}/remove")
async def staff_remove_company_user(
    page: StaffPage, form: Form, company_id: str = object_id(), account_id: str = object_id()
) -> Response:
    """At once: their sessions for the company end (identity revokes them)."""
    await page.staff().remove_company_user(company_id, account_id)
    await page.flash(N_("The user no longer acts for this company."))
    return page.redirect(page.path("staff_company", company_id=company_id))


class AddCompanyForm(FormModel):
    license_number: str = field(required=N_("Enter the company's license or AEC number"))


@router.post("/permits/{permit_id}/companies")
async def staff_permit_company(
    page: StaffPage, form: Form, permit_id: str = object_id()
) -> Response:
    """A contracting company on the permit, found by its license number: its
    authorized users then see the permit and may pay its fees."""
    posted, errors = AddCompanyForm.read(form)
    if not errors:
        listed = await page.staff().companies(posted.license_number.strip().upper())
        wanted = posted.license_number.strip().upper()
        company = next((c for c in listed.items if c.license_number.upper() == wanted), None)
        if company is None:
            errors = {
                "license_number": gettext("No company with license {license} is on file").format(
                    license=wanted
                )
            }
        else:
            try:
                await page.staff().change_parties(permit_id, {"add_companies": [company.id]})
            except ApiProblem as problem:
                if problem.status not in (409, 422):
                    raise
                errors = {"license_number": problem.detail}
            else:
                await page.flash(
                    gettext("{company} is on the permit.").format(company=company.name)
                )
                return page.redirect(page.path("staff_permit", permit_id=permit_id))
    return await permit_page(page, permit_id, 422, errors, posted.values())


@router.post("/permits/{permit_id}/companies/{company_id}/remove")
async def staff_permit_company_remove(
    page: StaffPage, form: Form, permit_id: str = object_id(), company_id: str = object_id()
) -> Response:
    """A company off the permit: its users no longer see it or pay for it."""
    try:
        await page.staff().change_parties(permit_id, {"remove_companies": [company_id]})
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return await permit_page(page, permit_id, 422, {"license_number": problem.detail})
    await page.flash(N_("The company is off the permit."))
    return page.redirect(page.path("staff_permit", permit_id=permit_id))


class PartyEmails(FormModel):
    applicant_email: str = field("applicant_email")
    owner_email: str = field("owner_email")


@router.post("/permits/{permit_id}/parties")
async def staff_permit_parties(
    page: StaffPage, form: Form, permit_id: str = object_id()
) -> Response:
    """The applicant's or the owner's email (who may see and pay the permit);
    a malformed address is told next to its field."""
    posted, errors = PartyEmails.read(form)
    body = posted.body(empty="drop")
    if not body:
        errors["applicant_email"] = N_("Enter the applicant's or the owner's new email")
    if not errors:
        try:
            await page.staff().change_parties(permit_id, body)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = PartyEmails.problems(problem, default="applicant_email")
        else:
            await page.flash(N_("The permit's parties are changed."))
            return page.redirect(page.path("staff_permit", permit_id=permit_id))
    return await permit_page(page, permit_id, 422, errors, posted.values())
