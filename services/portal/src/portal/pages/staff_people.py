"""Users and companies in the staff console (issue 27, seed 000): find and
add people (a community member, or staff with their roles: admins only), a
person's status and roles, contracting companies and their authorized online
users (added by an emailed invitation or a first-login PIN shown once,
removed at once), and a company added to a permit so that its users may pay."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Query
from fastapi.responses import Response

from portal.forms import FormModel, field
from portal.gateway import ApiProblem
from portal.i18n import N_
from portal.staff_answers import Member
from portal.web import Form, Page, StaffPage, object_id

router = APIRouter(prefix="/j/{jurisdiction_id}/staff")

ROLES = {
    "admin": N_("Administrator"),
    "permit_technician": N_("Permit technician"),
    "plan_reviewer": N_("Plan reviewer"),
    "cashier": N_("Cashier"),
    "inspector": N_("Inspector"),
}
KINDS = {
    "staff": N_("Staff"),
    "community_member": N_("Community member"),
    "contractor": N_("Contractor"),
}
DELIVERIES = {"invitation": N_("Email an invitation"), "pin": N_("Give a first-login PIN")}


def created_page(page: Page, member: Member, back: str) -> Response:
    """A person added: with a PIN, this answer is the only place it shows."""
    return page.render("staff_created.html", 201, title=N_("Added"), member=member, back=back)


# -- people ---------------------------------------------------------------------
@router.get("/people")
async def staff_people(
    page: StaffPage,
    kind: str = Query(default="staff", pattern="^(staff|community_member|contractor)$"),
    email: str = Query(default="", max_length=320),
) -> Response:
    """Staff are listed whole; others by the start of their email (three
    characters at least: there may be thousands)."""
    found, problem = None, None
    if kind == "staff" or email.strip():
        try:
            found = await page.staff().members(kind=kind, email=email.strip(), limit=100)
        except ApiProblem as refused:
            if refused.status != 422:
                raise
            problem = refused.errors.get("email") or refused.detail
    return _people_page(page, kind, email, found, problem)


def _people_page(
    page: Page,
    kind: str,
    email: str,
    found: Any,
    problem: str | None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    return page.render_form(
        "staff_people.html",
        status,
        title=N_("Users"),
        kind=kind,
        email=email,
        found=found,
        problem=problem,
        kinds=KINDS,
        roles=ROLES,
        deliveries=DELIVERIES,
        errors=errors,
        values=values or {"kind": "community_member", "delivery": "invitation"},
    )


class PersonForm(FormModel):
    lists = frozenset({"roles"})

    kind: str = field("kind", required=N_("Choose what kind of user"))
    email: str = field("email", required=N_("Enter the email"))
    display_name: str = field("display_name", required=N_("Enter the name"))
    roles: list[str] = field("roles", default=[])
    delivery: str = field("delivery", default="invitation")
    key: str = field()

    def checked(self, errors: dict[str, str]) -> dict[str, str]:
        if self.kind == "staff" and not self.roles:
            errors.setdefault("roles", N_("Give a staff member at least one role"))
        return errors


@router.post("/people")
async def staff_add_person(page: StaffPage, form: Form) -> Response:
    posted, errors = PersonForm.read(form)
    errors = posted.checked(errors)
    if not errors:
        body = posted.body("kind", "email", "display_name", "roles", "delivery")
        if posted.kind != "staff":
            body["roles"] = []
        try:
            made = await page.staff().add_member(body, key=posted.key or uuid4().hex)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            errors = PersonForm.problems(problem, default="email")
        else:
            return created_page(
                page, made, page.path("staff_person", membership_id=made.membership_id)
            )
    return _people_page(page, "staff", "", None, None, 422, errors, posted.values())


@router.get("/people/{membership_id}")
async def staff_person(page: StaffPage, membership_id: str = object_id()) -> Response:
    return await _person_page(page, membership_id)


async def _person_page(
    page: Page, membership_id: str, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    member = await page.staff().member(membership_id)
    return page.render(
        "staff_person.html", status, title=member.display_name or member.email,
        person=member, roles=ROLES, kinds=KINDS, errors=errors or {},
    )  # fmt: skip


class ChangeForm(FormModel):
    lists = frozenset({"roles"})

    status: str = field("status")
    roles: list[str] = field("roles", default=[])


@router.post("/people/{membership_id}")
async def staff_change_person(
    page: StaffPage, form: Form, membership_id: str = object_id()
) -> Response:
    """Enable or disable a person (their sessions end at once), or a staff
    member's roles; the last admin cannot be demoted (identity says so)."""
    posted, _ = ChangeForm.read(form)
    current = await page.staff().member(membership_id)
    changes: dict[str, Any] = {}
    if posted.status in ("active", "disabled") and posted.status != current.status:
        changes["status"] = posted.status
    if current.kind == "staff" and sorted(posted.roles) != sorted(current.roles):
        changes["roles"] = posted.roles
    if changes:
        try:
            await page.staff().change_member(membership_id, changes)
        except ApiProblem as problem:
            if problem.status not in (409, 422):
                raise
            return await _person_page(
                page, membership_id, 422, ChangeForm.problems(problem, default="status")
            )
        await page.flash("Saved.")
    return page.redirect(page.path("staff_person", membership_id=membership_id))
