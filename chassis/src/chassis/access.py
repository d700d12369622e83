"""Who may act in a jurisdiction: one rule for every service.

- A caller of another jurisdiction gets **404** (the jurisdiction's objects do
  not exist for them), the platform operator excepted.
- In the caller's own jurisdiction, a route that needs staff or a role the
  caller lacks is **403**: the route exists for them, the permission does not.
- An object the caller may not see is 404, decided where the object is
  loaded (its aggregate's ``visible_to``), never 403.
- An API client (issue 26) is held to its scopes at the route; inside it,
  it acts as staff of its own jurisdiction.
"""

from __future__ import annotations

from chassis.principal import Principal
from chassis.refusals import Denied, Missing


def require_tenant(principal: Principal, jurisdiction_id: str) -> Principal:
    if not principal.is_operator() and principal.jurisdiction_id != jurisdiction_id:
        raise Missing("not found")
    return principal


def require_member(principal: Principal, jurisdiction_id: str) -> Principal:
    """A caller of this very jurisdiction (the operator too gets 404: it has no
    cart, payments or inspections of its own here)."""
    if principal.jurisdiction_id != jurisdiction_id:
        raise Missing("not found")
    return principal


def require_staff(principal: Principal, jurisdiction_id: str, *roles: str) -> Principal:
    """Staff of the jurisdiction (with one of ``roles``, if given), or the
    operator. An API client of the jurisdiction passes: what it may do was
    decided by its scopes at the route (:func:`chassis.auth.within_scope`)."""
    require_tenant(principal, jurisdiction_id)
    if principal.is_operator() or principal.is_client():
        return principal
    if principal.kind != "staff" or (roles and not principal.has_role(*roles)):
        raise Denied(f"this needs the {' or '.join(roles) or 'staff'} role")
    return principal


def is_staff(principal: Principal) -> bool:
    return principal.acts_as_staff() or principal.is_operator()


def staff_roles(principal: Principal) -> list[str]:
    """The operator acts with the admin role."""
    return ["admin"] if principal.is_operator() else list(principal.roles)
