"""The portal's pages, one module per area of the seeds' menus."""

from portal.pages import (
    account,
    apply,
    auth,
    card,
    cart,
    dashboard,
    enroll,
    home,
    inspections,
    jurisdiction,
    payments,
    permits,
    registration,
    search,
    staff,
    staff_cashier,
    staff_permits,
)

ROUTERS = [
    home.router,
    jurisdiction.router,
    auth.router,
    dashboard.router,
    apply.router,  # /permits/new before /permits/{permit_id}
    permits.router,
    card.router,
    cart.router,
    payments.router,
    inspections.router,
    search.router,
    enroll.router,
    registration.router,
    account.router,
    staff.router,
    staff_permits.router,
    staff_cashier.router,
]
