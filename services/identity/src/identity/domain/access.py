"""Who may do what in identity (object-level rules, no I/O)."""

from __future__ import annotations

from typing import Any, Literal

STAFF_ROLES = ("admin", "permit_technician", "plan_reviewer", "cashier", "inspector")
StaffRoleName = Literal["admin", "permit_technician", "plan_reviewer", "cashier", "inspector"]
COMPANY_MANAGERS = ("admin", "permit_technician")
"""Staff roles that may create contracting companies and manage their users."""


def is_company_admin(membership: dict[str, Any] | None, company_id: str) -> bool:
    return bool(membership) and company_id in membership.get("company_admin_of", [])  # type: ignore[union-attr]


def is_company_user(membership: dict[str, Any] | None, company_id: str) -> bool:
    return bool(membership) and company_id in membership.get("company_ids", [])  # type: ignore[union-attr]
