"""Which staff pages a member's roles may use (issue 27): the role model the
services enforce, page by page. A page the roles cannot use is not shown in
the menu and is the 404 page at its address; the services still refuse what
a role may not do."""

from __future__ import annotations

from portal.sessions import Session

STAFF_PAGES: dict[str, tuple[str, ...]] = {
    "staff_home": (),  # every staff member
    "staff_day": ("admin", "inspector", "permit_technician"),
    "staff_result": ("admin", "inspector", "permit_technician"),
    "staff_reschedule": ("admin", "inspector", "permit_technician"),
    "staff_permits": ("admin", "permit_technician", "plan_reviewer", "cashier"),
    "staff_permit": (),  # any staff: inspectors final a permit from its page
    "staff_move": (),
    "staff_comment": (),
    # identity's rules: admins manage people; staff who manage companies add them
    "staff_people": ("admin",),
    "staff_add_person": ("admin",),
    "staff_person": ("admin",),
    "staff_change_person": ("admin",),
    **dict.fromkeys(
        (
            "staff_companies",
            "staff_add_company",
            "staff_company",
            "staff_add_company_user",
            "staff_remove_company_user",
        ),
        ("admin", "permit_technician"),
    ),
    "staff_permit_company": ("admin", "permit_technician"),
    "staff_permit_company_remove": ("admin", "permit_technician"),
    "staff_permit_parties": ("admin", "permit_technician"),
    # setup: the jurisdiction's admins (each service checks the role again)
    **dict.fromkeys(
        (
            "staff_permit_types",
            "staff_new_permit_type",
            "staff_permit_type",
            "staff_save_permit_type",
            "staff_calendar",
            "staff_save_calendar",
            "staff_payment_settings",
            "staff_save_payment_settings",
            "staff_profile",
            "staff_save_profile",
            "staff_registration_settings",
            "staff_save_registration_settings",
        ),
        ("admin",),
    ),
    # permits' fee roles
    **dict.fromkeys(
        ("staff_quote", "staff_assess", "staff_void"), ("admin", "permit_technician", "cashier")
    ),
    **dict.fromkeys(
        (
            "staff_registrations",
            "staff_registration",
            "staff_registration_document",
            "staff_mark",
            "staff_decide",
        ),
        ("admin", "permit_technician"),  # registration's reviewers
    ),
    **dict.fromkeys(
        (
            "staff_cashier",
            "staff_counter_page",
            "staff_counter",
            "staff_payment",
            "staff_refund",
        ),
        ("admin", "cashier"),  # payments' desk roles
    ),
}


def may_open(session: Session | None, name: str) -> bool:
    """The staff page ``name`` is the visitor's to open."""
    if session is None or session.kind != "staff" or name not in STAFF_PAGES:
        return False
    roles = STAFF_PAGES[name]
    return not roles or any(r in session.roles for r in roles)
